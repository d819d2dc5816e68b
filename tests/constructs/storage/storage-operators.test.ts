import { GpuNodePool, type GpuNodePoolProps } from '../../../constructs/gpu/gpu-node-pool';
import { cephCsiDriverName, NFS_NODE_TOLERATIONS, StorageOperators } from '../../../constructs/storage/storage-operators';
import { builtOnce, H100_POOL, resourceCounts, resources, synthJson, testStack, type SynthJson } from '../../helpers';
import { unknownChartKeys } from '../charts/chart-keys';
import { meta, newStack, releases, valuesOf } from './storage-fixtures';

const MIRROR = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts', pullSecretName: 'mirror-pull' };
const MI300: Omit<GpuNodePoolProps, 'target'> = {
  ...H100_POOL,
  poolName: 'mi300',
  accelerator: 'amd-mi300x',
  nodes: 2,
  cpusPerNode: 64,
  memoryGiBPerNode: 1024,
  interconnect: 'roce',
};

type OperatorProps = { nfs?: boolean; rookCeph?: boolean; minio?: boolean; serviceMonitors?: boolean; mirror?: typeof MIRROR };

/** A stack with the storage operators, built (not synthesized); `pools` are made in the same cluster. */
function operators(props: OperatorProps, pools: readonly Omit<GpuNodePoolProps, 'target'>[] = []) {
  const { stack, target } = newStack();
  const made = pools.map((pool) => new GpuNodePool(stack, `Pool-${pool.poolName}`, { ...pool, target }));
  const construct = new StorageOperators(stack, 'Storage', { target, siteId: 'xx-test', ...props, ...(pools.length > 0 ? { pools: made } : {}) });
  return { stack, construct, pools: made };
}

/** `helm_release.<logical id>` of each release, by release name, as depends_on writes them. */
const releaseRefs = (json: SynthJson): Record<string, string> =>
  Object.fromEntries(Object.entries(json.resource.helm_release ?? {}).map(([id, r]) => [String(r.name), `helm_release.${id}`]));

/** The operators, synthesized once for the tests of the enclosing `describe`. */
const operatorsOnce = (props: OperatorProps, pools: readonly Omit<GpuNodePoolProps, 'target'>[] = []) =>
  builtOnce(() => {
    const { stack, construct, pools: made } = operators(props, pools);
    return { construct, pools: made, json: synthJson(stack) };
  });

const namespaceLevels = (json: SynthJson) =>
  resources(json, 'kubernetes_namespace_v1').map((ns) => [meta(ns).name, meta(ns).labels?.['pod-security.kubernetes.io/enforce']]);

describe('StorageOperators', () => {
  describe('NFS', () => {
    const fixture = operatorsOnce({ nfs: true });

    test('csi-driver-nfs in kube-system, creating no StorageClass of its own', () => {
      const { json, construct } = fixture();
      expect(resourceCounts(json)).toEqual({ helm_release: 1 });
      const release = releases(json)['kube-system/csi-driver-nfs'];
      expect([release.chart, release.version]).toEqual(['csi-driver-nfs', '4.13.4']);
      expect(valuesOf(release)).toEqual({
        controller: { replicas: 2 },
        node: { tolerations: [{ operator: 'Exists' }] },
        driver: { name: 'nfs.csi.k8s.io' },
        storageClass: { create: false },
      });
      expect(construct.nfsProvisioner).toBe('nfs.csi.k8s.io');
    });

    test('the node plugin tolerates every taint, so pods on pool nodes can mount NFS volumes', () => {
      const node = valuesOf(releases(fixture().json)['kube-system/csi-driver-nfs']).node as { tolerations: unknown[] };
      // An empty key with Exists matches every taint, of every effect.
      expect(node.tolerations).toEqual([{ operator: 'Exists' }]);
      expect(node.tolerations).toEqual(NFS_NODE_TOLERATIONS);
    });
  });

  describe('Rook', () => {
    const fixture = operatorsOnce({ rookCeph: true });

    test('the operator chart runs no node agent: its discovery daemon stays off (v1.20 leaves the ceph-csi node plugins to the ceph-csi-drivers chart)', () => {
      expect(valuesOf(releases(fixture().json)['rook-ceph/rook-ceph']).enableDiscoveryDaemon ?? false).toBe(false);
    });

    test('the operator with its CRDs and ServiceMonitors, then the ceph-csi drivers, in a privileged rook-ceph namespace', () => {
      const { json } = fixture();
      expect(resourceCounts(json)).toEqual({ helm_release: 2, kubernetes_namespace_v1: 1 });
      expect(namespaceLevels(json)).toEqual([['rook-ceph', 'privileged']]);
      expect(valuesOf(releases(json)['rook-ceph/rook-ceph'])).toEqual({
        crds: { enabled: true },
        monitoring: { enabled: true },
        csi: { serviceMonitor: { enabled: true } },
      });
    });

    test("the ceph-csi-drivers chart goes after rook-ceph, into its namespace, with Rook's recommended values", () => {
      const { json } = fixture();
      const drivers = releases(json)['rook-ceph/ceph-csi-drivers'];
      expect([drivers.chart, drivers.version, drivers.repository]).toEqual(['ceph-csi-drivers', '1.0.4', 'https://ceph.github.io/ceph-csi-operator']);
      // rook-ceph brings the ceph-csi operator, the CRDs of the chart's custom resources and the image set.
      const namespace = Object.keys(json.resource.kubernetes_namespace_v1 ?? {}).map((id) => `kubernetes_namespace_v1.${id}`);
      expect(drivers.depends_on).toEqual([...namespace, releaseRefs(json)['rook-ceph']]);
      // The namespace is the Rook operator's, made (privileged) with it.
      expect(resources(json, 'helm_release').find((r) => r.name === 'ceph-csi-drivers')?.create_namespace).toBe(false);
      // Without pools, no taint to tolerate: the chart's empty lists, written out.
      expect(valuesOf(drivers)).toEqual({
        operatorConfig: {
          namespace: 'rook-ceph',
          driverSpecDefaults: {
            imageSet: { name: 'rook-csi-operator-image-set-configmap' },
            nodePlugin: { priorityClassName: 'system-node-critical', tolerations: [] },
            controllerPlugin: { priorityClassName: 'system-cluster-critical' },
          },
        },
        drivers: {
          rbd: { enabled: true, name: 'rook-ceph.rbd.csi.ceph.com', nodePlugin: { tolerations: [] }, controllerPlugin: { replicas: 2 } },
          cephfs: { enabled: true, name: 'rook-ceph.cephfs.csi.ceph.com', nodePlugin: { tolerations: [] }, controllerPlugin: { replicas: 2 } },
          nfs: { enabled: false, name: 'rook-ceph.nfs.csi.ceph.com' },
          nvmeof: { enabled: false, name: 'rook-ceph.nvmeof.csi.ceph.com' },
        },
      });
      expect(unknownChartKeys('ceph-csi-drivers', valuesOf(drivers))).toEqual([]);
    });

    test("the drivers' names are the provisioners of the Ceph StorageClasses", () => {
      expect([cephCsiDriverName('rook-ceph', 'rbd'), cephCsiDriverName('rook-ceph', 'cephfs')]).toEqual([
        'rook-ceph.rbd.csi.ceph.com',
        'rook-ceph.cephfs.csi.ceph.com',
      ]);
    });
  });

  describe('Rook with GPU pools', () => {
    const fixture = operatorsOnce({ rookCeph: true }, [H100_POOL, MI300]);

    test("every enabled driver's node plugin tolerates each pool's taint and its vendor's GPU taint, as the defaults do", () => {
      const { json, pools } = fixture();
      const values = valuesOf(releases(json)['rook-ceph/ceph-csi-drivers']) as {
        operatorConfig: { driverSpecDefaults: { nodePlugin: { tolerations: unknown[] } } };
        drivers: Record<string, { enabled: boolean; nodePlugin?: { tolerations: unknown[] } }>;
      };
      const expected = [
        { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' },
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'mi300', effect: 'NoSchedule' },
        { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ];
      expect(GpuNodePool.nodeAgentTolerations(pools)).toEqual(expected);
      // The chart writes each driver's list into its Driver, which the operator prefers to the defaults'.
      expect(values.drivers.rbd.nodePlugin?.tolerations).toEqual(expected);
      expect(values.drivers.cephfs.nodePlugin?.tolerations).toEqual(expected);
      expect(values.operatorConfig.driverSpecDefaults.nodePlugin.tolerations).toEqual(expected);
      // Disabled drivers run no node plugin.
      expect([values.drivers.nfs, values.drivers.nvmeof].map((d) => [d.enabled, d.nodePlugin])).toEqual([
        [false, undefined],
        [false, undefined],
      ]);
    });

    test('the pools change only the tolerations', () => {
      const { json } = fixture();
      expect(resourceCounts(json)).toEqual({ helm_release: 2, kubernetes_config_map_v1: 2, kubernetes_namespace_v1: 1 });
      expect(valuesOf(releases(json)['rook-ceph/rook-ceph'])).toEqual({
        crds: { enabled: true },
        monitoring: { enabled: true },
        csi: { serviceMonitor: { enabled: true } },
      });
    });
  });

  describe('MinIO and Rook, serviceMonitors: false', () => {
    const fixture = operatorsOnce({ rookCeph: true, minio: true, serviceMonitors: false });

    test('MinIO: the operator in a restricted namespace', () => {
      const { json } = fixture();
      expect(namespaceLevels(json)).toEqual(expect.arrayContaining([['minio-operator', 'restricted']]));
      expect(valuesOf(releases(json)['minio-operator/minio-operator'])).toEqual({ operator: { replicaCount: 2 } });
    });

    test('serviceMonitors: false turns the Rook monitors off', () => {
      expect(valuesOf(releases(fixture().json)['rook-ceph/rook-ceph'])).toMatchObject({
        monitoring: { enabled: false },
        csi: { serviceMonitor: { enabled: false } },
      });
    });
  });

  describe('all three, mirrored', () => {
    const fixture = operatorsOnce({ nfs: true, rookCeph: true, minio: true, mirror: MIRROR });

    test('every value is a real key and every chart comes from the mirror', () => {
      const all = Object.values(releases(fixture().json));
      expect(all.map((r) => r.name).sort()).toEqual(['ceph-csi-drivers', 'csi-driver-nfs', 'minio-operator', 'rook-ceph']);
      const ids = {
        'csi-driver-nfs': 'csi-driver-nfs',
        'rook-ceph': 'rook-ceph',
        'ceph-csi-drivers': 'ceph-csi-drivers',
        'minio-operator': 'minio-operator',
      } as const;
      for (const r of all) {
        expect(r.repository).toBe(MIRROR.chartRepository);
        expect(unknownChartKeys(ids[r.name as keyof typeof ids], valuesOf(r))).toEqual([]);
      }
    });

    test("the ceph-csi drivers' service accounts get the pull Secret, and their images are Rook's image set, from the mirror", () => {
      const { json } = fixture();
      expect(valuesOf(releases(json)['rook-ceph/ceph-csi-drivers']).imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
      // The image set the drivers name is written by rook-ceph from these values.
      const csi = valuesOf(releases(json)['rook-ceph/rook-ceph']).csi as Record<string, { repository?: string }>;
      expect(
        ['cephcsi', 'registrar', 'provisioner', 'snapshotter', 'attacher', 'resizer', 'csiAddons'].map((image) =>
          csi[image]?.repository?.startsWith(`${MIRROR.imageRegistry}/`),
        ),
      ).toEqual([true, true, true, true, true, true, true]);
    });
  });

  describe('validation', () => {
    test('nothing to install is a mistake', () => {
      expect(() => operators({})).toThrow('nfs, rookCeph and minio are all false, got no operator to install; set at least one, or leave the construct out');
    });

    test("another cluster's pools are a mistake, named with their cluster, and reported with every other problem", () => {
      const { stack, target } = newStack();
      const other = testStack('other', 'b');
      const pool = new GpuNodePool(other.stack, 'Pool-h100', { ...H100_POOL, target: other.target });
      const own = new GpuNodePool(stack, 'Pool-mi300', { ...MI300, target });
      expect(() => new StorageOperators(stack, 'Storage', { target, siteId: 'xx-test', pools: [own, pool] })).toThrow(
        'StorageOperators test/Storage:\n' +
          '  nfs, rookCeph and minio are all false, got no operator to install; set at least one, or leave the construct out\n' +
          '  pools: must be pools of cluster main, whose nodes the ceph-csi node plugins run on, got h100 (cluster b); pass only the pools of this cluster',
      );
    });
  });
});
