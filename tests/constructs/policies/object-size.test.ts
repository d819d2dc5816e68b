/**
 * The size guard: a site whose Kubernetes objects or Helm values would come near the 1 MiB
 * Kubernetes limit is rejected at the site-file line that makes them large, and the limit and
 * the release-Secret estimate are checked against a real API server and the real helm.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { objectSizes, oversized, releaseSecretEstimate, SAFE_OBJECT_BYTES } from '../../../constructs/policies/object-size';
import { startControlPlane, type ControlPlane } from '../../../rehearsal/control-plane';
import { SiteValidationError } from '../../../site-model/problems';
import { memoryApp, synthCatalogue } from '../../../stacks/synth';
import { readSynthesizedStack, synthesizedStack } from '../../../constructs/charts/stack-file';
import { checkSiteText } from '../../../site-model/loader';
import { addSiteStacks } from '../../../stacks/site';
import { TEST_ACCOUNTING } from '../scheduling/slurm/slurm-helpers';
import { fixtureText } from '../../helpers';
import { describeWithRehearsal } from '../../rehearsal/with-rehearsal';

/**
 * The fixture with one Slurm pool of `nodes` GB300 trays in NVLink domains of `domain` nodes,
 * in one cluster that may hold them all (cells.maxNodes raised): what a valid site could state.
 */
function slurmSite(nodes: number, domain: number): string {
  return fixtureText({
    cells: { maxNodes: 30_000 },
    gpuPools: { h100: { accelerator: 'nvidia-gb300-nvl72', nodes, acceleratorsPerNode: 4, owner: 'slurm', fabric: { nodesPerNvlinkDomain: domain } } },
    scheduler: { slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 48 } }, accounting: TEST_ACCOUNTING } },
  });
}

/** Synthesizes the one site file of a fresh catalogue; the problems when it is rejected. */
function synth(text: string): { dir: string; problems?: SiteValidationError['problems'] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-size-'));
  fs.mkdirSync(path.join(dir, 'sites'));
  fs.writeFileSync(path.join(dir, 'sites', 'xx-minimal.yaml'), text);
  try {
    synthCatalogue({ sitesDir: path.join(dir, 'sites'), outdir: path.join(dir, 'out') });
    return { dir };
  } catch (e) {
    if (e instanceof SiteValidationError) return { dir, problems: e.problems };
    throw e;
  }
}

describe('the size guard', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('a valid site with one-node NVLink domains over 24,984 nodes is rejected at nodesPerNvlinkDomain, with the fix, and nothing is written', () => {
    const text = slurmSite(24_984, 1);
    const { dir, problems } = synth(text);
    dirs.push(dir);
    expect(problems).toHaveLength(1);
    const [p] = problems ?? [];
    const line = text.split('\n').findIndex((l) => /nodesPerNvlinkDomain: 1\b/.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    expect(p).toMatchObject({ file: path.join(dir, 'sites', 'xx-minimal.yaml'), line, path: 'gpuPools.h100.fabric.nodesPerNvlinkDomain', got: '1' });
    expect(p.problem).toMatch(
      /^Helm release helm_release\.Slurm-main_Slurm_Release_\w+ has 1,?\d{3} KiB of values .* over 512 KiB \(half of the 1 MiB Kubernetes limit/,
    );
    expect(p.problem).toContain('24,984 domains of 1 node(s) in pool h100');
    expect(p.fix).toMatch(/state the real NVLink domain size \(an NVL72 rack is 18 nodes of 4 GPUs\) or split the pool over cells .*clusters\.main\.cells/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('the same nodes in NVL72 racks (18 nodes a domain) pass, their largest object well under the share', () => {
    const { dir, problems } = synth(slurmSite(24_984, 18));
    dirs.push(dir);
    expect(problems).toBeUndefined();
    const sizes = fs
      .readdirSync(path.join(dir, 'out', 'stacks'))
      .flatMap((s) => objectSizes(readSynthesizedStack(path.join(dir, 'out', 'stacks', s, 'cdk.tf.json')) as Parameters<typeof objectSizes>[0]));
    expect(oversized(sizes)).toEqual([]);
    expect(Math.max(...sizes.map((s) => s.bytes))).toBeLessThan(SAFE_OBJECT_BYTES / 4);
  });

  test('objectSizes measures Kubernetes objects as JSON, a manifest by its manifest, and a release by its values and Secret estimate', () => {
    const values = `text: ${'x'.repeat(1000)}\n`;
    const sizes = objectSizes({
      resource: {
        kubernetes_config_map_v1: { a: { metadata: { name: 'é' }, data: { k: 'v' } } },
        kubernetes_manifest: { m: { manifest: { kind: 'Queue' }, field_manager: { name: 'x' } } },
        helm_release: { r: { chart: 'c', values: [values] } },
        null_resource: { n: { triggers: { big: 'y'.repeat(5000) } } },
      },
    });
    expect(sizes).toEqual([
      { kind: 'object', address: 'kubernetes_config_map_v1.a', bytes: Buffer.byteLength(JSON.stringify({ metadata: { name: 'é' }, data: { k: 'v' } })) },
      { kind: 'object', address: 'kubernetes_manifest.m', bytes: '{"kind":"Queue"}'.length },
      { kind: 'helm-values', address: 'helm_release.r', bytes: values.length },
      { kind: 'helm-release-secret', address: 'helm_release.r', bytes: releaseSecretEstimate(values) },
    ]);
    // Repetitive text compresses: the estimate is far below two raw copies.
    expect(releaseSecretEstimate(values)).toBeLessThan(values.length / 4);
  });
});

/**
 * What the share guards against, on a real API server (etcd 3.6, kube-apiserver 1.34) with the
 * real helm: a chart that renders its values into a ConfigMap, as the Slurm chart renders
 * slurm.conf. Values past 1 MiB fail to install; under it, the release Secret Helm writes is
 * about the size {@link releaseSecretEstimate} says.
 */
describeWithRehearsal('the 1 MiB limit on a real API server, with helm', () => {
  let cp: ControlPlane;
  let work: string;
  let chart: string;
  let slurmValues: string;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-size-rehearsal-'));
    cp = await startControlPlane({ workDir: path.join(work, 'cluster') });
    chart = path.join(work, 'chart');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: size-probe\nversion: 0.1.0\n');
    fs.writeFileSync(
      path.join(chart, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  values.yaml: {{ toYaml .Values | quote }}\n',
    );
    // The Slurm values of the site the guard rejects (24,984 one-node NVLink domains).
    const site = checkSiteText(slurmSite(24_984, 1), 'xx-minimal.yaml').site;
    if (!site) throw new Error('the fixture does not validate');
    const workloads = synthesizedStack(addSiteStacks(memoryApp(), site).workloads) as { resource: Record<string, Record<string, { values?: string[] }>> };
    const slurm = Object.entries(workloads.resource.helm_release).find(([name]) => name.startsWith('Slurm-'));
    slurmValues = (slurm?.[1].values ?? []).join('\n');
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const helm = (release: string, values: string) => {
    const file = path.join(work, `${release}.yaml`);
    fs.writeFileSync(file, values);
    return spawnSync(cp.binaries.helm, ['install', release, chart, '-f', file, '--namespace', 'default', '--kubeconfig', cp.kubeconfig], {
      encoding: 'utf8',
      env: { ...process.env, HELM_CACHE_HOME: path.join(work, 'helm'), HELM_CONFIG_HOME: path.join(work, 'helm'), HELM_DATA_HOME: path.join(work, 'helm') },
      timeout: 120_000,
    });
  };

  test('the Slurm values of the rejected site, rendered into an object, are refused by the API server', () => {
    expect(Buffer.byteLength(slurmValues)).toBeGreaterThan(1024 * 1024);
    const r = helm('too-big', slurmValues);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Too long|too long|exceeds|request entity too large|must have at most 1048576 bytes/i);
  });

  test('under the limit, the release Secret helm stores is within a quarter of the estimate, and far smaller than the values', () => {
    // The first 400 KiB of the same values, cut at a line: under the share, like a site that passes.
    const cut = slurmValues.slice(0, slurmValues.lastIndexOf('\n', 400 * 1024));
    const r = helm('fits', cut);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const secrets = JSON.parse(cp.kubectl(['get', 'secrets', '-n', 'default', '-l', 'owner=helm,name=fits', '-o', 'json']).stdout) as {
      items: { data: { release: string } }[];
    };
    expect(secrets.items).toHaveLength(1);
    // The Secret's data is Helm's own base64 text of the gzipped release; the API's JSON encodes it once more.
    const stored = Buffer.from(secrets.items[0].data.release, 'base64').length;
    const estimate = releaseSecretEstimate(cut);
    expect(stored).toBeLessThan(Buffer.byteLength(cut));
    expect(Math.abs(stored - estimate) / stored).toBeLessThan(0.25);
  });
});
