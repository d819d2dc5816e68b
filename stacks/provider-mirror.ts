/**
 * Terraform providers for air-gapped sites: which providers the stacks pin, and the Terraform
 * CLI configuration (`provider_installation`) that installs exactly those from a mirror and
 * from nowhere else. Terraform reads it from the file named by TF_CLI_CONFIG_FILE.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, type TerraformProvider } from 'cdktf';

/** A provider as `terraform init` resolves it. */
export interface ProviderPin {
  /** Registry address, e.g. registry.terraform.io/hashicorp/kubernetes. */
  readonly address: string;
  /** The exact version every stack requires. */
  readonly version: string;
}

/** Where the mirror is: a network mirror (https) or a folder on the machine running Terraform. */
export type ProviderMirror = { readonly url: string } | { readonly path: string };

/** Terraform's default registry: short provider sources like `helm` mean hashicorp/helm there. */
const DEFAULT_REGISTRY = 'registry.terraform.io';

function pinOf(provider: TerraformProvider): ProviderPin {
  const meta = provider.terraformGeneratorMetadata;
  const source = provider.terraformProviderSource;
  if (!meta?.providerVersion || !source) throw new Error(`provider ${provider.terraformResourceType} has no pinned version or source`);
  const parts = source.split('/');
  const address = parts.length === 1 ? `${DEFAULT_REGISTRY}/hashicorp/${source}` : parts.length === 2 ? `${DEFAULT_REGISTRY}/${source}` : source;
  return { address, version: meta.providerVersion };
}

/**
 * The providers the stacks require, read from the same provider classes that write each
 * stack's `required_providers`, so the mirror configuration cannot drift from them.
 */
export function pinnedProviders(): ProviderPin[] {
  const stack = new TerraformStack(new App({ outdir: '/nonexistent', stackTraces: false }), 'pins');
  const providers: TerraformProvider[] = [new HelmProvider(stack, 'helm', {}), new KubernetesProvider(stack, 'kubernetes', {})];
  return providers.map(pinOf).sort((a, b) => a.address.localeCompare(b.address));
}

const hcl = (s: string) => JSON.stringify(s);

/**
 * A Terraform CLI configuration that installs the pinned providers from the mirror only: no
 * `direct` block, so `terraform init` never contacts a registry and fails plainly when the
 * mirror lacks a provider.
 */
export function terraformCliConfig(mirror: ProviderMirror, pins: readonly ProviderPin[] = pinnedProviders(), siteId?: string): string {
  const include = pins.map((p) => hcl(p.address)).join(', ');
  const method =
    'url' in mirror
      ? ['  network_mirror {', `    url     = ${hcl(mirror.url)}`, `    include = [${include}]`, '  }']
      : ['  filesystem_mirror {', `    path    = ${hcl(mirror.path)}`, `    include = [${include}]`, '  }'];
  return [
    `# Terraform CLI configuration${siteId ? ` for ${siteId}` : ''}, written by aif terraform-config.`,
    '# Providers come from the mirror only (no direct registry access). Use it with:',
    '#   export TF_CLI_CONFIG_FILE=<this file>',
    `# The mirror must hold: ${pins.map((p) => `${p.address} ${p.version}`).join(', ')}.`,
    '# Fill it on a connected machine, in a synthesized stack folder (cdktf.out/stacks/<stack>):',
    '#   terraform providers mirror -platform=linux_amd64 <mirror folder>',
    'provider_installation {',
    ...method,
    '}',
    '',
  ].join('\n');
}
