import { getPath, isJsonObject, setPath, deepMerge, type JsonObject, type JsonValue } from '../../../constructs/charts/json';
import { MIRROR_SPECS, mirrorImage, mirrorOverrides, mirrorProblems, parseImage } from '../../../constructs/charts/mirror';
import { CHART_IDS, type ChartId } from '../../../constructs/charts/registry';
import { chartKeyIndex, unknownChartKeys } from './chart-keys';

const M = 'harbor.example.eu/mirror';

/** Dotted paths of every leaf (lists count as leaves). */
function leaves(v: JsonValue | undefined, prefix = ''): string[] {
  if (isJsonObject(v)) return Object.entries(v).flatMap(([k, x]) => leaves(x, prefix ? `${prefix}.${k}` : k));
  return prefix ? [prefix] : [];
}

function nested(flat: Readonly<Record<string, string>>): JsonObject {
  return Object.entries(flat).reduce<JsonObject>((acc, [p, v]) => setPath(acc, p, v), {});
}

function hasHost(ref: string): boolean {
  const first = ref.split('/')[0];
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

/** Image keys the mirror rewrites for each chart with no caller values (the whole chart). */
const REWRITTEN: Record<ChartId, readonly string[]> = {
  'gpu-operator': [
    'validator.repository',
    'operator.repository',
    'driver.repository',
    'driver.manager.repository',
    'toolkit.repository',
    'devicePlugin.repository',
    'dcgm.repository',
    'dcgmExporter.repository',
    'gfd.repository',
    'migManager.repository',
    'nodeStatusExporter.repository',
    'gds.repository',
    'gdrcopy.repository',
    'vgpuManager.driverManager.repository',
    'vgpuDeviceManager.repository',
    'vfioManager.repository',
    'vfioManager.driverManager.repository',
    'sandboxDevicePlugin.repository',
    'kataSandboxDevicePlugin.repository',
    'ccManager.repository',
    'draDriver.repository',
    'node-feature-discovery.image.repository',
  ],
  'network-operator': [
    'operator.repository',
    'operator.ofedDriver.initContainer.repository',
    'node-feature-discovery.image.repository',
    'sriov-network-operator.images.operator',
    'sriov-network-operator.images.sriovConfigDaemon',
    'sriov-network-operator.images.sriovCni',
    'sriov-network-operator.images.ibSriovCni',
    'sriov-network-operator.images.ovsCni',
    'sriov-network-operator.images.rdmaCni',
    'sriov-network-operator.images.sriovDevicePlugin',
    'sriov-network-operator.images.sriovDraDriver',
    'sriov-network-operator.images.resourcesInjector',
    'sriov-network-operator.images.webhook',
    'sriov-network-operator.images.metricsExporter',
    'sriov-network-operator.images.metricsExporterKubeRbacProxy',
    'maintenance-operator-chart.operator.image.repository',
  ],
  'node-feature-discovery': ['image.repository'],
  'kube-prometheus-stack': [
    'crds.upgradeJob.image.busybox',
    'crds.upgradeJob.image.kubectl',
    'alertmanager.alertmanagerSpec.image',
    'prometheusOperator.image',
    'prometheusOperator.admissionWebhooks.deployment.image',
    'prometheusOperator.admissionWebhooks.patch.image',
    'prometheusOperator.prometheusConfigReloader.image',
    'prometheusOperator.thanosImage',
    'prometheus.prometheusSpec.image',
    'thanosRuler.thanosRulerSpec.image',
    'grafana.image',
    'grafana.sidecar.image',
    'grafana.initChownData.image',
    'grafana.downloadDashboardsImage',
    'grafana.testFramework.image',
    'grafana.imageRenderer.image',
    'kube-state-metrics.image',
    'kube-state-metrics.kubeRBACProxy.image',
    'prometheus-node-exporter.image',
    'prometheus-node-exporter.kubeRBACProxy.image',
    'prometheus-node-exporter.permissionInitContainer.image',
  ].flatMap((image) => [`${image}.registry`, `${image}.repository`]),
  'cert-manager': ['imageRegistry'],
  kueue: ['controllerManager.manager.image.repository', 'kueueViz.backend.image.repository', 'kueueViz.frontend.image.repository'],
  'amd-gpu-operator': [
    'controllerManager.manager.image.repository',
    'deviceConfig.spec.commonConfig.initContainerImage',
    'deviceConfig.spec.commonConfig.utilsContainer.image',
    'deviceConfig.spec.devicePlugin.devicePluginImage',
    'deviceConfig.spec.devicePlugin.nodeLabellerImage',
    'deviceConfig.spec.metricsExporter.image',
    'deviceConfig.spec.metricsExporter.rbacConfig.image',
    'deviceConfig.spec.testRunner.image',
    'deviceConfig.spec.configManager.image',
    'deviceConfig.spec.draDriver.image',
    'deviceConfig.spec.remediationWorkflow.testerImage',
    'remediation.controller.image',
    'kmm.controller.manager.image.repository',
    'kmm.controller.manager.env.relatedImageBuild',
    'kmm.controller.manager.env.relatedImageSign',
    'kmm.controller.manager.env.relatedImageWorker',
    'kmm.webhookServer.webhookServer.image.repository',
    'node-feature-discovery.image.repository',
  ],
  'slurm-operator-crds': [],
  'slurm-operator': ['operator.image.repository', 'webhook.image.repository'],
  slurm: [
    'controller.slurmctld.image.repository',
    'controller.reconfigure.image.repository',
    'controller.logfile.image.repository',
    'restapi.slurmrestd.image.repository',
    'accounting.slurmdbd.image.repository',
    'loginsetDefaults.login.image.repository',
    'loginsetDefaults.initconf.image.repository',
    'nodesetDefaults.slurmd.image.repository',
    'nodesetDefaults.logfile.image.repository',
  ],
  'rook-ceph': [
    'image.repository',
    'csi.cephcsi.repository',
    'csi.registrar.repository',
    'csi.provisioner.repository',
    'csi.snapshotter.repository',
    'csi.attacher.repository',
    'csi.resizer.repository',
    'csi.csiAddons.repository',
    'ceph-csi-operator.controllerManager.manager.image.repository',
  ],
  // No image key: the ceph-csi drivers' images come from Rook's image set, the rook-ceph chart's csi.* above.
  'ceph-csi-drivers': [],
  'rook-ceph-cluster': ['cephImage.repository'],
  'csi-driver-nfs': ['image.baseRepo', 'image.nfs.repository'],
  'minio-operator': ['operator.image.repository', 'operator.sidecarImage.repository', 'operator.sidecarImage.tag'],
  'minio-tenant': ['tenant.image.repository'],
  jupyterhub: [
    'hub.image.name',
    'proxy.chp.image.name',
    'proxy.traefik.image.name',
    'proxy.secretSync.image.name',
    'singleuser.image.name',
    'singleuser.networkTools.image.name',
    'scheduling.userScheduler.image.name',
    'scheduling.userPlaceholder.image.name',
    'prePuller.hook.image.name',
    'prePuller.pause.image.name',
  ],
  mlflow: [
    'image.repository',
    'initImages.dbchecker.repository',
    'initImages.mlflowDbMigration.repository',
    'initImages.iniFileInitializer.repository',
    'oauth2Proxy.image.repository',
  ],
  lakefs: ['image.repository', 'mds.image.repository', 'replication.image.repository'],
  'argo-workflows': [
    'crds.upgradeJob.image.repository',
    'controller.image.registry',
    'controller.image.repository',
    'executor.image.registry',
    'executor.image.repository',
    'server.image.registry',
    'server.image.repository',
  ],
};

/** Where each chart takes the pull Secret. */
const PULL_SECRET_KEYS: Record<ChartId, readonly string[]> = {
  'gpu-operator': [
    'validator',
    'operator',
    'driver',
    'toolkit',
    'devicePlugin',
    'dcgm',
    'dcgmExporter',
    'gfd',
    'migManager',
    'nodeStatusExporter',
    'gds',
    'gdrcopy',
    'vgpuManager',
    'vgpuDeviceManager',
    'vfioManager',
    'kataManager',
    'sandboxDevicePlugin',
    'kataSandboxDevicePlugin',
    'ccManager',
    'draDriver',
    'node-feature-discovery',
  ].map((c) => `${c}.imagePullSecrets`),
  'network-operator': [
    'imagePullSecrets',
    'node-feature-discovery.imagePullSecrets',
    'sriov-network-operator.imagePullSecrets',
    'maintenance-operator-chart.imagePullSecrets',
  ],
  'node-feature-discovery': ['imagePullSecrets'],
  'kube-prometheus-stack': ['global.imagePullSecrets'],
  'cert-manager': ['global.imagePullSecrets'],
  kueue: ['controllerManager.imagePullSecrets', 'kueueViz.backend.imagePullSecrets', 'kueueViz.frontend.imagePullSecrets'],
  'amd-gpu-operator': ['global.imagePullSecrets', 'node-feature-discovery.imagePullSecrets'],
  'slurm-operator-crds': [],
  'slurm-operator': ['imagePullSecrets'],
  slurm: ['imagePullSecrets'],
  'rook-ceph': ['imagePullSecrets', 'ceph-csi-operator.imagePullSecrets'],
  'ceph-csi-drivers': ['imagePullSecrets'],
  'rook-ceph-cluster': [],
  'csi-driver-nfs': ['imagePullSecrets'],
  'minio-operator': ['operator.imagePullSecrets'],
  'minio-tenant': ['tenant.imagePullSecret.name'],
  jupyterhub: ['imagePullSecrets'],
  mlflow: ['imagePullSecrets'],
  lakefs: ['image.privateRegistry.secretName', 'image.privateRegistry.enabled'],
  'argo-workflows': ['images.pullSecrets', 'crds.upgradeJob.imagePullSecrets', 'workflow.serviceAccount.pullSecrets'],
};

/**
 * An image default that is not itself rewritten is covered when it is only a name or a relative
 * path next to a rewritten registry key: the NVIDIA `image` / maintenance-operator `name` next to
 * a rewritten `repository`, cert-manager's `image.name` under the rewritten `imageRegistry`, and
 * csi-driver-nfs sidecar repositories under the rewritten `image.baseRepo`.
 */
function coveredBy(chart: ChartId, key: string, value: string, rewritten: readonly string[]): boolean {
  const parent = key.split('.').slice(0, -1).join('.');
  const leaf = key.split('.').pop();
  if ((leaf === 'image' || leaf === 'name') && rewritten.includes(parent ? `${parent}.repository` : 'repository')) return true;
  if (chart === 'cert-manager' && leaf === 'name' && rewritten.includes('imageRegistry')) return true;
  if (value.startsWith('/') && rewritten.includes('image.baseRepo')) return true;
  return false;
}

describe('mirrorImage', () => {
  it.each([
    ['nvcr.io/nvidia/gpu-operator:v26.7.0', `${M}/nvcr.io/nvidia/gpu-operator:v26.7.0`],
    ['quay.io/ceph/ceph', `${M}/quay.io/ceph/ceph`],
    ['busybox:1.36', `${M}/docker.io/library/busybox:1.36`],
    ['traefik', `${M}/docker.io/library/traefik`],
    ['rocm/k8s-device-plugin:latest', `${M}/docker.io/rocm/k8s-device-plugin:latest`],
    ['docker.io/library/alpine', `${M}/docker.io/library/alpine`],
    ['docker.io/alpine', `${M}/docker.io/library/alpine`],
    ['index.docker.io/rook/ceph', `${M}/docker.io/rook/ceph`],
    ['localhost:5000/x/y:1', `${M}/localhost:5000/x/y:1`],
    ['ghcr.io/a/b@sha256:abc', `${M}/ghcr.io/a/b@sha256:abc`],
    ['ghcr.io/a/b:1.0@sha256:abc', `${M}/ghcr.io/a/b:1.0@sha256:abc`],
  ])('%s -> %s', (upstream, mirrored) => {
    expect(mirrorImage(upstream, M)).toBe(mirrored);
  });

  it('leaves an image that is already mirrored unchanged', () => {
    expect(mirrorImage(`${M}/quay.io/ceph/ceph`, M)).toBe(`${M}/quay.io/ceph/ceph`);
  });

  it('rejects a registry with a scheme or a trailing slash', () => {
    expect(() => mirrorImage('busybox', 'https://harbor.example.eu')).toThrow(
      'image registry "https://harbor.example.eu" must be a registry host with optional path and no scheme',
    );
    expect(() => mirrorImage('busybox', 'harbor.example.eu/')).toThrow('must be a registry host');
  });

  it('rejects an empty reference', () => {
    expect(() => parseImage('')).toThrow('"" is not an image reference');
  });
});

describe.each(CHART_IDS)('mirror of %s', (chart) => {
  const index = chartKeyIndex(chart);
  const spec = MIRROR_SPECS[chart];
  const overrides = mirrorOverrides(chart, {}, { imageRegistry: M });
  const rewritten = leaves(overrides);

  it("rewrites exactly the chart's image keys", () => {
    expect([...rewritten].sort()).toEqual([...REWRITTEN[chart]].sort());
  });

  it('writes only real keys of the pinned chart, pull Secrets included', () => {
    expect(unknownChartKeys(chart, overrides)).toEqual([]);
    expect(unknownChartKeys(chart, mirrorOverrides(chart, {}, { imageRegistry: M, pullSecretName: 'mirror-pull' }))).toEqual([]);
  });

  it('covers every image key of the chart defaults', () => {
    const defaults = { ...index.imageDefaults, ...index.imageTemplateDefaults };
    const blocked = new Set([...Object.keys(spec.notMirrored), ...spec.blockers.map((b) => b.path)]);
    const uncovered = Object.entries(defaults).filter(
      ([key, value]) => !rewritten.includes(key) && !coveredBy(chart, key, value, rewritten) && !blocked.has(key),
    );
    expect(uncovered).toEqual([]);
  });

  it('leaves no upstream registry host in the merged image values', () => {
    const merged = deepMerge(nested({ ...index.imageDefaults, ...index.imageTemplateDefaults }), overrides);
    for (const key of rewritten) {
      const value = getPath(merged, key);
      const leaf = key.split('.').pop();
      if (key.endsWith('sidecarImage.tag')) continue;
      expect(typeof value).toBe('string');
      const v = value as string;
      const pairedRegistry = leaf === 'repository' && rewritten.includes(key.replace(/repository$/, 'registry'));
      if (pairedRegistry) {
        // registry + repository form: the host sits in the mirrored registry, never in the repository
        expect(hasHost(v)).toBe(false);
        expect(getPath(merged, key.replace(/repository$/, 'registry'))).toMatch(new RegExp(`^${M}/[a-z0-9.-]+(:[0-9]+)?$`));
      } else {
        expect(v.startsWith(`${M}/`)).toBe(true);
      }
      // The upstream host of the chart default is kept right after the mirror prefix.
      const upstream = index.imageDefaults[key] ?? index.imageTemplateDefaults[key];
      if (upstream !== undefined && !pairedRegistry && leaf !== 'registry' && !key.endsWith('baseRepo') && key !== 'imageRegistry') {
        expect(v.startsWith(`${M}/${parseImage(upstream).host}/`)).toBe(true);
      }
    }
    for (const [key, upstream] of Object.entries(index.imageDefaults)) {
      const value = getPath(merged, key);
      if (typeof value === 'string' && rewritten.includes(key) && hasHost(upstream)) expect(value).not.toBe(upstream);
    }
  });

  it('adds the pull Secret where the chart takes one', () => {
    const withSecret = mirrorOverrides(chart, {}, { imageRegistry: M, pullSecretName: 'mirror-pull' });
    const secretKeys = leaves(withSecret).filter((k) => !rewritten.includes(k));
    expect(secretKeys.sort()).toEqual([...PULL_SECRET_KEYS[chart]].sort());
  });
});

describe('mirror details', () => {
  it("uses each chart's own image key form", () => {
    expect(getPath(mirrorOverrides('gpu-operator', {}, { imageRegistry: M }), 'driver.repository')).toBe(`${M}/nvcr.io/nvidia`);
    expect(getPath(mirrorOverrides('kube-prometheus-stack', {}, { imageRegistry: M }), 'grafana.image')).toEqual({
      registry: `${M}/docker.io`,
      repository: 'grafana/grafana',
    });
    expect(getPath(mirrorOverrides('kube-prometheus-stack', {}, { imageRegistry: M }), 'crds.upgradeJob.image.busybox')).toEqual({
      registry: `${M}/docker.io`,
      repository: 'library/busybox',
    });
    expect(getPath(mirrorOverrides('cert-manager', {}, { imageRegistry: M }), 'imageRegistry')).toBe(`${M}/quay.io`);
    expect(getPath(mirrorOverrides('csi-driver-nfs', {}, { imageRegistry: M }), 'image')).toEqual({
      baseRepo: `${M}/registry.k8s.io`,
      nfs: { repository: `${M}/registry.k8s.io/sig-storage/nfsplugin` },
    });
    expect(getPath(mirrorOverrides('jupyterhub', {}, { imageRegistry: M }), 'proxy.traefik.image.name')).toBe(`${M}/docker.io/library/traefik`);
    expect(getPath(mirrorOverrides('network-operator', {}, { imageRegistry: M }), 'maintenance-operator-chart.operator.image.repository')).toBe(
      `${M}/nvcr.io/nvidia/mellanox`,
    );
    expect(getPath(mirrorOverrides('mlflow', {}, { imageRegistry: M }), 'initImages.dbchecker.repository')).toBe(`${M}/docker.io/library/busybox`);
    expect(getPath(mirrorOverrides('minio-operator', {}, { imageRegistry: M }), 'operator.sidecarImage')).toEqual({
      repository: `${M}/quay.io/minio/operator-sidecar`,
      tag: 'v7.0.1',
    });
  });

  it("mirrors the caller's image, not the chart default, when the caller set one", () => {
    const o = mirrorOverrides('jupyterhub', { singleuser: { image: { name: 'quay.io/jupyter/pytorch-notebook', tag: 'cuda12' } } }, { imageRegistry: M });
    expect(getPath(o, 'singleuser.image.name')).toBe(`${M}/quay.io/jupyter/pytorch-notebook`);
    const k = mirrorOverrides(
      'kube-prometheus-stack',
      { grafana: { image: { registry: 'docker.io', repository: 'grafana/grafana-oss' } } },
      { imageRegistry: M },
    );
    expect(getPath(k, 'grafana.image')).toEqual({ registry: `${M}/docker.io`, repository: 'grafana/grafana-oss' });
    const g = mirrorOverrides('gpu-operator', { driver: { repository: 'registry.example.eu/drivers', image: 'driver-precompiled' } }, { imageRegistry: M });
    expect(getPath(g, 'driver.repository')).toBe(`${M}/registry.example.eu/drivers`);
  });

  it("keeps the caller's choice of the lakeFS enterprise image", () => {
    expect(getPath(mirrorOverrides('lakefs', { enterprise: { enabled: true } }, { imageRegistry: M }), 'image.repository')).toBe(
      `${M}/docker.io/treeverse/lakefs-enterprise`,
    );
  });

  it('rewrites images that slurm nodeset and loginset entries override', () => {
    const o = mirrorOverrides(
      'slurm',
      {
        nodesets: { h100: { replicas: 2, slurmd: { image: { repository: 'ghcr.io/site/slurmd-cuda' } } }, cpu: { replicas: 1 } },
        loginsets: { main: { login: { image: { repository: 'ghcr.io/site/login' } } } },
      },
      { imageRegistry: M },
    );
    expect(getPath(o, 'nodesets')).toEqual({ h100: { slurmd: { image: { repository: `${M}/ghcr.io/site/slurmd-cuda` } } } });
    expect(getPath(o, 'loginsets.main.login.image.repository')).toBe(`${M}/ghcr.io/site/login`);
  });

  it('mirrors a cert-manager component repository only where the caller set one', () => {
    const o = mirrorOverrides('cert-manager', { webhook: { image: { repository: 'quay.io/jetstack/cert-manager-webhook' } } }, { imageRegistry: M });
    expect(leaves(o).sort()).toEqual(['imageRegistry', 'webhook.image.repository']);
  });

  it("appends the pull Secret to the caller's list in the chart's form", () => {
    const g = mirrorOverrides('gpu-operator', { driver: { imagePullSecrets: ['ngc'] } }, { imageRegistry: M, pullSecretName: 'mirror-pull' });
    expect(getPath(g, 'driver.imagePullSecrets')).toEqual(['ngc', 'mirror-pull']);
    expect(getPath(g, 'node-feature-discovery.imagePullSecrets')).toEqual([{ name: 'mirror-pull' }]);
    const k = mirrorOverrides(
      'kube-prometheus-stack',
      { global: { imagePullSecrets: [{ name: 'mirror-pull' }] } },
      { imageRegistry: M, pullSecretName: 'mirror-pull' },
    );
    expect(getPath(k, 'global.imagePullSecrets')).toEqual([{ name: 'mirror-pull' }]);
    expect(getPath(mirrorOverrides('minio-tenant', {}, { imageRegistry: M, pullSecretName: 'mirror-pull' }), 'tenant.imagePullSecret')).toEqual({
      name: 'mirror-pull',
    });
    expect(getPath(mirrorOverrides('lakefs', {}, { imageRegistry: M, pullSecretName: 'mirror-pull' }), 'image.privateRegistry')).toEqual({
      enabled: true,
      secretName: 'mirror-pull',
    });
  });

  it('extends network-operator operator.imagePullSecrets only when the caller set it', () => {
    const withOwn = mirrorOverrides('network-operator', { operator: { imagePullSecrets: ['ngc'] } }, { imageRegistry: M, pullSecretName: 'mirror-pull' });
    expect(getPath(withOwn, 'operator.imagePullSecrets')).toEqual(['ngc', 'mirror-pull']);
    expect(getPath(mirrorOverrides('network-operator', {}, { imageRegistry: M, pullSecretName: 'mirror-pull' }), 'operator.imagePullSecrets')).toBeUndefined();
  });

  it('is idempotent', () => {
    const once = mirrorOverrides('kube-prometheus-stack', {}, { imageRegistry: M });
    expect(mirrorOverrides('kube-prometheus-stack', once as never, { imageRegistry: M })).toEqual(once);
  });
});

describe('mirrorProblems', () => {
  it.each([
    [
      'kube-prometheus-stack',
      { windowsMonitoring: { enabled: true } },
      'windowsMonitoring.enabled: the prometheus-windows-exporter sub-chart is not pinned here, so its images are not mirrored, got true; leave windowsMonitoring disabled',
    ],
    ['kube-prometheus-stack', { global: { imageRegistry: 'harbor.example.eu' } }, 'global.imageRegistry: it replaces every image registry'],
    ['mlflow', { postgresql: { enabled: true } }, 'postgresql.enabled: the Bitnami PostgreSQL sub-chart is not pinned here'],
    ['lakefs', { useDevPostgres: true }, 'useDevPostgres: the dev database pod uses the hard-coded image postgres:11, got true; use an external PostgreSQL'],
    ['gpu-operator', { kataManager: { enabled: true } }, 'kataManager.enabled: the Kata manager pulls its artifacts'],
    [
      'amd-gpu-operator',
      { deviceConfig: { spec: { remediationWorkflow: { enable: true } } } },
      'deviceConfig.spec.remediationWorkflow.enable: remediation workflows run Argo executor pods',
    ],
    ['minio-tenant', { tenant: { kes: { configuration: 'x' } } }, "tenant.kes: KES defaults to the operator's built-in Docker Hub image"],
  ] as const)('%s %j', (chart, values, message) => {
    expect(mirrorProblems(chart, values as never)).toEqual([expect.stringContaining(message)]);
  });

  it('reports every blocker at once', () => {
    expect(mirrorProblems('lakefs', { useDevPostgres: true, s3Fallback: { enabled: true }, gcpFallback: { enabled: true } })).toHaveLength(3);
  });

  it('has no problem with the defaults of any chart', () => {
    for (const chart of CHART_IDS) expect(mirrorProblems(chart, {})).toEqual([]);
  });
});
