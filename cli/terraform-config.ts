/**
 * `aif terraform-config [<site>] [--mirror-path DIR | --mirror-url URL] [--out FILE]`: the
 * Terraform CLI configuration an air-gapped site needs, so that `terraform init` (and so
 * `cdktf diff` and `deploy`) installs the pinned kubernetes and helm providers from the
 * site's mirror and never contacts a registry.
 */
import * as path from 'path';
import {
  EXIT_CODES_TAIL,
  guarded,
  isExit,
  parseArgs,
  printExit,
  processIo,
  reportMissingSites,
  runAsMain,
  SITES_DIR_OPTION,
  sitesDirOf,
  stringOption,
  usageError,
  type CommandSpec,
  type Io,
} from './args';
import { checkSiteFile } from '../site-model/loader';
import { EXIT_INVALID, formatProblem } from '../site-model/problems';
import { pinnedProviders, terraformCliConfig, type ProviderMirror } from '../stacks/provider-mirror';
import { writeFileAtomic } from '../rehearsal/control-plane-support';
import { RegistryMirrorSchema } from '../site-model/schema';

/** The command line of `aif terraform-config`. */
export const TERRAFORM_CONFIG_COMMAND: CommandSpec = {
  name: 'terraform-config',
  synopsis: ['[<site>] [options]'],
  description: `Writes a Terraform CLI configuration whose provider_installation takes the pinned
providers (${pinnedProviders()
    .map((p) => `${p.address.split('/').slice(1).join('/')} ${p.version}`)
    .join(', ')}) from a mirror and from nowhere else.
The mirror is the site's registryMirror.providerMirror (a network mirror), or the one given
with --mirror-url or --mirror-path (a folder in Terraform's mirror layout, as written by
\`terraform providers mirror\`). Point Terraform at the file with TF_CLI_CONFIG_FILE.`,
  sites: { min: 0, max: 1, example: 'de-jaif' },
  options: [
    { name: 'mirror-url', value: 'URL', needs: 'an https URL ending in /', help: 'network mirror serving the providers (overrides the site file)' },
    { name: 'mirror-path', value: 'DIR', needs: 'a folder', help: 'folder holding the providers in mirror layout, on the machine that runs Terraform' },
    { name: 'out', value: 'FILE', needs: 'a file', help: 'write the configuration to FILE (default: standard output)' },
    SITES_DIR_OPTION,
  ],
  exitCodes: `0 written, 1 the site does not load or states no provider mirror, ${EXIT_CODES_TAIL}`,
  notes: 'Example: aif terraform-config de-jaif --out terraform.rc && export TF_CLI_CONFIG_FILE=$PWD/terraform.rc',
};

function terraformConfigWith(argv: readonly string[], io: Io): number {
  const parsed = parseArgs(TERRAFORM_CONFIG_COMMAND, argv);
  if (isExit(parsed)) return printExit(io, parsed);
  const url = stringOption(parsed, 'mirror-url');
  const dir = stringOption(parsed, 'mirror-path');
  if (url !== undefined && dir !== undefined) return printExit(io, usageError(TERRAFORM_CONFIG_COMMAND, 'give --mirror-url or --mirror-path, not both'));
  // The same rule as the site file's registryMirror.providerMirror.
  if (url !== undefined && !RegistryMirrorSchema.shape.providerMirror.safeParse(url).success) {
    return printExit(io, usageError(TERRAFORM_CONFIG_COMMAND, `--mirror-url needs an https URL ending in /, got ${url}`));
  }
  const [site] = parsed.sites;
  let mirror: ProviderMirror | undefined = url !== undefined ? { url } : dir !== undefined ? { path: path.resolve(io.cwd, dir) } : undefined;
  if (site !== undefined) {
    const sitesDir = sitesDirOf(parsed, io);
    const missing = reportMissingSites(io, sitesDir, [site]);
    if (missing !== undefined) return missing;
    const check = checkSiteFile(path.join(sitesDir, `${site}.yaml`));
    if (check.problems.length > 0) {
      io.err(`${check.problems.map(formatProblem).join('\n')}\n\n${check.problems.length} problem(s) in the site file; nothing written\n`);
      return EXIT_INVALID;
    }
    const stated = check.spec?.registryMirror?.providerMirror;
    mirror ??= stated !== undefined ? { url: stated } : undefined;
    if (mirror === undefined) {
      io.err(
        `${path.relative(io.cwd, path.join(sitesDir, `${site}.yaml`))}: registryMirror.providerMirror is not set; state the site's provider mirror there (an https URL ending in /), or pass --mirror-url or --mirror-path\n`,
      );
      return EXIT_INVALID;
    }
  }
  if (mirror === undefined)
    return printExit(io, usageError(TERRAFORM_CONFIG_COMMAND, 'name a site with registryMirror.providerMirror, or give --mirror-url or --mirror-path'));
  const text = terraformCliConfig(mirror, pinnedProviders(), site);
  const out = stringOption(parsed, 'out');
  if (out === undefined) {
    io.out(text);
    return 0;
  }
  const file = path.resolve(io.cwd, out);
  writeFileAtomic(file, text);
  io.err(`wrote ${path.relative(io.cwd, file)}; use it with: export TF_CLI_CONFIG_FILE=${file}\n`);
  return 0;
}

/** `aif terraform-config`: exit 0 when the configuration is written. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => terraformConfigWith(argv, io));
}

if (require.main === module) runAsMain(run);
