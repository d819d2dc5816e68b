import { parse } from 'yaml';
import { CHARTS, type ChartId } from '../../constructs/charts/registry';
import { STORAGE_ROLE_LABEL } from '../../constructs/core/labels';
import { imageRefs } from '../../constructs/policies/images';
import { blockingFindings } from '../../constructs/policies/pack';
import { checkSitePolicies } from '../../stacks/site';
import { loadCatalogue } from '../../site-model/loader';
import { tierStorageClassName as storageClassName } from '../../constructs/storage/storage-tier';
import { CATALOGUE, problemsOf, resources, siteSpec, SITES_DIR, TWO_TEST_CLUSTERS, type SynthJson } from '../helpers';
import { unknownChartKeys, unknownTopLevelKeys } from '../constructs/charts/chart-keys';
import { at, meta, releases, synthStorageSite } from '../constructs/storage/storage-fixtures';

const ISSUER = 'https://login.example.eu/realms/aif';
const NFS_HOME = { role: 'home', capacityTiB: 10, backend: { type: 'nfs', server: 'nfs.example.eu', share: '/export/home' } };
const CEPH_OBJECT = { role: 'object', capacityTiB: 50, backend: { type: 'rook-ceph', service: 'object' } };
/** The fixture plus an object tier, a home tier and one lab owned by acme. */
const WITH_LAB = {
  storageTiers: { object: CEPH_OBJECT, home: NFS_HOME },
  dataLabs: { lab: { tenants: ['acme'], pools: ['h100'], objectTier: 'object' } },
  identity: { oidcIssuerUrl: ISSUER },
};
const TWO_CLUSTERS = {
  clusters: TWO_TEST_CLUSTERS,
  gpuPools: {
    h100: { cluster: 'a' },
    h200: { cluster: 'b', accelerator: 'nvidia-h200-sxm', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 64, memoryGiBPerNode: 512, interconnect: 'ethernet' },
  },
};

function chartIdOf(release: { chart: string; version: string }): ChartId {
  const id = (Object.keys(CHARTS) as ChartId[]).find((c) => CHARTS[c].chart === release.chart && CHARTS[c].version === release.version);
  if (!id) throw new Error(`chart ${release.chart} ${release.version} is not in the registry`);
  return id;
}

const names = (json: SynthJson) =>
  Object.values(releases(json))
    .map((r) => `${r.namespace}/${r.name}`)
    .sort();
const kinds = (json: SynthJson) => resources(json, 'kubernetes_manifest').map((m) => (m.manifest as { kind: string }).kind);

describe('site file rules for storage and labs', () => {
  test("a lab's volumes count against its tier with the tenants' quotas, with a precise error", () => {
    expect(problemsOf({ ...WITH_LAB, dataLabs: { lab: { ...WITH_LAB.dataLabs.lab, volumeTier: 'project', volumeQuotaTiB: 95 } } })).toEqual([
      expect.stringMatching(
        /^sites\/xx-minimal\.yaml:\d+ dataLabs\.lab\.volumeQuotaTiB: storage quotas on tier project add up to 105 TiB \(acme, lab lab\) but the tier holds 100 TiB, got 105; lower the quotas or set oversubscription\.storage to at least 1\.05$/,
      ),
    ]);
  });

  test('tenant quotas that outgrow a tier name every tenant and the ratio that would fit', () => {
    const beta = { kind: 'sme', oidcGroups: {}, storageQuotaTiB: { project: 95.5 } };
    expect(problemsOf({ tenants: { beta } })).toEqual([
      expect.stringMatching(
        /tenants\.beta\.storageQuotaTiB\.project: storage quotas on tier project add up to 105\.5 TiB \(acme, beta\) but the tier holds 100 TiB, got 105\.5; lower the quotas or set oversubscription\.storage to at least 1\.06$/,
      ),
    ]);
    expect(problemsOf({ tenants: { beta }, oversubscription: { storage: 1.06 } })).toEqual([]);
  });

  test('a valid lab has no problems', () => {
    expect(problemsOf(WITH_LAB)).toEqual([]);
  });

  test('the backend must fit the role', () => {
    expect(problemsOf({ storageTiers: { bulk: { role: 'project', capacityTiB: 1, backend: { type: 'minio' } } } })).toEqual([
      expect.stringMatching(
        /storageTiers\.bulk\.role: this backend serves buckets only, so the tier must have role object, got "project"; set role: object, or use a csi, nfs or rook-ceph block or filesystem backend$/,
      ),
    ]);
    expect(problemsOf({ storageTiers: { object: { role: 'object', capacityTiB: 1, backend: { type: 'csi', provisioner: 'x.csi.io' } } } })).toEqual([
      expect.stringMatching(
        /storageTiers\.object\.backend\.type: role object needs a backend that serves buckets, but csi serves volumes, got "csi"; use rook-ceph with service: object, or minio$/,
      ),
    ]);
  });

  test('with several clusters, an in-cluster backend names its cluster, and the cluster must exist', () => {
    expect(
      problemsOf({
        ...TWO_CLUSTERS,
        storageTiers: { object: CEPH_OBJECT, scratch: { role: 'scratch', capacityTiB: 1, backend: { type: 'rook-ceph', service: 'block' }, cluster: 'c' } },
      }),
    ).toEqual([
      expect.stringMatching(
        /storageTiers\.object: must name its cluster: a rook-ceph backend runs inside one cluster and the site has several, got no cluster; add cluster: with one of a, b$/,
      ),
      expect.stringMatching(/storageTiers\.scratch\.cluster: names a cluster that the site does not declare, got "c"; use one of a, b$/),
    ]);
  });

  test('a lab runs in one cluster, with tiers served there', () => {
    const lab = { tenants: ['acme'], pools: ['h100', 'h200'], objectTier: 'object' };
    expect(
      problemsOf({ ...TWO_CLUSTERS, ...WITH_LAB, storageTiers: { ...WITH_LAB.storageTiers, object: { ...CEPH_OBJECT, cluster: 'b' } }, dataLabs: { lab } }),
    ).toEqual([
      expect.stringMatching(
        /dataLabs\.lab\.pools\.1: is in cluster b, but a lab runs in one cluster and its first pool h100 is in a, got "h200"; use pools of cluster a only, or split the lab$/,
      ),
      expect.stringMatching(
        /dataLabs\.lab\.objectTier: is served in cluster b, but the lab runs in cluster a \(where its pools are\), got "object"; use a tier of cluster a, or set that tier's cluster to a$/,
      ),
    ]);
  });

  test('notebook GPUs fit the lab quota, and the lab quota fits the pool', () => {
    expect(problemsOf({ ...WITH_LAB, dataLabs: { lab: { ...WITH_LAB.dataLabs.lab, gpusPerNotebook: 4, gpusPerPool: 64 } } })).toEqual([
      expect.stringMatching(/dataLabs\.lab\.gpusPerPool: exceeds the capacity of pool h100 \(32\), got 64; lower it to 32 at most$/),
    ]);
    expect(problemsOf({ ...WITH_LAB, dataLabs: { lab: { ...WITH_LAB.dataLabs.lab, gpusPerNotebook: 4, gpusPerPool: 2 } } })).toEqual([
      expect.stringMatching(
        /dataLabs\.lab\.gpusPerNotebook: must not exceed gpusPerPool \(2\), or no notebook could start, got 4; lower it, or raise gpusPerPool to at least 4$/,
      ),
    ]);
  });

  test("labs need the site's OIDC issuer, and a volume tier that holds volumes", () => {
    expect(problemsOf({ ...WITH_LAB, identity: null })).toEqual([
      expect.stringMatching(
        /^sites\/xx-minimal\.yaml:\d+ identity: needs oidcIssuerUrl because the site has data labs, whose JupyterHub signs users in through OIDC, got no oidcIssuerUrl; add identity\.oidcIssuerUrl: with the issuer URL of the site's identity provider$/,
      ),
    ]);
    expect(problemsOf({ ...WITH_LAB, dataLabs: { lab: { ...WITH_LAB.dataLabs.lab, volumeTier: 'object' } } })).toEqual([
      expect.stringMatching(
        /dataLabs\.lab\.volumeTier: must be a tier that holds volumes, but object has role object, got "object"; name a home or project tier$/,
      ),
    ]);
  });

  test('identity defaults: Keycloak endpoints, the jupyterhub client and its Secret', () => {
    expect(siteSpec(WITH_LAB).identity).toEqual({
      oidcGroupPrefix: 'oidc:',
      oidcIssuerUrl: ISSUER,
      oidcUsernameClaim: 'preferred_username',
      oidcGroupsClaim: 'groups',
      oidcIssuerCidrs: [],
      notebookClient: { clientId: 'jupyterhub', secret: { name: 'jupyterhub-oidc', key: 'client-secret' } },
      // The fixture's directory, for Slurm's login pods.
      directory: { ldap: { uri: 'ldaps://ldap.example.internal', searchBase: 'dc=example,dc=internal' } },
    });
  });
});

describe('storage wiring', () => {
  test("the fixture's NFS tier: csi-driver-nfs in the platform, the StorageClass its tenants' quota names in the workloads", () => {
    const { platform, workloads, storage } = synthStorageSite(siteSpec());
    expect(names(platform)).toContain('kube-system/csi-driver-nfs');
    expect(storage.platform.main.argoCrds).toBeUndefined();
    const classes = resources(workloads, 'kubernetes_storage_class_v1');
    expect(classes.map((sc) => [meta(sc).name, sc.storage_provisioner, sc.reclaim_policy, meta(sc).labels?.[STORAGE_ROLE_LABEL]])).toEqual([
      ['aif-project', 'nfs.csi.k8s.io', 'Retain', 'project'],
    ]);
    expect(storage.workloads.tiers.main.project.storageClassName).toBe(storageClassName('project'));
    const [quota] = resources(workloads, 'kubernetes_resource_quota_v1').filter((q) => meta(q).namespace === 'tenant-acme');
    expect(Object.keys(at(quota, 'spec.hard') as object)).toContain(`${storageClassName('project')}.storageclass.storage.k8s.io/requests.storage`);
  });

  test('operators and CRDs go to the platform stack; custom resources and their charts to the workloads stack', () => {
    const spec = siteSpec({
      ...WITH_LAB,
      storageTiers: {
        ...WITH_LAB.storageTiers,
        scratch: { role: 'scratch', capacityTiB: 10, backend: { type: 'rook-ceph', service: 'filesystem' } },
        bulk: { role: 'object', capacityTiB: 10, backend: { type: 'minio' } },
      },
    });
    const { platform, workloads, storage } = synthStorageSite(spec);
    expect(names(platform).filter((n) => !/gpu-operator|kube-prometheus|kueue|network-operator/.test(n))).toEqual([
      'argo/argo-workflows',
      'kube-system/csi-driver-nfs',
      'minio-operator/minio-operator',
      'rook-ceph/ceph-csi-drivers',
      'rook-ceph/rook-ceph',
    ]);
    expect(names(workloads)).toEqual([
      'lab-lab/argo-lab',
      'lab-lab/jupyterhub',
      'lab-lab/lakefs',
      'lab-lab/mlflow',
      'minio-bulk/minio-bulk',
      'rook-ceph/rook-ceph-cluster',
    ]);
    expect(kinds(platform)).not.toContain('ObjectBucketClaim');
    expect(kinds(workloads).filter((k) => k === 'ObjectBucketClaim')).toHaveLength(3);
    expect(Object.keys(storage.workloads.labs)).toEqual(['lab']);
    // The lab's Argo installs no CRDs: the platform's release owns them.
    expect(parse(releases(workloads)['lab-lab/argo-lab'].values[0])).toMatchObject({ crds: { install: false } });
  });

  test('with several clusters: external tiers everywhere, Ceph where named, the lab in the cluster of its pools', () => {
    const spec = siteSpec({
      ...TWO_CLUSTERS,
      ...WITH_LAB,
      storageTiers: { ...WITH_LAB.storageTiers, object: { ...CEPH_OBJECT, cluster: 'b' } },
      dataLabs: { lab: { tenants: ['acme'], pools: ['h200'], objectTier: 'object' } },
    });
    const { storage, platform, workloads } = synthStorageSite(spec);
    expect(Object.keys(storage.workloads.tiers.a).sort()).toEqual(['home', 'project']);
    expect(Object.keys(storage.workloads.tiers.b).sort()).toEqual(['home', 'object', 'project']);
    expect(Object.keys(storage.workloads.ceph)).toEqual(['b']);
    expect(storage.platform.a.operators?.rookOperator).toBeUndefined();
    expect(storage.platform.b.operators?.rookOperator).toBeDefined();
    expect([storage.platform.a.argoCrds, storage.platform.b.argoCrds !== undefined]).toEqual([undefined, true]);
    // Every resource of cluster b uses cluster b's aliased providers.
    const lab = resources(workloads, 'helm_release').filter((r) => r.namespace === 'lab-lab');
    expect(lab.map((r) => r.provider)).toEqual(lab.map(() => 'helm.b'));
    expect(
      resources(platform, 'helm_release')
        .filter((r) => r.name === 'rook-ceph' || r.name === 'ceph-csi-drivers')
        .map((r) => r.provider),
    ).toEqual(['helm.b', 'helm.b']);
    // The ceph-csi node plugins of cluster b tolerate cluster b's pool, not cluster a's.
    const drivers = parse(releases(platform)['rook-ceph/ceph-csi-drivers'].values[0]) as object;
    for (const path of ['drivers.rbd', 'drivers.cephfs', 'operatorConfig.driverSpecDefaults']) {
      const tolerations = at(drivers, `${path}.nodePlugin.tolerations`) as { key: string; value?: string }[];
      expect([path, tolerations.filter((t) => t.key === 'ai-factory.eu/pool').map((t) => t.value)]).toEqual([path, ['h200']]);
    }
  });

  test("a Rook-Ceph tier's volumes can be mounted: its StorageClasses name drivers the ceph-csi-drivers chart runs, after rook-ceph", () => {
    const spec = siteSpec({
      storageTiers: {
        scratch: { role: 'scratch', capacityTiB: 10, backend: { type: 'rook-ceph', service: 'filesystem' } },
        block: { role: 'project', capacityTiB: 10, backend: { type: 'rook-ceph', service: 'block' } },
      },
    });
    const { platform, workloads, storage } = synthStorageSite(spec);
    const all = releases(platform);
    const drivers = all['rook-ceph/ceph-csi-drivers'];
    const refs = Object.fromEntries(Object.entries(platform.resource.helm_release ?? {}).map(([id, r]) => [String(r.name), `helm_release.${id}`]));
    expect(drivers.depends_on).toEqual(expect.arrayContaining([refs['rook-ceph']]));
    expect(storage.platform.main.operators?.cephCsiDrivers).toBeDefined();
    const values = parse(drivers.values[0]) as { drivers: Record<string, { enabled: boolean; name: string }> };
    const running = Object.values(values.drivers)
      .filter((d) => d.enabled)
      .map((d) => d.name);
    const provisioners = resources(workloads, 'kubernetes_storage_class_v1')
      .filter((sc) => ['aif-scratch', 'aif-block'].includes(meta(sc).name))
      .map((sc) => sc.storage_provisioner);
    expect(provisioners.sort()).toEqual(['rook-ceph.cephfs.csi.ceph.com', 'rook-ceph.rbd.csi.ceph.com']);
    for (const provisioner of provisioners) expect([provisioner, running.includes(provisioner as string)]).toEqual([provisioner, true]);
  });
});

describe('the ceph-csi drivers pass the image policy, with and without a mirror', () => {
  const MIRROR = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts', pullSecretName: 'mirror-pull' };
  const CEPH = { storageTiers: { scratch: { role: 'scratch', capacityTiB: 10, backend: { type: 'rook-ceph', service: 'block' } } } };
  const cases: [string, object][] = [
    ['upstream registries', CEPH],
    ['mirrored', { ...CEPH, registryMirror: MIRROR }],
  ];

  test.each(cases)('%s: no image with a moving tag and, with a mirror, none from outside it', (_name, patch) => {
    const { stacks } = synthStorageSite(siteSpec(patch));
    const findings = checkSitePolicies(stacks).filter((f) => f.ruleId === 'AIF-IMG-1' || f.ruleId === 'AIF-MIR-1');
    expect(findings.map((f) => `${f.ruleId} ${f.path}: ${f.details.join('; ')}`)).toEqual([]);
  });

  test.each(cases)("%s: the drivers' images are Rook's image set, pinned (and mirrored) with the rook-ceph chart", (name, patch) => {
    const { stacks, platform } = synthStorageSite(siteSpec(patch));
    const release = (chart: string) => resources(platform, 'helm_release').find((r) => r.chart === chart) ?? {};
    const refs = (chart: string) => imageRefs({ type: 'helm_release', path: chart, construct: stacks.platform, config: release(chart) });
    // The drivers chart names no image: the operator reads rook-csi-operator-image-set-configmap.
    expect(refs('ceph-csi-drivers')).toEqual([]);
    const prefix = name === 'mirrored' ? `${MIRROR.imageRegistry}/` : '';
    const imageSet = Object.fromEntries(
      refs('rook-ceph')
        .filter((ref) => ref.path.startsWith('values.csi.'))
        .map((ref) => [ref.path, `${ref.repository.replace(prefix, '')}:${ref.tag ?? '(none)'}`]),
    );
    // rook/rook @ v1.20.6 : deploy/charts/rook-ceph/values.yaml (`csi.*`)
    expect(imageSet).toEqual({
      'values.csi.cephcsi': 'quay.io/cephcsi/cephcsi:v3.17.0',
      'values.csi.registrar': 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0',
      'values.csi.provisioner': 'registry.k8s.io/sig-storage/csi-provisioner:v6.2.0',
      'values.csi.snapshotter': 'registry.k8s.io/sig-storage/csi-snapshotter:v8.5.0',
      'values.csi.attacher': 'registry.k8s.io/sig-storage/csi-attacher:v4.12.0',
      'values.csi.resizer': 'registry.k8s.io/sig-storage/csi-resizer:v2.1.0',
      'values.csi.csiAddons': 'quay.io/csiaddons/k8s-sidecar:v0.14.0',
    });
    if (name === 'mirrored') {
      for (const ref of refs('rook-ceph')) expect([ref.path, ref.repository.startsWith(prefix)]).toEqual([ref.path, true]);
      expect(release('ceph-csi-drivers').repository).toBe(MIRROR.chartRepository);
    }
  });
});

describe('the catalogue with storage and labs', () => {
  const sites = loadCatalogue(SITES_DIR)
    .map((s) => s.spec)
    .filter((s) => CATALOGUE.includes(s.id));

  test('every site has storage tiers and at least one data lab', () => {
    for (const site of sites) {
      expect({ site: site.id, tiers: Object.keys(site.storageTiers).length > 0, labs: Object.keys(site.dataLabs).length > 0 }).toEqual({
        site: site.id,
        tiers: true,
        labs: true,
      });
    }
  });

  test('es-1healthai has a sensitive healthcare reference lab without internet egress', () => {
    const site = sites.find((s) => s.id === 'es-1healthai');
    expect(site?.dataLabs['clinical-lab']).toMatchObject({ sector: 'healthcare', sensitive: true });
    const built = synthStorageSite(site ?? siteSpec());
    const lab = built.storage.workloads.labs['clinical-lab'];
    expect(lab.sensitive).toBe(true);
    const policies = resources(built.workloads, 'kubernetes_network_policy_v1').filter((p) => meta(p).namespace === 'lab-clinical-lab');
    expect(policies.map((p) => meta(p).name)).not.toContain('allow-internet-egress');
    expect(JSON.stringify(policies)).not.toContain('0.0.0.0/0');
    const hub = parse(releases(built.workloads)['lab-clinical-lab/jupyterhub'].values[0]) as object;
    for (const path of ['hub', 'proxy.chp', 'proxy.traefik', 'singleuser']) {
      expect([path, at(hub, `${path}.networkPolicy.enabled`), at(hub, `${path}.networkPolicy.egressAllowRules.nonPrivateIPs`)]).toEqual([path, false, false]);
    }
  });

  describe.each(sites.map((s) => [s.id, s] as const))('%s', (id, site) => {
    const built = synthStorageSite(site);

    test('the policy pack finds nothing blocking, and no plaintext credential (AIF-SEC-1)', () => {
      const findings = checkSitePolicies(built.stacks);
      expect(blockingFindings(findings).map((f) => `${f.ruleId} ${f.path}: ${f.details.join('; ')}`)).toEqual([]);
      expect(findings.filter((f) => f.ruleId === 'AIF-SEC-1')).toEqual([]);
      const text = JSON.stringify([built.platform, built.workloads]);
      for (const pattern of [/minio123/, /AKIA[0-9A-Z]{16}/, /-----BEGIN/, /client_secret/, /password: \S/i])
        expect({ id, pattern: String(pattern), found: pattern.test(text) }).toEqual({ id, pattern: String(pattern), found: false });
    });

    test('every storage and lab Helm value is a real key; jupyterhub and mlflow pass their strict schemas', () => {
      for (const json of [built.platform, built.workloads]) {
        for (const release of Object.values(releases(json))) {
          const chart = chartIdOf(release);
          const values = parse(release.values[0]) as object;
          expect({
            release: `${release.namespace}/${release.name}`,
            unknown: unknownChartKeys(chart, values),
            topLevel: unknownTopLevelKeys(chart, values),
          }).toEqual({
            release: `${release.namespace}/${release.name}`,
            unknown: [],
            topLevel: [],
          });
        }
      }
    });

    test('every file and block tier has its StorageClass in each cluster it serves, and every lab its four releases', () => {
      for (const [cluster, tiers] of Object.entries(built.storage.workloads.tiers)) {
        for (const tier of Object.values(tiers)) {
          if (tier.kind !== 'object')
            expect({ cluster, tier: tier.tierName, storageClass: tier.storageClass !== undefined }).toEqual({
              cluster,
              tier: tier.tierName,
              storageClass: true,
            });
        }
      }
      for (const name of Object.keys(site.dataLabs)) {
        const inLab = Object.values(releases(built.workloads)).filter((r) => r.namespace === `lab-${name}`);
        expect(inLab.map((r) => r.chart).sort()).toEqual(['argo-workflows', 'jupyterhub', 'lakefs', 'mlflow']);
      }
    });
  });
});
