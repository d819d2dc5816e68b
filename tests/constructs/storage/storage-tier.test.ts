import type { TerraformStack } from 'cdktf';
import type { ClusterTarget } from '../../../constructs/core/cluster-target';
import { CephCluster } from '../../../constructs/storage/ceph-cluster';
import { IsolatedNamespace } from '../../../constructs/tenancy/isolated-namespace';
import { STORAGE_ROLE_LABEL } from '../../../constructs/core/labels';
import { PolicyPack } from '../../../constructs/policies/pack';
import {
  minioVolumeGiB,
  reclaimPolicyFor,
  StorageTier,
  STORAGE_TIER_LABEL,
  type StorageRole,
  type StorageTierProps,
} from '../../../constructs/storage/storage-tier';
import { tierStorageClassName as storageClassName } from '../../../constructs/storage/storage-tier';
import { resourceCounts, resourceNamed, resources, synthJson, type SynthJson } from '../../helpers';
import { unknownChartKeys } from '../charts/chart-keys';
import { at, meta, newStack, releases, valuesOf } from './storage-fixtures';

const NFS = { type: 'nfs', server: 'nfs.example.eu', share: '/export/home' } as const;

/** A tier over the defaults used throughout (an NFS tier of 100 TiB named after its role) in `stack`. */
function addTier(
  stack: TerraformStack,
  target: ClusterTarget,
  props: Partial<StorageTierProps> & Pick<StorageTierProps, 'role'>,
  id = `Tier-${props.tierName ?? props.role}`,
): StorageTier {
  return new StorageTier(stack, id, { target, siteId: 'xx-test', tierName: props.role, capacityTiB: 100, backend: NFS, ...props });
}

/** A fresh stack with one tier; `build` may add to it (it gets a lab namespace to grant buckets to). Not synthesized. */
function tier(props: Partial<StorageTierProps> & Pick<StorageTierProps, 'role'>, build?: (t: StorageTier, ns: IsolatedNamespace) => void) {
  const { stack, target } = newStack();
  const construct = addTier(stack, target, props, 'Tier');
  if (build) build(construct, new IsolatedNamespace(stack, 'Lab', { target, name: 'lab-x', isolationGroup: 'lab-x' }));
  return { stack, target, construct };
}

const storageClassNamed = (json: SynthJson, name: string) => resourceNamed(json, 'kubernetes_storage_class_v1', name);

describe('StorageTier', () => {
  describe('defaults: an NFS home tier', () => {
    let json: SynthJson;
    let construct: StorageTier;
    beforeAll(() => {
      const built = tier({ role: 'home' });
      construct = built.construct;
      json = synthJson(built.stack);
    });

    test('one StorageClass aif-<tier>, the name tenant quotas use', () => {
      expect(resourceCounts(json)).toEqual({ kubernetes_storage_class_v1: 1 });
      expect(storageClassNamed(json, 'aif-home')).toMatchObject({
        metadata: { name: 'aif-home', labels: { [STORAGE_ROLE_LABEL]: 'home', [STORAGE_TIER_LABEL]: 'home', 'ai-factory.eu/site': 'xx-test' } },
        storage_provisioner: 'nfs.csi.k8s.io',
        parameters: { server: 'nfs.example.eu', share: '/export/home' },
        mount_options: ['nfsvers=4.1'],
        volume_binding_mode: 'Immediate',
        reclaim_policy: 'Retain',
        allow_volume_expansion: true,
      });
      expect(construct.storageClassName).toBe(storageClassName('home'));
      expect([construct.kind, construct.role, construct.capacityTiB]).toEqual(['file', 'home', 100]);
    });
  });

  describe('reclaim policy and expansion by role', () => {
    const roles: [StorageRole, 'Delete' | 'Retain'][] = [
      ['scratch', 'Delete'],
      ['project', 'Retain'],
      ['home', 'Retain'],
      ['archive', 'Retain'],
    ];
    let stack: TerraformStack;
    let json: SynthJson;
    let tiers: Record<string, StorageTier>;
    beforeAll(() => {
      let target: ClusterTarget;
      ({ stack, target } = newStack());
      tiers = Object.fromEntries(roles.map(([role]) => [role, addTier(stack, target, { role })]));
      json = synthJson(stack);
    });

    test.each(roles)('%s volumes: %s, expandable', (role, policy) => {
      const sc = storageClassNamed(json, `aif-${role}`);
      expect(sc.reclaim_policy).toBe(policy);
      expect(sc.allow_volume_expansion).toBe(true);
      expect(meta(sc).labels?.[STORAGE_ROLE_LABEL]).toBe(role);
      expect(tiers[role].reclaimPolicy).toBe(reclaimPolicyFor(role));
    });

    test('the policy pack (AIF-STO-1) finds every tier compliant', () => {
      expect(resources(json, 'kubernetes_storage_class_v1')).toHaveLength(roles.length);
      expect(new PolicyPack().check(stack)).toEqual([]);
    });
  });

  describe('props: a CSI backend, storageClassName, reclaimPolicy', () => {
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = newStack();
      addTier(stack, target, {
        role: 'scratch',
        tierName: 'lustre',
        backend: { type: 'csi', provisioner: 'lustre.csi.hpe.com', parameters: { mgsAddress: '10.0.0.1@o2ib' } },
        mountOptions: ['flock'],
      });
      addTier(stack, target, { role: 'home', storageClassName: 'site-home' });
      addTier(stack, target, { role: 'scratch', tierName: 'kept', reclaimPolicy: 'Retain' });
      json = synthJson(stack);
    });

    test('a CSI tier passes the site driver and its parameters through', () => {
      expect(storageClassNamed(json, 'aif-lustre')).toMatchObject({
        storage_provisioner: 'lustre.csi.hpe.com',
        parameters: { mgsAddress: '10.0.0.1@o2ib' },
        mount_options: ['flock'],
        reclaim_policy: 'Delete',
      });
    });

    test('storageClassName overrides the name', () => {
      expect(
        resources(json, 'kubernetes_storage_class_v1')
          .map((sc) => meta(sc).name)
          .sort(),
      ).toEqual(['aif-kept', 'aif-lustre', 'site-home']);
      expect(meta(storageClassNamed(json, 'site-home')).labels?.[STORAGE_TIER_LABEL]).toBe('home');
    });

    test('a scratch tier may retain volumes when asked to', () => {
      expect(storageClassNamed(json, 'aif-kept').reclaim_policy).toBe('Retain');
    });
  });

  describe('Rook-Ceph', () => {
    function cephSite(services: readonly ('block' | 'filesystem' | 'object')[]) {
      const { stack, target } = newStack();
      const ceph = new CephCluster(stack, 'Ceph', { target });
      const tiers = services.map(
        (service, i) =>
          new StorageTier(stack, `Tier${i}`, {
            target,
            siteId: 'xx-test',
            tierName: `${service}-${i}`,
            role: service === 'object' ? 'object' : 'project',
            capacityTiB: 10 * (i + 1),
            backend: { type: 'rook-ceph', cluster: ceph, service },
          }),
      );
      return { stack, ceph, tiers, target };
    }

    describe('a block, a filesystem and an object tier; buckets granted to a lab', () => {
      let json: SynthJson;
      let landing: ReturnType<StorageTier['grantBucket']>;
      beforeAll(() => {
        const { stack, tiers, target } = cephSite(['block', 'filesystem', 'object']);
        const ns = new IsolatedNamespace(stack, 'Lab', { target, name: 'lab-x', isolationGroup: 'lab-x' });
        landing = tiers[2].grantBucket(ns, 'landing');
        tiers[2].grantBucket(ns, 'curated');
        json = synthJson(stack);
      });

      test('every tier makes its own StorageClass; the chart makes none and keeps no default list', () => {
        const classes = Object.fromEntries(resources(json, 'kubernetes_storage_class_v1').map((sc) => [meta(sc).name, sc]));
        expect(Object.keys(classes).sort()).toEqual(['aif-block-0', 'aif-filesystem-1', 'aif-object-2']);
        expect(classes['aif-block-0']).toMatchObject({
          storage_provisioner: 'rook-ceph.rbd.csi.ceph.com',
          parameters: { clusterID: 'rook-ceph', pool: 'aif-block-0', 'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-rbd-node' },
          allow_volume_expansion: true,
        });
        expect(classes['aif-filesystem-1']).toMatchObject({
          storage_provisioner: 'rook-ceph.cephfs.csi.ceph.com',
          parameters: { clusterID: 'rook-ceph', fsName: 'aif-filesystem-1', pool: 'aif-filesystem-1-data0' },
        });
        expect(classes['aif-object-2']).toMatchObject({
          storage_provisioner: 'rook-ceph.ceph.rook.io/bucket',
          parameters: { objectStoreName: 'aif-object-2', objectStoreNamespace: 'rook-ceph' },
          reclaim_policy: 'Retain',
        });
        // Object buckets are retained too.
        expect(meta(classes['aif-object-2']).labels?.[STORAGE_ROLE_LABEL]).toBe('object');
        expect(reclaimPolicyFor('object')).toBe('Retain');
      });

      test('the cluster chart gets one complete entry per tier, capacity as pool quotas', () => {
        const values = valuesOf(releases(json)['rook-ceph/rook-ceph-cluster']);
        const lists = ['cephBlockPools', 'cephFileSystems', 'cephObjectStores'].map(
          (k) => at(values, k) as { name: string; storageClass: { enabled: boolean } }[],
        );
        expect(lists.map((l) => l.map((e) => e.name))).toEqual([['aif-block-0'], ['aif-filesystem-1'], ['aif-object-2']]);
        for (const entry of lists.flat()) expect(entry.storageClass.enabled).toBe(false);
        // Complete entries: the chart's templates read these keys of every entry.
        expect(at(values, 'cephFileSystems.0.spec.metadataServer.activeCount')).toBe(1);
        expect(at(values, 'cephFileSystems.0.storageClass.pool')).toBe('data0');
        expect(at(values, 'cephObjectStores.0.ingress')).toEqual({ enabled: false });
        expect(at(values, 'cephObjectStores.0.route')).toEqual({ enabled: false });
        expect(at(values, 'cephObjectStores.0.spec.gateway.port')).toBe(80);
        // Capacity becomes pool quotas.
        expect(at(values, 'cephBlockPools.0.spec.quotas.maxSize')).toBe('10240Gi');
        expect(at(values, 'cephFileSystems.0.spec.dataPools.0.quotas.maxSize')).toBe('20480Gi');
        expect(at(values, 'cephObjectStores.0.spec.dataPool.quotas.maxSize')).toBe('30720Gi');
        expect(unknownChartKeys('rook-ceph-cluster', values)).toEqual([]);
      });

      test('grantBucket claims a bucket in the namespace and opens egress to the gateway', () => {
        expect(landing).toMatchObject({ bucketName: 'lab-x-landing', namespace: 'lab-x', credentialsSecret: 'landing' });
        expect(landing.endpoint).toEqual({ url: 'http://rook-ceph-rgw-aif-object-2.rook-ceph.svc:80', namespace: 'rook-ceph', podPort: 8080 });
        const claims = resources(json, 'kubernetes_manifest').map(
          (m) => m.manifest as { kind: string; metadata: { name: string; namespace: string }; spec: Record<string, string> },
        );
        expect(claims.map((c) => [c.kind, c.metadata.namespace, c.metadata.name, c.spec.bucketName, c.spec.storageClassName]).sort()).toEqual([
          ['ObjectBucketClaim', 'lab-x', 'curated', 'lab-x-curated', 'aif-object-2'],
          ['ObjectBucketClaim', 'lab-x', 'landing', 'lab-x-landing', 'aif-object-2'],
        ]);
        const egress = resources(json, 'kubernetes_network_policy_v1').filter((p) => meta(p).name === 'allow-to-rook-ceph');
        expect(egress).toHaveLength(1);
        expect(at(egress[0], 'spec.egress.0.ports')).toEqual([{ port: '8080', protocol: 'TCP' }]);
      });
    });

    describe('a cluster with one block tier, added after the cluster was created', () => {
      let json: SynthJson;
      let ceph: CephCluster;
      beforeAll(() => {
        const site = cephSite([]);
        ceph = site.ceph;
        new StorageTier(site.stack, 'Late', {
          target: site.target,
          siteId: 'xx-test',
          tierName: 'late',
          role: 'scratch',
          capacityTiB: 1,
          backend: { type: 'rook-ceph', cluster: ceph, service: 'block' },
        });
        json = synthJson(site.stack);
      });

      test('the tier still reaches the cluster values (rendered at synth)', () => {
        expect(ceph.services.blockPools).toEqual(['aif-late']);
        expect(at(valuesOf(releases(json)['rook-ceph/rook-ceph-cluster']), 'cephBlockPools.0.name')).toBe('aif-late');
      });

      test("a service no tier uses is written as an empty list, so the chart's default pools and StorageClasses never appear", () => {
        const values = valuesOf(releases(json)['rook-ceph/rook-ceph-cluster']);
        expect([at(values, 'cephFileSystems'), at(values, 'cephObjectStores')]).toEqual([[], []]);
        expect(resources(json, 'kubernetes_storage_class_v1').map((sc) => meta(sc).name)).toEqual(['aif-late']);
      });
    });

    describe('validation', () => {
      test('a Ceph cluster of another cluster is rejected', () => {
        const { stack, ceph } = cephSite([]);
        const other = { ...newStack().target, name: 'other' };
        expect(
          () =>
            new StorageTier(stack, 'X', {
              target: other,
              siteId: 'xx-test',
              tierName: 'x',
              role: 'project',
              capacityTiB: 1,
              backend: { type: 'rook-ceph', cluster: ceph, service: 'filesystem' },
            }),
        ).toThrow('backend.cluster: the Ceph cluster runs in cluster main, but the tier is for cluster other; pass the Ceph cluster of the same cluster');
      });

      test('two tiers cannot share a Ceph name', () => {
        const { ceph } = cephSite(['block']);
        expect(() => ceph.addFilesystem('aif-block-0', 1)).toThrow('a pool, filesystem or object store named "aif-block-0" already exists');
      });
    });
  });

  describe('MinIO', () => {
    const minio = { type: 'minio', servers: 4, volumesPerServer: 4, volumeStorageClass: 'directpv-min-io' } as const;

    describe('defaults', () => {
      let json: SynthJson;
      let construct: StorageTier;
      beforeAll(() => {
        const built = tier({ role: 'object', tierName: 'object', backend: minio, capacityTiB: 12 });
        construct = built.construct;
        json = synthJson(built.stack);
      });

      test('a tenant chart in its own namespace, root credentials from an existing Secret, no StorageClass', () => {
        expect(resourceCounts(json)).toEqual({ helm_release: 1, kubernetes_namespace_v1: 1 });
        expect(construct.storageClass).toBeUndefined();
        const release = releases(json)['minio-object/minio-object'];
        expect([release.chart, release.version]).toEqual(['tenant', '7.1.1']);
        const values = valuesOf(release);
        expect(at(values, 'tenant.configSecret')).toEqual({ name: 'minio-root', existingSecret: true });
        expect(at(values, 'tenant.pools')).toEqual([
          { name: 'pool-0', servers: 4, volumesPerServer: 4, size: `${minioVolumeGiB(12, 4, 4)}Gi`, storageClassName: 'directpv-min-io' },
        ]);
        expect(unknownChartKeys('minio-tenant', values)).toEqual([]);
        expect(construct.endpoint).toEqual({ url: 'http://minio.minio-object.svc:80', namespace: 'minio-object', podPort: 9000 });
      });
    });

    describe('mirrored, with buckets granted after the tier was created', () => {
      const mirror = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts' };
      let json: SynthJson;
      let landing: ReturnType<StorageTier['grantBucket']> | undefined;
      beforeAll(() => {
        const built = tier({ role: 'object', tierName: 'object', backend: { type: 'minio', servers: 4, volumesPerServer: 4 }, mirror }, (t, ns) => {
          landing = t.grantBucket(ns, 'landing');
          t.grantBucket(ns, 'curated');
        });
        json = synthJson(built.stack);
      });

      test("the buckets reach the tenant chart; MinIO buckets need no claim, only the tier's credentials", () => {
        expect(landing).toMatchObject({ bucketName: 'lab-x-landing', credentialsSecret: 'object-credentials' });
        expect(landing?.claim).toBeUndefined();
        expect(at(valuesOf(releases(json)['minio-object/minio-object']), 'tenant.buckets')).toEqual([{ name: 'lab-x-landing' }, { name: 'lab-x-curated' }]);
        expect(resources(json, 'kubernetes_manifest')).toEqual([]);
      });

      test('the chart and the MinIO image come from the mirror', () => {
        const release = releases(json)['minio-object/minio-object'];
        expect(release.repository).toBe(mirror.chartRepository);
        expect(at(valuesOf(release), 'tenant.image.repository')).toBe('registry.site.eu/mirror/quay.io/minio/minio');
      });
    });

    test('volume size covers the usable capacity after erasure-coding parity', () => {
      // 16 drives: one set of 16 with EC:4, so 12/16 usable.
      expect(minioVolumeGiB(12, 4, 4)).toBe(1024);
      // 4 drives: EC:2, half usable.
      expect(minioVolumeGiB(1, 1, 4)).toBe(512);
      // 72 drives: sets of 12 (largest divisor up to 16) with EC:4.
      expect(minioVolumeGiB(2000, 6, 12)).toBe(Math.ceil((2000 * 1024) / 72 / (8 / 12)));
    });
  });

  describe('CephCluster props', () => {
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = newStack();
      const ceph = new CephCluster(stack, 'Ceph', { target, replicas: 2, monitoring: false, operatorNamespace: 'ceph', clusterSpec: { mon: { count: 5 } } });
      new StorageTier(stack, 'Tier', {
        target,
        siteId: 'xx-test',
        tierName: 'scratch',
        role: 'scratch',
        capacityTiB: 1,
        backend: { type: 'rook-ceph', cluster: ceph, service: 'block' },
      });
      json = synthJson(stack);
    });

    test('replicas, monitoring, cluster spec and operator namespace reach the chart and the StorageClasses', () => {
      const values = valuesOf(releases(json)['ceph/rook-ceph-cluster']);
      expect([
        at(values, 'operatorNamespace'),
        at(values, 'monitoring'),
        at(values, 'cephClusterSpec'),
        at(values, 'cephBlockPools.0.spec.replicated.size'),
      ]).toEqual(['ceph', { enabled: false, createPrometheusRules: false }, { mon: { count: 5 } }, 2]);
      expect(storageClassNamed(json, 'aif-scratch')).toMatchObject({
        storage_provisioner: 'ceph.rbd.csi.ceph.com',
        parameters: { clusterID: 'ceph', 'csi.storage.k8s.io/provisioner-secret-namespace': 'ceph' },
      });
    });

    test('replicas outside 1..7 are rejected', () => {
      const { stack, target } = newStack();
      expect(() => new CephCluster(stack, 'Ceph', { target, replicas: 0 })).toThrow('replicas must be a whole number from 1 to 7, got 0; use 3 for production');
    });
  });

  describe('validation', () => {
    test('an object role needs a backend that serves buckets, and a bucket backend needs the object role', () => {
      expect(() => tier({ role: 'object' })).toThrow(
        'backend: role object needs a backend that serves buckets, got nfs; use rook-ceph with service object, or minio',
      );
      expect(() => tier({ role: 'project', backend: { type: 'minio', servers: 4, volumesPerServer: 4 } })).toThrow(
        'role: a minio backend serves buckets only, got role project; use role object, or a volume backend',
      );
    });

    test('only scratch may delete volumes with their claims', () => {
      expect(() => tier({ role: 'project', reclaimPolicy: 'Delete' })).toThrow(
        'reclaimPolicy: only scratch may delete volumes with their claims, got Delete for role project; leave it unset (Retain)',
      );
    });

    test('every problem is reported at once', () => {
      expect(() => tier({ role: 'home', tierName: 'Home', capacityTiB: 0, backend: { type: 'nfs', server: 'nfs', share: 'export' } })).toThrow(
        /tierName: must be lower-case.*got "Home"\n {2}capacityTiB: must be positive, got 0.*\n {2}backend.share: must be an absolute export path, got "export"/s,
      );
    });

    test('MinIO needs four volumes for erasure coding', () => {
      expect(() => tier({ role: 'object', backend: { type: 'minio', servers: 1, volumesPerServer: 2 } })).toThrow(
        'backend: MinIO needs at least 4 volumes for erasure coding, got 1 x 2',
      );
    });

    test('buckets come from object tiers only, once per name', () => {
      expect(() => tier({ role: 'home' }, (t, ns) => t.grantBucket(ns, 'landing'))).toThrow('tier home has role home and serves volumes, not buckets');
      expect(() =>
        tier({ role: 'object', backend: { type: 'minio', servers: 4, volumesPerServer: 4 } }, (t, ns) => {
          t.grantBucket(ns, 'landing');
          t.grantBucket(ns, 'landing');
        }),
      ).toThrow('namespace lab-x already has a bucket named landing');
    });
  });
});
