import type { ImageSlot } from '../../../constructs/charts/chart-definition';
import { deployedImages } from '../../../constructs/charts/deployed-images';
import { getPath, type JsonObject } from '../../../constructs/charts/json';
import { mirrorOverrides } from '../../../constructs/charts/mirror';
import { CHART_DEFINITIONS, CHART_IDS, type ChartId } from '../../../constructs/charts/registry';
import { chartKeyIndex } from './chart-keys';

const MIRROR = { imageRegistry: 'registry.site.eu/mirror' };

/** `repo:tag` (or `repo@digest`) of every image a chart deploys with these values. */
const refs = (chart: ChartId, values: JsonObject = {}) =>
  deployedImages(chart, values).images.map((i) => `${i.path} ${i.repository}${i.tag ? `:${i.tag}` : ''}${i.digest ? `@${i.digest}` : ''}`);

/** Values paths a slot reads its repository (or full reference) from. */
function slotKeys(slot: ImageSlot): string[] {
  switch (slot.kind) {
    case 'reference':
      return [slot.path];
    case 'registry':
      return [`${slot.path}.registry`, `${slot.path}.repository`];
    case 'prefix':
      return [`${slot.path}.repository`, `${slot.path}.${slot.nameKey}`];
    case 'host':
      return [slot.path];
  }
}

describe('default images of the pinned charts', () => {
  it.each(CHART_IDS)("%s: names its sources, the chart's values file first", (id) => {
    const { sources } = CHART_DEFINITIONS[id].defaultImages;
    expect(sources[0]).toBe(`${CHART_DEFINITIONS[id].ref.source}/values.yaml`);
    expect(sources).toHaveLength(1 + chartKeyIndex(id).subcharts.length);
  });

  it.each(CHART_IDS)('%s: agrees with the key index of the pinned chart on every image default both hold', (id) => {
    const { values } = CHART_DEFINITIONS[id].defaultImages;
    const index = chartKeyIndex(id).imageDefaults;
    const both = Object.keys(index).filter((key) => getPath(values, key) !== undefined);
    expect(Object.fromEntries(both.map((key) => [key, getPath(values, key)]))).toEqual(Object.fromEntries(both.map((key) => [key, index[key]])));
    // Every image key the mirror specification names with a chart default is carried, unless
    // its default lives in the chart's templates (then the slot's upstream stands in).
    const template = chartKeyIndex(id).imageTemplateDefaults;
    const missing = CHART_DEFINITIONS[id].mirror.images
      .filter((slot) => !slot.path.includes('*') && !(slot.kind === 'reference' && slot.optional))
      .flatMap(slotKeys)
      .filter((key) => getPath(values, key) === undefined && index[key] !== undefined && template[key] === undefined);
    expect(missing).toEqual([]);
  });

  it.each(CHART_IDS)('%s: every switch governs images the chart has', (id) => {
    const { values, switches } = CHART_DEFINITIONS[id].defaultImages;
    for (const s of switches) {
      expect(Object.keys(s.anyOf).length).toBeGreaterThan(0);
      for (const path of s.images) {
        // In the defaults, or an image whose default lives in the templates (a mirror slot).
        const found =
          getPath(values, path) !== undefined || CHART_DEFINITIONS[id].mirror.images.some((slot) => slot.path === path || slot.path.startsWith(`${path}.`));
        expect({ path, found }).toEqual({ path, found: true });
      }
    }
  });

  it('the AMD chart defaults eight operand images (and the KMM sub-chart more) to moving tags', () => {
    const { values } = CHART_DEFINITIONS['amd-gpu-operator'].defaultImages;
    const paths = [
      'deviceConfig.spec.commonConfig.utilsContainer.image',
      'deviceConfig.spec.devicePlugin.devicePluginImage',
      'deviceConfig.spec.devicePlugin.nodeLabellerImage',
      'deviceConfig.spec.metricsExporter.image',
      'deviceConfig.spec.testRunner.image',
      'deviceConfig.spec.configManager.image',
      'deviceConfig.spec.draDriver.image',
      'deviceConfig.spec.remediationWorkflow.testerImage',
    ];
    expect(paths.map((p) => (getPath(values, p) as string).split(':').pop())).toEqual([
      'latest',
      'latest',
      'labeller-latest',
      'latest',
      'latest',
      'latest',
      'latest',
      'latest',
    ]);
  });
});

describe('deployedImages', () => {
  test('with no values: the chart defaults, minus switched-off operands (AMD: test runner, config manager, DRA driver, remediation workflow off)', () => {
    expect(refs('amd-gpu-operator')).toEqual([
      'controllerManager.manager.image docker.io/rocm/amd-gpu-operator:v1.5.1',
      'deviceConfig.spec.commonConfig.initContainerImage busybox:1.36',
      'deviceConfig.spec.commonConfig.utilsContainer.image docker.io/rocm/amd-gpu-operator-utils:latest',
      'deviceConfig.spec.devicePlugin.devicePluginImage rocm/k8s-device-plugin:latest',
      'deviceConfig.spec.devicePlugin.nodeLabellerImage rocm/k8s-device-plugin:labeller-latest',
      'deviceConfig.spec.metricsExporter.image docker.io/rocm/device-metrics-exporter:latest',
      'remediation.controller.image quay.io/argoproj/workflow-controller:v4.0.3',
      'kmm.controller.manager.image docker.io/rocm/kernel-module-management-operator:latest',
      'kmm.controller.manager.env.relatedImageBuild gcr.io/kaniko-project/executor:v1.23.2',
      'kmm.controller.manager.env.relatedImageSign docker.io/rocm/kernel-module-management-signimage:latest',
      'kmm.controller.manager.env.relatedImageWorker docker.io/rocm/kernel-module-management-worker:latest',
      'kmm.webhookServer.webhookServer.image docker.io/rocm/kernel-module-management-webhook-server:latest',
      'node-feature-discovery.image registry.k8s.io/nfd/node-feature-discovery',
    ]);
    expect(deployedImages('amd-gpu-operator', {}).images.every((i) => i.origin === 'chart default')).toBe(true);
  });

  test('switches the caller turns off drop their images; switches turned on add them', () => {
    const values = {
      kmm: { enabled: false },
      remediation: { enabled: false },
      'node-feature-discovery': { enabled: false },
      deviceConfig: { spec: { metricsExporter: { enable: false }, testRunner: { enable: true, image: 'docker.io/rocm/test-runner:v1.5.1' } } },
    };
    expect(refs('amd-gpu-operator', values)).toEqual([
      'controllerManager.manager.image docker.io/rocm/amd-gpu-operator:v1.5.1',
      'deviceConfig.spec.commonConfig.initContainerImage busybox:1.36',
      'deviceConfig.spec.commonConfig.utilsContainer.image docker.io/rocm/amd-gpu-operator-utils:latest',
      'deviceConfig.spec.devicePlugin.devicePluginImage rocm/k8s-device-plugin:latest',
      'deviceConfig.spec.devicePlugin.nodeLabellerImage rocm/k8s-device-plugin:labeller-latest',
      'deviceConfig.spec.testRunner.image docker.io/rocm/test-runner:v1.5.1',
    ]);
  });

  test('a switch with several values is on when any is: a list the caller fills turns on the node exporter permission fix', () => {
    const fix = 'prometheus-node-exporter.permissionInitContainer.image quay.io/prometheus/busybox:latest';
    expect(refs('kube-prometheus-stack')).not.toContain(fix);
    expect(refs('kube-prometheus-stack', { 'prometheus-node-exporter': { permissionInitContainer: { extraCommands: ['true'] } } })).toContain(fix);
    expect(refs('kube-prometheus-stack', { 'prometheus-node-exporter': { permissionInitContainer: { fixes: { rapl: true } } } })).toContain(fix);
  });

  test("a mirror rewrites repositories and keeps the chart's tags, which the result shows as chart defaults", () => {
    const slurm = deployedImages('slurm', mirrorOverrides('slurm', {}, MIRROR)).images.find((i) => i.path === 'controller.logfile.image');
    expect(slurm).toEqual({
      path: 'controller.logfile.image',
      repository: 'registry.site.eu/mirror/docker.io/library/alpine',
      tag: 'latest',
      origin: 'values and chart default',
      tagFromDefault: true,
    });
  });

  test('images of maps keyed by the caller (slurm nodesets) are found, and inherit nothing they do not set', () => {
    const values = { nodesets: { h100: { slurmd: { image: { repository: 'ghcr.io/slinkyproject/slurmd', tag: '26.05-ubuntu26.04' } } } } };
    expect(refs('slurm', values)).toContain('nodesets.h100.slurmd.image ghcr.io/slinkyproject/slurmd:26.05-ubuntu26.04');
  });

  test('repositories relative to a registry host key (csi-driver-nfs baseRepo) are joined to it, mirrored or not', () => {
    expect(refs('csi-driver-nfs')).toContain('image.csiProvisioner registry.k8s.io/sig-storage/csi-provisioner:v6.3.0');
    expect(refs('csi-driver-nfs', mirrorOverrides('csi-driver-nfs', {}, MIRROR))).toContain(
      'image.csiProvisioner registry.site.eu/mirror/registry.k8s.io/sig-storage/csi-provisioner:v6.3.0',
    );
  });

  test('template defaults come from the mirror slot: lakeFS picks its image from other values', () => {
    expect(refs('lakefs')).toEqual(['image treeverse/lakefs']);
    expect(refs('lakefs', { enterprise: { enabled: true }, mds: { enabled: true } })).toEqual([
      'image treeverse/lakefs-enterprise',
      'mds.image treeverse/lakefs-enterprise',
    ]);
    expect(refs('minio-operator')).toContain('operator.sidecarImage quay.io/minio/operator-sidecar:v7.0.1');
  });

  test('a digest pins an image whatever its tag', () => {
    const [image] = deployedImages('node-feature-discovery', { image: { repository: 'registry.k8s.io/nfd/node-feature-discovery:latest@sha256:abc' } }).images;
    expect(image).toMatchObject({ repository: 'registry.k8s.io/nfd/node-feature-discovery', tag: 'latest', digest: 'sha256:abc', origin: 'values' });
  });

  test('lists every values key it read, switched-off images included, so other checks leave them alone', () => {
    const { keys } = deployedImages('amd-gpu-operator', { kmm: { enabled: false } });
    expect(keys).toContain('kmm.controller.manager.env.relatedImageSign');
    expect(keys).toContain('deviceConfig.spec.testRunner.image');
    expect(keys).toContain('controllerManager.manager.image.tag');
  });
});
