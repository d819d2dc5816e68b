/**
 * Ceph from the site file: the storage nodes and devices, replication and failure domain,
 * monitors and metadata servers reach Rook's CephCluster and pools; validation checks the
 * raw capacity the file declares against the tiers after replication.
 */
import { parse } from 'yaml';
import { cephClusterSpec, defaultMetadataServers, defaultMonitors, requiredRawTiB } from '../../constructs/storage/ceph-hardware';
import { checkSiteText, loadCatalogue } from '../../site-model/loader';
import { formatProblem } from '../../site-model/problems';
import { catalogueSynth } from '../catalogue-synth';
import { fixtureText, problemsOf, resources, SITES_DIR, siteSpec, synthSite, type SynthJson } from '../helpers';

type Json = Record<string, unknown>;

/** The merged values of the rook-ceph-cluster release of a stack. */
function cephValues(json: SynthJson): Json {
  const release = resources(json, 'helm_release').find((r) => r.chart === 'rook-ceph-cluster');
  return Object.assign({}, ...((release?.values as string[] | undefined) ?? []).map((v) => parse(v) as Json)) as Json;
}

const HW = { nodes: { label: 'ai-factory.eu/storage=ceph', count: 4 }, devices: { filter: '^nvme[0-9]+n1$' }, devicesPerNode: 10, deviceSizeTiB: 10 };
const CEPH_TIERS = {
  storageTiers: {
    scratch: { role: 'scratch', capacityTiB: 200, backend: { type: 'rook-ceph', service: 'filesystem' } },
    object: { role: 'object', capacityTiB: 100, backend: { type: 'rook-ceph', service: 'object' } },
  },
};
const withCeph = (ceph: object | null) => ({ ...CEPH_TIERS, clusters: { main: { ceph } } });

describe('what Rook is given', () => {
  test('a node label: OSDs on the filtered devices of every labelled node, every Ceph daemon held to those nodes', () => {
    expect(cephClusterSpec({ ...HW, failureDomain: 'host', replicas: 3 })).toEqual({
      mon: { count: 3, allowMultiplePerNode: false },
      storage: { useAllNodes: true, useAllDevices: false, deviceFilter: '^nvme[0-9]+n1$' },
      placement: {
        all: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'ai-factory.eu/storage', operator: 'In', values: ['ceph'] }] }],
            },
          },
        },
      },
    });
  });

  test('node names and device names: each node with its devices, nothing else', () => {
    expect(
      cephClusterSpec({ nodes: { names: ['st-0', 'st-1', 'st-2'] }, devices: { names: ['nvme0n1'] }, failureDomain: 'rack', replicas: 3, monitors: 3 }),
    ).toEqual({
      mon: { count: 3, allowMultiplePerNode: false },
      storage: {
        useAllNodes: false,
        useAllDevices: false,
        nodes: ['st-0', 'st-1', 'st-2'].map((name) => ({ name, devices: [{ name: 'nvme0n1' }] })),
      },
    });
  });

  test('the defaults: 3 monitors, 5 from 10 nodes; one active MDS per 2,000 TiB, 1 to 16', () => {
    expect([9, 10].map(defaultMonitors)).toEqual([3, 5]);
    expect([1, 2000, 2001, 150000].map(defaultMetadataServers)).toEqual([1, 1, 2, 16]);
    expect(
      requiredRawTiB(
        [
          { service: 'filesystem', capacityTiB: 200 },
          { service: 'object', capacityTiB: 100 },
        ],
        3,
      ),
    ).toBe(750);
  });

  test('the site file reaches the chart: spec, replicas, failure domain and metadata servers', () => {
    const nine = { label: 'ai-factory.eu/storage=ceph', count: 9 };
    const { workloads } = synthSite(siteSpec(withCeph({ ...HW, nodes: nine, failureDomain: 'rack', replicas: 2, metadataServers: 2 })));
    const values = cephValues(workloads);
    expect(values.cephClusterSpec).toMatchObject({ mon: { count: 3 }, storage: { useAllNodes: true, useAllDevices: false, deviceFilter: '^nvme[0-9]+n1$' } });
    const [fs] = values.cephFileSystems as Json[];
    expect(fs.spec).toMatchObject({
      metadataPool: { replicated: { size: 2 } },
      dataPools: [{ failureDomain: 'rack', replicated: { size: 2 } }],
      metadataServer: { activeCount: 2, activeStandby: true },
    });
    const [store] = values.cephObjectStores as Json[];
    expect(store.spec).toMatchObject({ dataPool: { failureDomain: 'rack', erasureCoded: { dataChunks: 2, codingChunks: 1 } } });
  });
});

describe('validation', () => {
  test('a cluster with rook-ceph tiers must state its Ceph hardware, at its line', () => {
    expect(problemsOf(withCeph(null))).toEqual([
      expect.stringMatching(
        /^sites\/xx-minimal\.yaml:\d+ clusters\.main: needs ceph: rook-ceph tier\(s\) scratch, object run there, and without the storage nodes and devices Rook takes every node and every empty device/,
      ),
    ]);
  });

  test('raw capacity below what the tiers need after replication is refused with the numbers', () => {
    // 200 TiB x 3 + 100 TiB x 1.5 = 750 TiB raw needed; 4 x 10 x 10 = 400 TiB raw.
    expect(problemsOf(withCeph(HW))).toEqual([
      expect.stringMatching(
        /clusters\.main\.ceph: holds 400 TiB raw \(4 nodes x 10 devices x 10 TiB\), 340 TiB below Ceph's nearfull ratio 0\.85, but its tiers need 750 TiB raw, got 400 TiB raw; add storage nodes or devices \(at least 9 nodes of this kind\)/,
      ),
    ]);
    expect(problemsOf(withCeph({ ...HW, nodes: { label: 'ai-factory.eu/storage=ceph', count: 9 } }))).toEqual([]);
  });

  test('undeclared capacity is said plainly, as a warning', () => {
    // (The fixture declares its capacity: take it away.)
    const check = checkSiteText(fixtureText(withCeph({ ...HW, devicesPerNode: null, deviceSizeTiB: null })), 'sites/xx-minimal.yaml');
    expect(check.problems).toEqual([]);
    expect((check.warnings ?? []).map(formatProblem)).toEqual([
      expect.stringMatching(/clusters\.main\.ceph: does not declare its raw capacity, so the 750 TiB of raw storage its tiers need .* cannot be checked/),
    ]);
  });

  test('too few nodes for the replicas, the erasure coding or the monitors', () => {
    const two = { ...HW, nodes: { label: null, count: null, names: ['st-0', 'st-1'] }, devicesPerNode: 100, deviceSizeTiB: 100 };
    expect(problemsOf(withCeph(two))).toEqual([
      expect.stringMatching(/clusters\.main\.ceph\.replicas: needs 3 storage nodes to place its copies on distinct hosts, but the cluster has 2/),
      expect.stringMatching(/clusters\.main\.ceph\.monitors: runs 3 monitors, one per node, on 2 storage node\(s\)/),
      expect.stringMatching(/clusters\.main\.ceph\.nodes: needs 3 storage nodes at least: object data is erasure-coded 2\+1/),
    ]);
  });
});

describe('the catalogue', () => {
  const sites = loadCatalogue(SITES_DIR).filter((s) => Object.values(s.tiers).some((t) => t.spec.backend.type === 'rook-ceph'));

  test.each(sites.map((s) => [s.spec.id, s] as const))('%s: every CephCluster names its nodes and devices', (_, site) => {
    const values = cephValues(catalogueSynth(site.spec.id).workloads);
    const storage = (values.cephClusterSpec as { storage?: Json } | undefined)?.storage;
    expect(storage).toMatchObject({ useAllDevices: false });
    expect(storage?.deviceFilter !== undefined || storage?.devices !== undefined || storage?.nodes !== undefined).toBe(true);
  });
});
