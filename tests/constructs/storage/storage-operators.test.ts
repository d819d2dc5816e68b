import { NFS_NODE_TOLERATIONS, StorageOperators } from '../../../constructs/storage/storage-operators';
import { builtOnce, resourceCounts, resources, synthJson, type SynthJson } from '../../helpers';
import { unknownChartKeys } from '../charts/chart-keys';
import { meta, newStack, releases, valuesOf } from './storage-fixtures';

const MIRROR = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts', pullSecretName: 'mirror-pull' };

type OperatorProps = { nfs?: boolean; rookCeph?: boolean; minio?: boolean; serviceMonitors?: boolean; mirror?: typeof MIRROR };

/** A stack with the storage operators, built (not synthesized). */
function operators(props: OperatorProps) {
  const { stack, target } = newStack();
  const construct = new StorageOperators(stack, 'Storage', { target, siteId: 'xx-test', ...props });
  return { stack, construct };
}

/** The operators, synthesized once for the tests of the enclosing `describe`. */
const operatorsOnce = (props: OperatorProps) =>
  builtOnce(() => {
    const { stack, construct } = operators(props);
    return { construct, json: synthJson(stack) };
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

    test('the operator with its CRDs and ServiceMonitors in a privileged rook-ceph namespace', () => {
      const { json } = fixture();
      expect(resourceCounts(json)).toEqual({ helm_release: 1, kubernetes_namespace_v1: 1 });
      expect(namespaceLevels(json)).toEqual([['rook-ceph', 'privileged']]);
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
      expect(all.map((r) => r.name).sort()).toEqual(['csi-driver-nfs', 'minio-operator', 'rook-ceph']);
      const ids = { 'csi-driver-nfs': 'csi-driver-nfs', 'rook-ceph': 'rook-ceph', 'minio-operator': 'minio-operator' } as const;
      for (const r of all) {
        expect(r.repository).toBe(MIRROR.chartRepository);
        expect(unknownChartKeys(ids[r.name as keyof typeof ids], valuesOf(r))).toEqual([]);
      }
    });
  });

  describe('validation', () => {
    test('nothing to install is a mistake', () => {
      expect(() => operators({})).toThrow('nfs, rookCeph and minio are all false, got no operator to install; set at least one, or leave the construct out');
    });
  });
});
