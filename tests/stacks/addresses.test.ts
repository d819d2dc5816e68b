/**
 * Terraform addresses are the state of a deployed site: a renamed address is a destroyed and
 * recreated namespace, quota or Helm release. These tests hold the addresses still.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { checkSiteText, loadCatalogue } from '../../site-model/loader';
import { formatProblem } from '../../site-model/problems';
import type { SiteModel } from '../../site-model/resolve';
import { catalogueSynth } from '../catalogue-synth';
import { SITES_DIR, synthSite, type SynthJson } from '../helpers';

type Layer = 'platform' | 'workloads';

/** `type.name` of every resource of a stack, with the provider it runs on. */
function addresses(json: SynthJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, body] of Object.entries(byName)) out.set(`${type}.${name}`, String(body.provider));
  }
  return out;
}

/** The `moved` blocks of a stack, from → to. */
function moves(json: SynthJson): Map<string, string> {
  const blocks = ((json as unknown as { moved?: { from: string; to: string }[] }).moved ?? []).map((m) => [m.from, m.to] as const);
  const out = new Map(blocks);
  expect(out.size).toBe(blocks.length); // no source is moved twice
  return out;
}

/** A catalogue site file with a second cluster, `edge`, holding one pool of its own. */
function withSecondCluster(id: string): SiteModel {
  const doc = parseDocument(fs.readFileSync(path.join(SITES_DIR, `${id}.yaml`), 'utf8'));
  const file = doc.toJS() as { clusters: object; gpuPools: object; storageTiers: Record<string, { backend: { type: string } }> };
  const first = Object.keys(file.clusters)[0];
  // A site with several clusters names each pool's cluster; the existing pools stay on the first.
  for (const pool of Object.keys(file.gpuPools)) doc.setIn(['gpuPools', pool, 'cluster'], first);
  // In-cluster storage backends must name their cluster too.
  for (const [tier, spec] of Object.entries(file.storageTiers)) {
    if (spec.backend.type === 'rook-ceph' || spec.backend.type === 'minio') doc.setIn(['storageTiers', tier, 'cluster'], first);
  }
  doc.setIn(['clusters', 'edge'], doc.createNode({ kubeconfigPath: '~/.kube/edge.yaml', context: 'edge' }));
  doc.setIn(
    ['gpuPools', 'edge-l40s'],
    doc.createNode({
      cluster: 'edge',
      accelerator: 'nvidia-h200-sxm',
      nodes: 2,
      acceleratorsPerNode: 8,
      cpusPerNode: 64,
      memoryGiBPerNode: 1024,
      interconnect: 'ethernet',
    }),
  );
  const check = checkSiteText(doc.toString(), `sites/${id}.yaml`);
  if (!check.site) throw new Error(check.problems.map(formatProblem).join('\n'));
  return check.site;
}

describe('adding a cluster to a single-cluster site', () => {
  // de-jaif runs Kueue, Slurm, NFS and Ceph tiers and a data lab: every kind of per-cluster construct.
  const id = 'de-jaif';
  const [before] = loadCatalogue(SITES_DIR, id);
  const after = withSecondCluster(id);
  const was = synthSite(before);
  const is = synthSite(after);

  test.each(['platform', 'workloads'] as const)('keeps the address of every %s resource of the first cluster', (layer: Layer) => {
    const first = before.clusters[0].name;
    const onFirst = (json: SynthJson) =>
      [...addresses(json)]
        .filter(([, provider]) => provider === `kubernetes.${first}` || provider === `helm.${first}`)
        .map(([address]) => address)
        .sort();
    const old = onFirst(was[layer]);
    expect(old.length).toBeGreaterThan(0);
    expect(onFirst(is[layer])).toEqual(old);
  });

  test("puts the new cluster's resources on its own providers", () => {
    const edge = [...addresses(is.platform)].filter(([, provider]) => provider.endsWith('.edge')).map(([address]) => address);
    expect(edge.filter((a) => a.startsWith('kubernetes_config_map_v1.Pool-edge-l40s_Descriptor_'))).toHaveLength(1);
    expect(edge.filter((a) => a.startsWith('helm_release.GpuPlatform-edge_GpuOperator_'))).toHaveLength(1);
  });
});

/**
 * Why a 0.1 address is gone on purpose, if it is: a change of the catalogue's site files, not
 * of the tool, removed its resource. Since one scheduler owns each node (issue 11), a pool
 * Slurm owns whole is no Kueue flavor, and a cluster whose pools left every partition runs no
 * Slurm. Since cells (issue 17), a pool in cells has its nodes, GPU platform, descriptor and
 * Kueue flavor and topology in the cells' stacks; the manager's queues (same objects, now with
 * the MultiKueue check) move under MultiKueue-<cluster> by `moved` blocks, which the test
 * follows. Anything else lost is a renamed address.
 */
function removedOnPurpose(site: SiteModel, address: string): string | undefined {
  const scoped = (name: string, cluster: string) => `${name}${site.clusters.length > 1 ? `-${cluster}` : ''}`;
  for (const cluster of site.clusters.filter((c) => c.cells.length > 0)) {
    const inCells = Object.values(site.pools).filter((p) => p.cluster === cluster.name && p.cells);
    if (inCells.some((p) => address.startsWith(`kubernetes_config_map_v1.Pool-${p.name}_Descriptor_`)))
      return `the pool's nodes are in the cells of ${cluster.name}`;
    if (
      cluster.pools.length === 0 &&
      [
        `helm_release.${scoped('GpuPlatform', cluster.name)}_`,
        `kubernetes_namespace_v1.${scoped('GpuPlatform', cluster.name)}_`,
        `kubernetes_manifest.${scoped('NicClusterPolicy', cluster.name)}_`,
      ].some((prefix) => address.startsWith(prefix))
    ) {
      return `the manager ${cluster.name} has no GPU nodes: its cells have them`;
    }
    const kueue = `kubernetes_manifest.${scoped('Kueue', cluster.name)}_`;
    if (inCells.some((p) => address.startsWith(`${kueue}Flavor-${p.name}_`) || address.startsWith(`${kueue}Topology-${p.name}_`)))
      return `the flavor and topology of a pool in cells are in the cells' stacks`;
  }
  for (const pool of Object.values(site.pools)) {
    const kueue = scoped('Kueue', pool.cluster);
    if (
      pool.ownership.kubernetes === 0 &&
      (address.startsWith(`kubernetes_manifest.${kueue}_Flavor-${pool.name}_`) || address.startsWith(`kubernetes_manifest.${kueue}_Topology-${pool.name}_`))
    ) {
      return `Kubernetes owns no node of pool ${pool.name}`;
    }
  }
  for (const cluster of site.clusters.filter((c) => !c.slurm)) {
    if (['SlurmOperator', 'Slurm'].some((kind) => address.startsWith(`helm_release.${scoped(kind, cluster.name)}_`)))
      return `no Slurm partition runs in cluster ${cluster.name}`;
  }
  return undefined;
}

describe('upgrading a site deployed with ai-factory-cdk 0.1', () => {
  // Every catalogue stack's addresses as 0.1 synthesized them (UPGRADE.md).
  const v01 = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'addresses-v0.1.json'), 'utf8')) as Record<string, Record<Layer, string[]>>;
  const sites = loadCatalogue(SITES_DIR).filter((s) => v01[s.spec.id] !== undefined);

  test('the fixture covers the catalogue of 0.1', () => {
    expect(sites.length).toBe(Object.keys(v01).length);
  });

  describe.each(sites.map((s) => [s.spec.id, s] as const))('%s', (id, site) => {
    const built = catalogueSynth(id);

    test.each(['platform', 'workloads'] as const)('every 0.1 %s address is kept or moved to a resource that exists', (layer: Layer) => {
      const now = addresses(built[layer]);
      const moved = moves(built[layer]);
      const lost = v01[id][layer].filter((address) => !now.has(address) && !now.has(moved.get(address) ?? '') && !removedOnPurpose(site, address));
      expect(lost).toEqual([]);
      for (const [from, to] of moved) {
        expect({ from, to, exists: now.has(to), fromIsDeclared: now.has(from) }).toEqual({ from, to, exists: true, fromIsDeclared: false });
      }
    });
  });

  test("the gigafactory's MultiKueue manager takes over its training cluster's queues by moved blocks", () => {
    const site = sites.find((s) => s.spec.id === 'eu-ref-gigafactory')!;
    expect(site.cells.map((c) => c.cluster)).toContain('training');
    const moved = moves(synthSite(site).workloads);
    const queues = v01['eu-ref-gigafactory'].workloads.filter((a) => /^kubernetes_manifest\.Kueue-training_(Cluster|Local)Queue-/.test(a));
    expect(queues).toHaveLength(2 * Object.keys(site.tenants).length);
    for (const from of queues) {
      const queue = /_((?:Cluster|Local)Queue-[^_]+)_/.exec(from)![1];
      expect([from, moved.get(from)]).toEqual([from, expect.stringMatching(new RegExp(`^kubernetes_manifest\\.MultiKueue-training_${queue}_[0-9A-F]{8}$`))]);
    }
  });
});
