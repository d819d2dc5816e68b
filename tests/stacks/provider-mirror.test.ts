import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pinnedProviders, terraformCliConfig, type ProviderPin } from '../../stacks/provider-mirror';
import { MINIMUM_TERRAFORM } from '../../stacks/site-stack';
import { run as runTerraformConfig } from '../../cli/terraform-config';
import { builtOnce, fixtureText, problemsOf, siteModel, synthSite } from '../helpers';

// The real Terraform CLI (1.11 on the project's machines) reads the configuration aif writes:
// `terraform init` of a synthesized stack must install the pinned providers from the mirror,
// and fail, never reach a registry, when the mirror lacks them.
const TERRAFORM = process.env.TERRAFORM ?? 'terraform';
const platform = builtOnce(() => synthSite(siteModel()).platform);

/** A filesystem mirror in Terraform's unpacked layout, holding stand-in executables (init installs, never runs them). */
function fakeMirror(dir: string, pins: readonly ProviderPin[]): void {
  for (const pin of pins) {
    const type = pin.address.split('/').at(-1) ?? '';
    const folder = path.join(dir, pin.address, pin.version, 'linux_amd64');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `terraform-provider-${type}_v${pin.version}`), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  }
}

function init(stackJson: unknown, config: string, work: string) {
  const stackDir = path.join(work, 'stack');
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(stackJson));
  fs.writeFileSync(path.join(work, 'cli.tfrc'), config);
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: path.join(work, 'cli.tfrc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  delete env.TF_PLUGIN_CACHE_DIR;
  const run = spawnSync(TERRAFORM, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: stackDir, env, encoding: 'utf8', timeout: 60_000 });
  const lockFile = path.join(stackDir, '.terraform.lock.hcl');
  return { status: run.status, output: `${run.stdout}${run.stderr}`, lock: fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : '' };
}

describe('Terraform providers from a mirror (air-gapped sites)', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-provider-mirror-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('terraform is installed', () => {
    expect(
      execFileSync(TERRAFORM, ['version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' } }),
    ).toMatch(/^Terraform v1\./);
  });

  it('pins exactly the providers and versions the synthesized stacks require', () => {
    const required = (platform().terraform as unknown as { required_providers: Record<string, { source: string; version: string }> }).required_providers;
    const fromStack = Object.values(required)
      .map((p) => ({ address: `registry.terraform.io/hashicorp/${p.source}`, version: p.version }))
      .sort((a, b) => a.address.localeCompare(b.address));
    expect(pinnedProviders()).toEqual(fromStack);
  });

  it('terraform init installs the pinned providers from a filesystem mirror', () => {
    const pins = pinnedProviders();
    const mirror = path.join(work, 'mirror');
    fakeMirror(mirror, pins);
    const result = init(platform(), terraformCliConfig({ path: mirror }, pins, 'xx-minimal'), work);
    expect(result.output).toContain('Terraform has been successfully initialized');
    expect(result.status).toBe(0);
    for (const pin of pins) expect(result.lock).toContain(`provider "${pin.address}" {\n  version     = "${pin.version}"`);
  });

  it('a mirror without the providers fails init instead of falling back to the registry', () => {
    const mirror = path.join(work, 'empty-mirror');
    fs.mkdirSync(mirror);
    const result = init(platform(), terraformCliConfig({ path: mirror }), work);
    expect(result.status).not.toBe(0);
    // The only search location Terraform lists for each provider is the mirror.
    const flat = result.output.replace(/\s+/g, ' ');
    for (const address of ['registry.terraform.io/hashicorp/helm', 'registry.terraform.io/hashicorp/kubernetes']) {
      expect(flat).toContain(`provider ${address} was not found in any of the search locations - ${mirror} `);
    }
  });

  it('a network mirror is the only installation source terraform queries', () => {
    // An https host that does not resolve: init must name the mirror, not the public registry.
    const result = init(platform(), terraformCliConfig({ url: 'https://providers.mirror.invalid/terraform/' }), work);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('providers.mirror.invalid');
  });
});

describe('registryMirror.providerMirror in the site file', () => {
  const mirror = { imageRegistry: 'registry.example.eu/mirror', chartRepository: 'oci://registry.example.eu/charts' };
  it('accepts an https URL ending in a slash', () => {
    expect(problemsOf({ registryMirror: { ...mirror, providerMirror: 'https://mirror.example.eu/terraform/' } })).toEqual([]);
  });
  it.each([
    ['http://mirror.example.eu/terraform/', /registryMirror\.providerMirror/],
    ['https://mirror.example.eu/terraform', /must end with a slash/],
  ])('rejects %s', (url, expected) => {
    const problems = problemsOf({ registryMirror: { ...mirror, providerMirror: url } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
    expect(problems[0]).toContain('sites/xx-minimal.yaml:');
  });
});

describe('aif terraform-config', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-terraform-config-'));
    fs.mkdirSync(path.join(work, 'sites'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  function aif(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env: {}, cwd: work };
    return Promise.resolve(runTerraformConfig(argv, io)).then((status) => ({ status, stdout: out.join(''), stderr: err.join('') }));
  }
  const withMirror = (providerMirror?: string) =>
    fixtureText({
      registryMirror: {
        imageRegistry: 'registry.example.eu/mirror',
        chartRepository: 'oci://registry.example.eu/charts',
        ...(providerMirror ? { providerMirror } : {}),
      },
    });

  it("writes the site's network mirror configuration, which terraform init then uses", async () => {
    fs.writeFileSync(path.join(work, 'sites', 'xx-minimal.yaml'), withMirror('https://providers.mirror.invalid/terraform/'));
    const run = await aif(['xx-minimal', '--out', 'terraform.rc']);
    expect(run).toMatchObject({ status: 0, stdout: '' });
    const text = fs.readFileSync(path.join(work, 'terraform.rc'), 'utf8');
    expect(text).toContain('url     = "https://providers.mirror.invalid/terraform/"');
    const result = init(platform(), text, path.join(work, 'init'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('providers.mirror.invalid');
  });

  it('--mirror-path writes a filesystem mirror configuration on stdout', async () => {
    const run = await aif(['--mirror-path', 'mirror']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`path    = ${JSON.stringify(path.join(work, 'mirror'))}`);
  });

  it('a site without a provider mirror is an error naming the field and the fix', async () => {
    fs.writeFileSync(path.join(work, 'sites', 'xx-minimal.yaml'), withMirror());
    const run = await aif(['xx-minimal']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^sites\/xx-minimal\.yaml: registryMirror\.providerMirror is not set; state the site's provider mirror there/);
    expect(fs.readdirSync(work)).toEqual(['sites']);
  });

  it.each([
    [['--mirror-url', 'http://x.example.eu/'], /--mirror-url needs an https URL ending in \//],
    [['--mirror-url', 'https://[/'], /--mirror-url needs an https URL ending in \//],
    [['--mirror-url', 'https://x.example.eu/terraform'], /--mirror-url needs an https URL ending in \//],
    [['--mirror-url', 'https://x.example.eu/', '--mirror-path', 'm'], /not both/],
    [[], /name a site with registryMirror\.providerMirror/],
  ])('%j is a usage error', async (argv, message) => {
    const run = await aif(argv);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('the Terraform version every stack requires', () => {
  // Stacks carry moved blocks (stacks/upgrade-moves.ts), new in Terraform 1.5.
  it('terraform init of a synthesized stack accepts the installed Terraform and refuses a Terraform older than required', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-tf-version-'));
    try {
      const pins = pinnedProviders();
      const mirror = path.join(work, 'mirror');
      fakeMirror(mirror, pins);
      const stack = platform();
      expect((stack.terraform as unknown as { required_version: string }).required_version).toBe(MINIMUM_TERRAFORM);
      expect(init(stack, terraformCliConfig({ path: mirror }, pins), path.join(work, 'ok')).status).toBe(0);
      // The same constraint checked by the real terraform against a version it is not.
      const tooNew = { ...stack, terraform: { ...(stack.terraform as object), required_version: '>= 99.0.0' } };
      const refused = init(tooNew, terraformCliConfig({ path: mirror }, pins), path.join(work, 'refused'));
      expect(refused.status).not.toBe(0);
      expect(refused.output).toContain('Unsupported Terraform Core version');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
