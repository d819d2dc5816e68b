import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { run as validateCommand, validateCatalogue } from '../../cli/validate';
import { loadSiteFile } from '../../site-model/loader';
import type { SiteStacks } from '../../stacks/site';
import { fixtureText, problemsOf, resourceNamed, resources, runCommand, SITES_DIR, synthSite } from '../helpers';

const ROOT = path.join(__dirname, '..', '..');

describe('npm run validate', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-validate-test-'));
    fs.writeFileSync(path.join(dir, 'xx-minimal.yaml'), fixtureText());
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a valid catalogue passes with a per-site line', () => {
    const report = validateCatalogue(dir);
    expect(report.ok).toBe(true);
    expect(report.text).toBe('ok  xx-minimal: stacks xx-minimal-platform, xx-minimal-workloads; 0 warning(s), 0 suppressed\n\n1 site(s) valid');
  });

  test('schema problems fail with every message', () => {
    fs.writeFileSync(path.join(dir, 'xx-minimal.yaml'), fixtureText({ kind: 'lab', country: 'de' }));
    const report = validateCatalogue(dir);
    expect(report.ok).toBe(false);
    expect(report.text).toMatch(/kind: must be one of factory, gigafactory, got "lab"/);
    expect(report.text).toMatch(/country: must be an ISO 3166-1 alpha-2 code/);
    expect(report.text).toMatch(/\n\n2 problem\(s\) in site files$/);
  });

  test('removing a tenant NetworkPolicy through an escape hatch fails with the rule id', () => {
    const report = validateCatalogue(dir, undefined, undefined, (site) => {
      site.workloads.tenants.main.acme.namespace.node.tryRemoveChild('DefaultDeny');
    });
    expect(report.ok).toBe(false);
    expect(report.text).toMatch(
      /^error AIF-TEN-1 xx-minimal-workloads\/Tenant-main-acme\/Namespace\/Namespace\n {2}The tenant namespace has no default-deny NetworkPolicy/,
    );
    expect(report.text).toMatch(/\n\n1 policy violation\(s\)$/);
  });

  test('the command exits non-zero on errors', async () => {
    fs.writeFileSync(path.join(dir, 'xx-minimal.yaml'), fixtureText({ kind: 'lab' }));
    const run = await runCommand(validateCommand, [], { cwd: ROOT, env: { SITES_DIR: dir } });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/kind: must be one of factory, gigafactory/);
  });

  test('a tenant added to a catalogue site appears, fully isolated, in its workloads stack', () => {
    const doc = parseDocument(fs.readFileSync(path.join(SITES_DIR, 'de-jaif.yaml'), 'utf8'));
    doc.setIn(
      ['tenants', 'new-startup'],
      doc.createNode({
        kind: 'startup',
        oidcGroups: { admins: ['ns-admins'] },
        gpuQuota: { booster: { guaranteed: 8, max: 32 }, inference: { guaranteed: 14, max: 28 } },
      }),
    );
    const file = path.join(dir, 'de-jaif.yaml');
    fs.rmSync(path.join(dir, 'xx-minimal.yaml'));
    fs.writeFileSync(file, doc.toString());

    expect(validateCatalogue(dir).ok).toBe(true);
    const { workloads } = synthSite(loadSiteFile(file));
    const ns = resourceNamed(workloads, 'kubernetes_namespace_v1', 'tenant-new-startup') as { metadata: { labels: Record<string, string> } };
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(resourceNamed(workloads, 'kubernetes_network_policy_v1', 'default-deny', 'tenant-new-startup').spec).toEqual({
      pod_selector: {},
      policy_types: ['Ingress', 'Egress'],
    });
    const quota = resourceNamed(workloads, 'kubernetes_resource_quota_v1', 'tenant-quota', 'tenant-new-startup') as { spec: { hard: Record<string, string> } };
    // Slurm owns the booster pool, so its GPUs are Slurm's to give: none in the namespace. Half
    // the inference pool is Kubernetes', so half the quota there is the namespace's.
    expect(quota.spec.hard['requests.nvidia.com/gpu']).toBe('0');
    expect(quota.spec.hard['requests.nvidia.com/mig-1g.12gb']).toBe('14');
    const bindings = resources(workloads, 'kubernetes_role_binding_v1').filter((b) => (b.metadata as { namespace: string }).namespace === 'tenant-new-startup');
    expect(bindings).toHaveLength(1);
  });
});

describe('policy suppressions in the site file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-suppress-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const removeQuota = (site: SiteStacks) => site.workloads.tenants.main.acme.node.tryRemoveChild('Quota');

  test('a suppressed finding passes validation and is printed with its reason', () => {
    fs.writeFileSync(
      path.join(dir, 'xx-minimal.yaml'),
      fixtureText({ policySuppressions: { 'AIF-TEN-2': { 'workloads/Tenant-main-acme': 'quota enforced by the site admission webhook' } } }),
    );
    const report = validateCatalogue(dir, undefined, undefined, removeQuota);
    expect(report.ok).toBe(true);
    expect(report.text).toMatch(
      /^ok {2}xx-minimal: .*; 0 warning\(s\), 1 suppressed\nsuppressed AIF-TEN-2 xx-minimal-workloads\/Tenant-main-acme\/Namespace\/Namespace\n/,
    );
    expect(report.text).toMatch(/\n {2}reason: quota enforced by the site admission webhook\n/);
  });

  test('a suppression that names no construct is an error', () => {
    fs.writeFileSync(
      path.join(dir, 'xx-minimal.yaml'),
      fixtureText({ policySuppressions: { 'AIF-TEN-2': { 'workloads/Tenant-nobody': 'no such tenant any more' } } }),
    );
    const report = validateCatalogue(dir);
    expect(report.ok).toBe(false);
    expect(report.text).toMatch(/policySuppressions\.AIF-TEN-2\.workloads\/Tenant-nobody: names no construct of the site, got "workloads\/Tenant-nobody"/);
  });

  test("a dangling suppression names its real file and the line of its entry, beside the file's other problems", () => {
    const file = path.join(dir, 'xx-minimal.yaml');
    fs.writeFileSync(file, fixtureText({ policySuppressions: { 'AIF-TEN-2': { 'workloads/Tenant-nobody': 'no such tenant any more' } } }));
    // A second file with a schema problem: both files' problems come out of one run.
    fs.writeFileSync(path.join(dir, 'xx-second.yaml'), fixtureText({ id: 'xx-second', kind: 'lab', clusters: { main: { context: 'second' } } }));
    const line =
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('workloads/Tenant-nobody')) + 1;
    const kindLine =
      fixtureText()
        .split('\n')
        .findIndex((l) => l.startsWith('kind:')) + 1;
    expect(line).toBeGreaterThan(1);
    const report = validateCatalogue(dir);
    expect(report.ok).toBe(false);
    expect(report.text.split('\n').filter((l) => l.startsWith(dir))).toEqual([
      `${file}:${line} policySuppressions.AIF-TEN-2.workloads/Tenant-nobody: names no construct of the site, got "workloads/Tenant-nobody"; use a path printed in a finding, without the site id prefix (e.g. workloads/Tenant-main-acme/Namespace)`,
      `${path.join(dir, 'xx-second.yaml')}:${kindLine} kind: must be one of factory, gigafactory, got "lab"; use one of factory, gigafactory`,
    ]);
  });

  test('the rule id and a real reason are checked with the schema', () => {
    expect(problemsOf({ policySuppressions: { 'NO-SUCH-RULE': { 'workloads/Tenant-main-acme': 'a good reason here' } } })).toEqual([
      expect.stringMatching(
        /policySuppressions\.NO-SUCH-RULE: is not a field of this section, got "NO-SUCH-RULE"; remove it; the fields here are AIF-TEN-1, AIF-TEN-2, .*AIF-STO-1$/,
      ),
    ]);
    expect(problemsOf({ policySuppressions: { 'AIF-TEN-2': { 'workloads/Tenant-main-acme': 'because' } } })).toEqual([
      expect.stringMatching(
        /policySuppressions\.AIF-TEN-2\.workloads\/Tenant-main-acme: must be at least 10 characters, got "because"; change it to at least 10 characters$/,
      ),
    ]);
  });
});
