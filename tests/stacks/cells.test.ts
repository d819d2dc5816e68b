/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- parsed YAML and synthesized JSON are untyped */
import { App } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { checkSiteText } from '../../site-model/loader';
import { scaledSiteSpec } from '../../site-model/scale';
import { addSiteStacks } from '../../stacks/site';
import { resources, synthJson, type SynthJson } from '../helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The reference gigafactory at 100,000 accelerators in five cells, a sixth of its racks for Kueue. */
function built() {
  const spec = scaledSiteSpec(100_000);
  spec.gpuPools.training.owner = { slurm: 19_980, kubernetes: 3_996 };
  spec.clusters.training.cells['training-c02'].kubeconfigSecret = 'kubeconfig-c02';
  const site = checkSiteText(stringify(spec, { lineWidth: 0 }), 'sites/eu-ref-gigafactory.yaml').site!;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-cells-'));
  const stacks = addSiteStacks(new App({ outdir, stackTraces: false }), site);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { site, stacks };
}

const manifests = (json: SynthJson, kind: string): Json[] =>
  resources(json, 'kubernetes_manifest')
    .map((r) => r.manifest as Json)
    .filter((m) => m.kind === kind);

describe('a site with cells', () => {
  const { site, stacks } = built();
  const manager = synthJson(stacks.workloads);

  test('each cell has its own platform and workloads stacks and state key; the site keeps its own', () => {
    expect(stacks.all.map((s) => s.node.id)).toEqual([
      'eu-ref-gigafactory-platform',
      'eu-ref-gigafactory-workloads',
      ...site.cells.flatMap((c) => [`eu-ref-gigafactory-${c.name}-platform`, `eu-ref-gigafactory-${c.name}-workloads`]),
    ]);
    const c01 = synthJson(stacks.cells['training-c01'].platform);
    expect((c01.terraform as Json).backend.s3.key).toBe('eu-ref-gigafactory/eu-ref-gigafactory-training-c01-platform.tfstate');
    // A cell waits on no other stack: its workloads only on its own platform.
    expect(stacks.cells['training-c01'].workloads.dependencies.map((d) => d.node.id)).toEqual(['eu-ref-gigafactory-training-c01-platform']);
    expect(stacks.cells['training-c01'].platform.dependencies).toEqual([]);
  });

  test('the manager reaches each cell through the Secret it names, and writes no Secret', () => {
    const clusters = manifests(manager, 'MultiKueueCluster');
    expect(clusters.map((m) => [m.metadata.name, m.spec.clusterSource.kubeConfig])).toEqual(
      site.cells.map((c) => [c.name, { locationType: 'Secret', location: c.name === 'training-c02' ? 'kubeconfig-c02' : `multikueue-${c.name}` }]),
    );
    for (const json of [manager, synthJson(stacks.platform)]) {
      expect(resources(json, 'kubernetes_secret_v1')).toEqual([]);
      expect(resources(json, 'kubernetes_secret')).toEqual([]);
      expect(manifests(json, 'Secret')).toEqual([]);
    }
    const [config] = manifests(manager, 'MultiKueueConfig');
    expect(config.spec.clusters).toEqual(site.cells.map((c) => c.name));
    const [check] = manifests(manager, 'AdmissionCheck');
    expect(check.spec).toEqual({
      controllerName: 'kueue.x-k8s.io/multikueue',
      parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'MultiKueueConfig', name: config.metadata.name },
    });
  });

  test("the manager's ClusterQueues carry the check and the tenants' site-wide Kubernetes quota; the cells' add up to it", () => {
    const queues = manifests(manager, 'ClusterQueue').filter((q) => q.metadata.name === 'tenant-reference-frontier-lab');
    // The inference cluster (no cells) keeps its own queues, without the check.
    expect(queues).toHaveLength(2);
    const q = queues.find((x) => x.spec.resourceGroups[0].flavors.some((f: Json) => f.name === 'training'))!;
    expect(q.spec.admissionChecksStrategy).toEqual({ admissionChecks: [{ name: manifests(manager, 'AdmissionCheck')[0].metadata.name }] });
    const flavor = q.spec.resourceGroups[0].flavors.find((f: Json) => f.name === 'training');
    const gpu = flavor.resources.find((r: Json) => r.name === 'nvidia.com/gpu');
    const quota = site.tenants['reference-frontier-lab'].gpuQuotas.find((x) => x.pool === 'training')!;
    expect([Number(gpu.nominalQuota), Number(gpu.nominalQuota) + Number(gpu.borrowingLimit)]).toEqual([quota.kubernetes.guaranteed, quota.kubernetes.max]);
    const inCells = Object.values(stacks.cells).map((c) => {
      const cq = manifests(synthJson(c.workloads), 'ClusterQueue').find((x) => x.metadata.name === 'tenant-reference-frontier-lab')!;
      const r = cq.spec.resourceGroups[0].flavors.find((f: Json) => f.name === 'training').resources.find((x: Json) => x.name === 'nvidia.com/gpu');
      return [Number(r.nominalQuota), Number(r.nominalQuota) + Number(r.borrowingLimit)];
    });
    expect(inCells.reduce((s, [g]) => s + g, 0)).toBe(quota.kubernetes.guaranteed);
    expect(inCells.reduce((s, [, m]) => s + m, 0)).toBe(quota.kubernetes.max);
    // The manager admits at most what its queue holds: a job the cells can run at the tenant's
    // maximum must fit it in CPU and memory too.
    const amount = (q: string) =>
      q.endsWith('m')
        ? Number(q.slice(0, -1)) / 1000
        : q.endsWith('Gi')
          ? Number(q.slice(0, -2)) * 1024
          : q.endsWith('Mi')
            ? Number(q.slice(0, -2))
            : Number(q);
    const maxOf = (resources: unknown, name: string) => {
      const list = resources as Json[];
      const r = list.find((x: Json) => x.name === name)!;
      return amount(String(r.nominalQuota)) + amount(String(r.borrowingLimit ?? '0'));
    };
    for (const name of ['cpu', 'memory']) {
      const cellsMax = Object.values(stacks.cells).reduce((sum, c) => {
        const cq = manifests(synthJson(c.workloads), 'ClusterQueue').find((x) => x.metadata.name === 'tenant-reference-frontier-lab')!;
        return sum + maxOf(cq.spec.resourceGroups[0].flavors.find((f: Json) => f.name === 'training').resources, name);
      }, 0);
      expect(maxOf(flavor.resources, name)).toBeGreaterThanOrEqual(cellsMax);
    }
    // Every cell has the LocalQueue the manager's jobs are copied to, in the same namespace.
    const local = manifests(manager, 'LocalQueue')
      .filter(
        (m) =>
          m.spec.clusterQueue.startsWith('tenant-') &&
          resources(manager, 'kubernetes_manifest').some((r) => r.manifest === m && String(r.provider).includes('training')),
      )
      .map((m) => `${m.metadata.namespace}/${m.metadata.name}`);
    for (const c of Object.values(stacks.cells))
      expect(manifests(synthJson(c.workloads), 'LocalQueue').map((m) => `${m.metadata.namespace}/${m.metadata.name}`)).toEqual(local);
  });

  test('the GPU nodes are in the cells, not in the manager', () => {
    expect(Object.keys(stacks.platform.pools)).toEqual(['inference']);
    expect(Object.values(stacks.cells).map((c) => c.platform.pools.training.nodes)).toEqual(site.cells.map((c) => c.nodes));
    expect(Object.keys(stacks.workloads.slurm)).toEqual([]);
    expect(Object.values(stacks.cells).map((c) => Object.keys(c.workloads.slurm))).toEqual(site.cells.map((c) => [c.name]));
  });
});
