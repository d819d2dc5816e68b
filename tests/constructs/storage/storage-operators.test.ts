import { StorageOperators } from '../../../constructs/storage/storage-operators';
import { resourceCounts, resources, synthJson } from '../../helpers';
import { unknownChartKeys } from '../charts/chart-keys';
import { meta, newStack, releases, valuesOf } from './storage-fixtures';

const MIRROR = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts', pullSecretName: 'mirror-pull' };

function operators(props: { nfs?: boolean; rookCeph?: boolean; minio?: boolean; serviceMonitors?: boolean; mirror?: typeof MIRROR }) {
  const { stack, target } = newStack();
  const construct = new StorageOperators(stack, 'Storage', { target, siteId: 'xx-test', ...props });
  return { construct, json: synthJson(stack) };
}

describe('StorageOperators', () => {
  test('NFS: csi-driver-nfs in kube-system, creating no StorageClass of its own', () => {
    const { json, construct } = operators({ nfs: true });
    expect(resourceCounts(json)).toEqual({ helm_release: 1 });
    const release = releases(json)['kube-system/csi-driver-nfs'];
    expect([release.chart, release.version]).toEqual(['csi-driver-nfs', '4.13.4']);
    expect(valuesOf(release)).toEqual({ controller: { replicas: 2 }, driver: { name: 'nfs.csi.k8s.io' }, storageClass: { create: false } });
    expect(construct.nfsProvisioner).toBe('nfs.csi.k8s.io');
  });

  test('Rook: the operator with its CRDs in a privileged rook-ceph namespace', () => {
    const { json } = operators({ rookCeph: true });
    expect(resourceCounts(json)).toEqual({ helm_release: 1, kubernetes_namespace_v1: 1 });
    const [ns] = resources(json, 'kubernetes_namespace_v1');
    expect([meta(ns).name, meta(ns).labels?.['pod-security.kubernetes.io/enforce']]).toEqual(['rook-ceph', 'privileged']);
    expect(valuesOf(releases(json)['rook-ceph/rook-ceph'])).toEqual({ crds: { enabled: true }, monitoring: { enabled: true }, csi: { serviceMonitor: { enabled: true } } });
  });

  test('MinIO: the operator in a restricted namespace', () => {
    const { json } = operators({ minio: true, serviceMonitors: false });
    const [ns] = resources(json, 'kubernetes_namespace_v1');
    expect([meta(ns).name, meta(ns).labels?.['pod-security.kubernetes.io/enforce']]).toEqual(['minio-operator', 'restricted']);
    expect(valuesOf(releases(json)['minio-operator/minio-operator'])).toEqual({ operator: { replicaCount: 2 } });
  });

  test('serviceMonitors: false turns the Rook monitors off', () => {
    expect(valuesOf(releases(operators({ rookCeph: true, serviceMonitors: false }).json)['rook-ceph/rook-ceph'])).toMatchObject({ monitoring: { enabled: false } });
  });

  test('all three, mirrored: every value is a real key and every chart comes from the mirror', () => {
    const { json } = operators({ nfs: true, rookCeph: true, minio: true, mirror: MIRROR });
    const all = Object.values(releases(json));
    expect(all.map((r) => r.name).sort()).toEqual(['csi-driver-nfs', 'minio-operator', 'rook-ceph']);
    const ids = { 'csi-driver-nfs': 'csi-driver-nfs', 'rook-ceph': 'rook-ceph', 'minio-operator': 'minio-operator' } as const;
    for (const r of all) {
      expect(r.repository).toBe(MIRROR.chartRepository);
      expect(unknownChartKeys(ids[r.name as keyof typeof ids], valuesOf(r))).toEqual([]);
    }
  });

  test('nothing to install is a mistake', () => {
    expect(() => operators({})).toThrow('nfs, rookCeph and minio are all false, got no operator to install; set at least one, or leave the construct out');
  });
});
