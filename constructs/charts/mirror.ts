/**
 * Image mirroring for sovereign and air-gapped installs. A mirror holds every upstream image
 * under `<imageRegistry>/<upstream registry host>/<upstream path>` (the layout of a Harbor
 * proxy-cache project per upstream or of `crane copy`/`skopeo sync` with the host kept).
 * For every pinned chart, {@link MIRROR_SPECS} lists each image key in the chart's own form
 * (sub-charts included) and where pull Secrets go; {@link mirrorOverrides} turns that into
 * Helm values.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
import type { ChartId } from './registry';
import { getPath, isJsonArray, isJsonObject, setPath, toJsonObject, type JsonObject, type JsonValue } from './json';
import type { ChartValues } from './values';

/**
 * Where images come from in a mirrored install.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface ImageMirror {
  /** Registry host and optional path that mirrors every upstream image, e.g. `harbor.example.eu/mirror`. */
  readonly imageRegistry: string;
  /** Image pull Secret present in the release namespace. @default - anonymous pulls */
  readonly pullSecretName?: string;
}

/**
 * A full registry mirror: images plus a Helm repository that mirrors every chart.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface RegistryMirror extends ImageMirror {
  /** Helm repository (`https://…`) or OCI parent (`oci://…`) that holds every pinned chart under its upstream name. */
  readonly chartRepository: string;
}

/**
 * An image reference split into its parts, with Docker Hub made explicit.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface ParsedImage {
  /** Registry host (`docker.io` for Docker Hub). */
  readonly host: string;
  /** Repository path inside the registry (`library/<name>` for Docker Hub official images). */
  readonly path: string;
  /** `:tag` suffix, or ''. */
  readonly tag: string;
  /** `@sha256:…` suffix, or ''. */
  readonly digest: string;
}

const REGISTRY = /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/;
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Splits an image reference. A first path segment is a registry host when it has a `.` or a
 * `:` or is `localhost`; otherwise the image is on Docker Hub (`docker.io`, with `library/`
 * for single-segment names).
 *
 * @see https://github.com/distribution/reference/blob/main/reference.go
 */
export function parseImage(ref: string): ParsedImage {
  if (ref.trim() === '' || /\s/.test(ref)) throw new Error(`"${ref}" is not an image reference`);
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at) : '';
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > slash ? named.slice(colon) : '';
  const name = colon > slash ? named.slice(0, colon) : named;
  const [first, ...rest] = name.split('/');
  const isHost = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = isHost ? (DOCKER_HUB_ALIASES.has(first) ? 'docker.io' : first) : 'docker.io';
  const segments = isHost ? rest : [first, ...rest];
  const path = host === 'docker.io' && segments.length === 1 ? `library/${segments[0]}` : segments.join('/');
  return { host, path, tag, digest };
}

function checkRegistry(imageRegistry: string): void {
  if (!REGISTRY.test(imageRegistry)) {
    throw new Error(`image registry "${imageRegistry}" must be a registry host with optional path and no scheme, e.g. registry.example.eu/mirror`);
  }
}

/**
 * The mirrored reference of an upstream image: `<imageRegistry>/<host>/<path>[:tag][@digest]`.
 * Images without a registry host are Docker Hub (`docker.io/library/<name>` or
 * `docker.io/<org>/<name>`). A reference already under `imageRegistry` is returned unchanged.
 *
 * @example mirrorImage('nvcr.io/nvidia/gpu-operator:v26.7.0', 'harbor.eu/m') // 'harbor.eu/m/nvcr.io/nvidia/gpu-operator:v26.7.0'
 * @example mirrorImage('busybox:1.36', 'harbor.eu/m') // 'harbor.eu/m/docker.io/library/busybox:1.36'
 * @see https://docs.docker.com/reference/cli/docker/image/tag/#description
 */
export function mirrorImage(upstream: string, imageRegistry: string): string {
  checkRegistry(imageRegistry);
  if (upstream.startsWith(`${imageRegistry}/`)) return upstream;
  const { host, path, tag, digest } = parseImage(upstream);
  return `${imageRegistry}/${host}/${path}${tag}${digest}`;
}

/**
 * One image key of a chart, in the chart's own form:
 * - `reference`: one key holds the image with its registry host (`repository`, jupyterhub
 *   `name`, full `repo:tag` strings); `*` in the path matches every entry of a map the caller set;
 * - `registry`: an image map with separate `registry` and `repository` keys;
 * - `prefix`: an image map with `repository` (registry and path prefix) and a name key
 *   (`image` or `name`), as in the NVIDIA operators;
 * - `host`: one key holds a registry host that the chart prefixes to other repositories.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export type ImageSlot =
  | {
      readonly kind: 'reference';
      /** Dotted key path. */
      readonly path: string;
      /** Chart default (from values.yaml or, where noted, its templates); a function when it depends on other values. @default - none: only what the caller set is rewritten */
      readonly upstream?: string | ((values: JsonObject) => string);
      /** Only rewrite what the caller set (the chart has no default, or the path has `*`). @default false */
      readonly optional?: boolean;
      /** Keys written with the image when the caller didn't set them (a tag the chart doesn't default). @default - none */
      readonly defaults?: Readonly<Record<string, JsonValue>>;
    }
  | { readonly kind: 'registry'; readonly path: string; readonly upstreamRegistry: string; readonly upstreamRepository: string }
  | { readonly kind: 'prefix'; readonly path: string; readonly nameKey: 'image' | 'name'; readonly upstreamPrefix: string; readonly upstreamName: string }
  | { readonly kind: 'host'; readonly path: string; readonly upstream: string };

/**
 * Where a chart takes image pull Secrets, and in which form.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface PullSecretSlot {
  /** Dotted key path. */
  readonly path: string;
  /** `names`: list of names; `refs`: list of `{ name }`; `ref`: one `{ name }`; `name`: one string. */
  readonly form: 'names' | 'refs' | 'ref' | 'name';
  /** Only add the Secret when the caller already set this key (it would shadow another one). @default false */
  readonly ifSet?: boolean;
  /** Keys that must be set for the Secret to be used. @default - none */
  readonly with?: Readonly<Record<string, JsonValue>>;
}

/**
 * A value that pulls images the mirror can't rewrite; a mirrored install must leave it unset.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface MirrorBlocker {
  /** Dotted key path; blocked when the caller sets it to anything but false, '' or null. */
  readonly path: string;
  /** What it would pull from upstream. */
  readonly reason: string;
  /** What to do instead. */
  readonly fix: string;
}

/**
 * How one chart is mirrored.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface ChartMirrorSpec {
  /** Every image key of the chart and its sub-charts. */
  readonly images: readonly ImageSlot[];
  /** Where the pull Secret goes. */
  readonly pullSecrets: readonly PullSecretSlot[];
  /** Values that can't be mirrored. */
  readonly blockers: readonly MirrorBlocker[];
  /** Image keys deliberately left alone, with the reason. */
  readonly notMirrored: Readonly<Record<string, string>>;
}

const ref = (path: string, upstream: string): ImageSlot => ({ kind: 'reference', path, upstream });
const optionalRef = (path: string): ImageSlot => ({ kind: 'reference', path, optional: true });
const reg = (path: string, upstreamRegistry: string, upstreamRepository: string): ImageSlot => ({ kind: 'registry', path, upstreamRegistry, upstreamRepository });
const nv = (path: string, upstreamPrefix: string, upstreamName: string): ImageSlot => ({ kind: 'prefix', path, nameKey: 'image', upstreamPrefix, upstreamName });
const names = (path: string): PullSecretSlot => ({ path, form: 'names' });
const refs = (path: string): PullSecretSlot => ({ path, form: 'refs' });

const NVCR = 'nvcr.io/nvidia';
const NVCR_CN = 'nvcr.io/nvidia/cloud-native';
const NVCR_K8S = 'nvcr.io/nvidia/k8s';
const MELLANOX = 'nvcr.io/nvidia/mellanox';
const NO_IMAGES: ChartMirrorSpec = { images: [], pullSecrets: [], blockers: [], notMirrored: {} };

const GPU_OPERATOR_COMPONENTS_WITH_SECRETS = [
  'validator', 'operator', 'driver', 'toolkit', 'devicePlugin', 'dcgm', 'dcgmExporter', 'gfd', 'migManager',
  'nodeStatusExporter', 'gds', 'gdrcopy', 'vgpuManager', 'vgpuDeviceManager', 'vfioManager', 'kataManager',
  'sandboxDevicePlugin', 'kataSandboxDevicePlugin', 'ccManager', 'draDriver',
];

/**
 * Mirror specification of every pinned chart. Upstream defaults are the published chart's
 * (kueue's in-repo staging images are rewritten to registry.k8s.io at packaging).
 *
 * @see https://helm.sh/docs/chart_template_guide/subcharts_and_globals/
 */
export const MIRROR_SPECS: Readonly<Record<ChartId, ChartMirrorSpec>> = {
  'gpu-operator': {
    images: [
      nv('validator', NVCR, 'gpu-operator'),
      nv('operator', NVCR, 'gpu-operator'),
      nv('driver', NVCR, 'driver'),
      nv('driver.manager', NVCR_CN, 'k8s-driver-manager'),
      nv('toolkit', NVCR_K8S, 'container-toolkit'),
      nv('devicePlugin', NVCR, 'k8s-device-plugin'),
      nv('dcgm', NVCR_CN, 'dcgm'),
      nv('dcgmExporter', NVCR_K8S, 'dcgm-exporter'),
      nv('gfd', NVCR, 'k8s-device-plugin'),
      nv('migManager', NVCR_CN, 'k8s-mig-manager'),
      nv('nodeStatusExporter', NVCR, 'gpu-operator'),
      nv('gds', NVCR_CN, 'nvidia-fs'),
      nv('gdrcopy', NVCR_CN, 'gdrdrv'),
      nv('vgpuManager.driverManager', NVCR_CN, 'k8s-driver-manager'),
      nv('vgpuDeviceManager', NVCR_CN, 'vgpu-device-manager'),
      nv('vfioManager', NVCR_CN, 'k8s-driver-manager'),
      nv('vfioManager.driverManager', NVCR_CN, 'k8s-driver-manager'),
      nv('sandboxDevicePlugin', NVCR, 'kubevirt-gpu-device-plugin'),
      nv('kataSandboxDevicePlugin', NVCR_CN, 'nvidia-sandbox-device-plugin'),
      nv('ccManager', NVCR_CN, 'k8s-cc-manager'),
      nv('draDriver', NVCR, 'dra-driver-nvidia-gpu'),
      ref('node-feature-discovery.image.repository', 'registry.k8s.io/nfd/node-feature-discovery'),
    ],
    // ClusterPolicy takes plain Secret names; the NFD sub-chart takes `{ name }` refs.
    pullSecrets: [...GPU_OPERATOR_COMPONENTS_WITH_SECRETS.map((c) => names(`${c}.imagePullSecrets`)), refs('node-feature-discovery.imagePullSecrets')],
    blockers: [
      {
        path: 'kataManager.enabled',
        reason: 'the Kata manager pulls its artifacts from the URLs in kataManager.config (nvcr.io by default)',
        fix: 'leave kataManager disabled, or mirror the artifacts and set kataManager.config yourself without a mirror',
      },
    ],
    notMirrored: {
      'vgpuManager.repository': 'the vGPU manager image is built by the site from the licensed driver; it has no upstream to mirror',
      'vgpuManager.image': 'name of the site-built vGPU manager image (see vgpuManager.repository)',
    },
  },
  'network-operator': {
    images: [
      nv('operator', NVCR_CN, 'network-operator'),
      nv('operator.ofedDriver.initContainer', MELLANOX, 'network-operator-init-container'),
      ref('node-feature-discovery.image.repository', `${MELLANOX}/node-feature-discovery`),
      ref('sriov-network-operator.images.operator', `${MELLANOX}/sriov-network-operator:network-operator-v26.4.1`),
      ref('sriov-network-operator.images.sriovConfigDaemon', `${MELLANOX}/sriov-network-operator-config-daemon:network-operator-v26.4.1`),
      ref('sriov-network-operator.images.sriovCni', `${MELLANOX}/sriov-cni:network-operator-v26.4.1`),
      ref('sriov-network-operator.images.ibSriovCni', `${MELLANOX}/ib-sriov-cni:network-operator-v26.4.1`),
      ref('sriov-network-operator.images.ovsCni', `${MELLANOX}/ovs-cni-plugin:network-operator-v26.4.1`),
      ref('sriov-network-operator.images.rdmaCni', `${MELLANOX}/rdma-cni:network-operator-v26.4.1`),
      ref('sriov-network-operator.images.sriovDevicePlugin', `${MELLANOX}/sriov-network-device-plugin:network-operator-v26.4.1`),
      ref('sriov-network-operator.images.sriovDraDriver', `${MELLANOX}/dra-driver-sriov:network-operator-v26.4.1`),
      ref('sriov-network-operator.images.resourcesInjector', 'ghcr.io/k8snetworkplumbingwg/network-resources-injector:v1.7.0'),
      ref('sriov-network-operator.images.webhook', `${MELLANOX}/sriov-network-operator-webhook:network-operator-v26.4.1`),
      // Not overridden by the parent chart: the sub-chart's own defaults apply.
      ref('sriov-network-operator.images.metricsExporter', 'ghcr.io/k8snetworkplumbingwg/sriov-network-metrics-exporter'),
      ref('sriov-network-operator.images.metricsExporterKubeRbacProxy', 'quay.io/brancz/kube-rbac-proxy:v0.21.2'),
      { kind: 'prefix', path: 'maintenance-operator-chart.operator.image', nameKey: 'name', upstreamPrefix: MELLANOX, upstreamName: 'maintenance-operator' },
    ],
    pullSecrets: [
      names('imagePullSecrets'),
      // operator.imagePullSecrets replaces the top-level list when set, so extend it too.
      { path: 'operator.imagePullSecrets', form: 'names', ifSet: true },
      refs('node-feature-discovery.imagePullSecrets'),
      names('sriov-network-operator.imagePullSecrets'),
      refs('maintenance-operator-chart.imagePullSecrets'),
    ],
    blockers: [],
    notMirrored: {},
  },
  'node-feature-discovery': {
    images: [ref('image.repository', 'registry.k8s.io/nfd/node-feature-discovery')],
    pullSecrets: [refs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  'kube-prometheus-stack': {
    // global.imageRegistry would replace every registry host with one value, dropping the
    // upstream host (quay.io, ghcr.io, docker.io, registry.k8s.io) from the mirror path,
    // so each image's own `registry` is set instead.
    images: [
      reg('crds.upgradeJob.image.busybox', 'docker.io', 'busybox'),
      reg('crds.upgradeJob.image.kubectl', 'registry.k8s.io', 'kubectl'),
      reg('alertmanager.alertmanagerSpec.image', 'quay.io', 'prometheus/alertmanager'),
      reg('prometheusOperator.image', 'quay.io', 'prometheus-operator/prometheus-operator'),
      reg('prometheusOperator.admissionWebhooks.deployment.image', 'quay.io', 'prometheus-operator/admission-webhook'),
      reg('prometheusOperator.admissionWebhooks.patch.image', 'ghcr.io', 'jkroepke/kube-webhook-certgen'),
      reg('prometheusOperator.prometheusConfigReloader.image', 'quay.io', 'prometheus-operator/prometheus-config-reloader'),
      reg('prometheusOperator.thanosImage', 'quay.io', 'thanos/thanos'),
      reg('prometheus.prometheusSpec.image', 'quay.io', 'prometheus/prometheus'),
      reg('thanosRuler.thanosRulerSpec.image', 'quay.io', 'thanos/thanos'),
      reg('grafana.image', 'docker.io', 'grafana/grafana'),
      reg('grafana.sidecar.image', 'quay.io', 'kiwigrid/k8s-sidecar'),
      reg('grafana.initChownData.image', 'docker.io', 'library/busybox'),
      reg('grafana.downloadDashboardsImage', 'docker.io', 'curlimages/curl'),
      reg('grafana.testFramework.image', 'docker.io', 'bats/bats'),
      reg('grafana.imageRenderer.image', 'docker.io', 'grafana/grafana-image-renderer'),
      reg('kube-state-metrics.image', 'registry.k8s.io', 'kube-state-metrics/kube-state-metrics'),
      reg('kube-state-metrics.kubeRBACProxy.image', 'quay.io', 'brancz/kube-rbac-proxy'),
      reg('prometheus-node-exporter.image', 'quay.io', 'prometheus/node-exporter'),
      reg('prometheus-node-exporter.kubeRBACProxy.image', 'quay.io', 'brancz/kube-rbac-proxy'),
      reg('prometheus-node-exporter.permissionInitContainer.image', 'quay.io', 'prometheus/busybox'),
    ],
    // `global` is shared with grafana, kube-state-metrics and node-exporter.
    pullSecrets: [refs('global.imagePullSecrets')],
    blockers: [
      {
        path: 'global.imageRegistry',
        reason: 'it replaces every image registry of the chart and its sub-charts with one value, dropping the upstream host from the mirror path',
        fix: 'leave global.imageRegistry unset; the mirror sets each image registry',
      },
      {
        path: 'grafana.global.imageRegistry',
        reason: 'it replaces every grafana image registry with one value, dropping the upstream host from the mirror path',
        fix: 'leave grafana.global.imageRegistry unset; the mirror sets each image registry',
      },
      {
        path: 'windowsMonitoring.enabled',
        reason: 'the prometheus-windows-exporter sub-chart is not pinned here, so its images are not mirrored',
        fix: 'leave windowsMonitoring disabled (AI factories run Linux nodes)',
      },
    ],
    notMirrored: {},
  },
  'cert-manager': {
    // imageRegistry (may carry a path) covers all five images unless a component sets a full
    // image.repository, which is mirrored where set.
    images: [
      { kind: 'host', path: 'imageRegistry', upstream: 'quay.io' },
      optionalRef('image.repository'),
      optionalRef('webhook.image.repository'),
      optionalRef('cainjector.image.repository'),
      optionalRef('acmesolver.image.repository'),
      optionalRef('startupapicheck.image.repository'),
    ],
    pullSecrets: [refs('global.imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  kueue: {
    images: [
      ref('controllerManager.manager.image.repository', 'registry.k8s.io/kueue/kueue'),
      ref('kueueViz.backend.image.repository', 'registry.k8s.io/kueue/kueueviz-backend'),
      ref('kueueViz.frontend.image.repository', 'registry.k8s.io/kueue/kueueviz-frontend'),
    ],
    pullSecrets: [refs('controllerManager.imagePullSecrets'), refs('kueueViz.backend.imagePullSecrets'), refs('kueueViz.frontend.imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  'amd-gpu-operator': {
    images: [
      ref('controllerManager.manager.image.repository', 'docker.io/rocm/amd-gpu-operator'),
      ref('deviceConfig.spec.commonConfig.initContainerImage', 'busybox:1.36'),
      ref('deviceConfig.spec.commonConfig.utilsContainer.image', 'docker.io/rocm/amd-gpu-operator-utils:latest'),
      ref('deviceConfig.spec.devicePlugin.devicePluginImage', 'rocm/k8s-device-plugin:latest'),
      ref('deviceConfig.spec.devicePlugin.nodeLabellerImage', 'rocm/k8s-device-plugin:labeller-latest'),
      ref('deviceConfig.spec.metricsExporter.image', 'docker.io/rocm/device-metrics-exporter:latest'),
      ref('deviceConfig.spec.metricsExporter.rbacConfig.image', 'quay.io/brancz/kube-rbac-proxy:v0.18.1'),
      ref('deviceConfig.spec.testRunner.image', 'docker.io/rocm/test-runner:latest'),
      ref('deviceConfig.spec.configManager.image', 'docker.io/rocm/device-config-manager:latest'),
      ref('deviceConfig.spec.draDriver.image', 'docker.io/rocm/k8s-gpu-dra-driver:latest'),
      ref('deviceConfig.spec.remediationWorkflow.testerImage', 'docker.io/rocm/test-runner:latest'),
      optionalRef('deviceConfig.spec.remediationWorkflow.configMapImage'),
      ref('remediation.controller.image', 'quay.io/argoproj/workflow-controller:v4.0.3'),
      ref('kmm.controller.manager.image.repository', 'docker.io/rocm/kernel-module-management-operator'),
      ref('kmm.controller.manager.env.relatedImageBuild', 'gcr.io/kaniko-project/executor:v1.23.2'),
      ref('kmm.controller.manager.env.relatedImageSign', 'docker.io/rocm/kernel-module-management-signimage:latest'),
      ref('kmm.controller.manager.env.relatedImageWorker', 'docker.io/rocm/kernel-module-management-worker:latest'),
      ref('kmm.webhookServer.webhookServer.image.repository', 'docker.io/rocm/kernel-module-management-webhook-server'),
      ref('node-feature-discovery.image.repository', 'registry.k8s.io/nfd/node-feature-discovery'),
    ],
    // global.imagePullSecrets reaches the operator, KMM, remediation and every DeviceConfig
    // operand; the NFD sub-chart does not inherit it.
    pullSecrets: [refs('global.imagePullSecrets'), refs('node-feature-discovery.imagePullSecrets')],
    blockers: [
      {
        path: 'deviceConfig.spec.remediationWorkflow.enable',
        reason: 'remediation workflows run Argo executor pods whose image (quay.io/argoproj/argoexec) the chart cannot set',
        fix: 'leave remediation workflows disabled in mirrored installs',
      },
    ],
    notMirrored: {
      'deviceConfig.spec.driver.image': 'where KMM stores the driver images it builds: a destination in the site registry, not an upstream',
    },
  },
  'slurm-operator-crds': NO_IMAGES,
  'slurm-operator': {
    images: [
      ref('operator.image.repository', 'ghcr.io/slinkyproject/slurm-operator'),
      ref('webhook.image.repository', 'ghcr.io/slinkyproject/slurm-operator-webhook'),
    ],
    pullSecrets: [refs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  slurm: {
    images: [
      ref('controller.slurmctld.image.repository', 'ghcr.io/slinkyproject/slurmctld'),
      ref('controller.reconfigure.image.repository', 'ghcr.io/slinkyproject/slurmctld'),
      ref('controller.logfile.image.repository', 'docker.io/library/alpine'),
      ref('restapi.slurmrestd.image.repository', 'ghcr.io/slinkyproject/slurmrestd'),
      ref('accounting.slurmdbd.image.repository', 'ghcr.io/slinkyproject/slurmdbd'),
      ref('loginsetDefaults.login.image.repository', 'ghcr.io/slinkyproject/login'),
      ref('loginsetDefaults.initconf.image.repository', 'docker.io/library/alpine'),
      ref('nodesetDefaults.slurmd.image.repository', 'ghcr.io/slinkyproject/slurmd'),
      ref('nodesetDefaults.logfile.image.repository', 'docker.io/library/alpine'),
      // Entries inherit the defaults above; only images an entry overrides need rewriting.
      optionalRef('nodesets.*.slurmd.image.repository'),
      optionalRef('nodesets.*.logfile.image.repository'),
      optionalRef('loginsets.*.login.image.repository'),
      optionalRef('loginsets.*.initconf.image.repository'),
    ],
    pullSecrets: [refs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  'rook-ceph': {
    images: [
      ref('image.repository', 'docker.io/rook/ceph'),
      ref('csi.cephcsi.repository', 'quay.io/cephcsi/cephcsi'),
      ref('csi.registrar.repository', 'registry.k8s.io/sig-storage/csi-node-driver-registrar'),
      ref('csi.provisioner.repository', 'registry.k8s.io/sig-storage/csi-provisioner'),
      ref('csi.snapshotter.repository', 'registry.k8s.io/sig-storage/csi-snapshotter'),
      ref('csi.attacher.repository', 'registry.k8s.io/sig-storage/csi-attacher'),
      ref('csi.resizer.repository', 'registry.k8s.io/sig-storage/csi-resizer'),
      ref('csi.csiAddons.repository', 'quay.io/csiaddons/k8s-sidecar'),
      ref('ceph-csi-operator.controllerManager.manager.image.repository', 'quay.io/cephcsi/ceph-csi-operator'),
    ],
    // Rook adds imagePullSecrets to every service account it creates, CephCluster pods included.
    pullSecrets: [refs('imagePullSecrets'), refs('ceph-csi-operator.imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  'rook-ceph-cluster': {
    // The toolbox falls back to cephImage unless toolbox.image / toolbox.repository is set.
    images: [ref('cephImage.repository', 'quay.io/ceph/ceph'), optionalRef('toolbox.image'), optionalRef('toolbox.repository')],
    // No pull Secret key: CephCluster pods run under service accounts of the rook-ceph chart.
    pullSecrets: [],
    blockers: [],
    notMirrored: {},
  },
  'csi-driver-nfs': {
    // baseRepo prefixes every sidecar repository (`/sig-storage/…`) and a relative
    // image.nfs.repository; the default image.nfs.repository is absolute and mirrored itself.
    images: [{ kind: 'host', path: 'image.baseRepo', upstream: 'registry.k8s.io' }, ref('image.nfs.repository', 'registry.k8s.io/sig-storage/nfsplugin')],
    pullSecrets: [refs('imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  'minio-operator': {
    images: [
      ref('operator.image.repository', 'quay.io/minio/operator'),
      // Without operator.sidecarImage the operator injects its built-in quay.io sidecar into
      // tenant pods (pkg/resources/statefulsets/minio-sidecar.go at v7.1.1).
      { kind: 'reference', path: 'operator.sidecarImage.repository', upstream: 'quay.io/minio/operator-sidecar', defaults: { 'operator.sidecarImage.tag': 'v7.0.1' } },
    ],
    pullSecrets: [refs('operator.imagePullSecrets')],
    blockers: [],
    notMirrored: {},
  },
  'minio-tenant': {
    images: [ref('tenant.image.repository', 'quay.io/minio/minio')],
    pullSecrets: [{ path: 'tenant.imagePullSecret', form: 'ref' }],
    blockers: [
      {
        path: 'tenant.kes',
        reason: 'KES defaults to the operator\'s built-in Docker Hub image (minio/kes)',
        fix: 'set tenant.kes.image.repository to a mirrored image, or run without KES',
      },
    ],
    notMirrored: {},
  },
  jupyterhub: {
    images: [
      ref('hub.image.name', 'quay.io/jupyterhub/k8s-hub'),
      ref('proxy.chp.image.name', 'quay.io/jupyterhub/configurable-http-proxy'),
      ref('proxy.traefik.image.name', 'traefik'),
      ref('proxy.secretSync.image.name', 'quay.io/jupyterhub/k8s-secret-sync'),
      ref('singleuser.image.name', 'quay.io/jupyterhub/k8s-singleuser-sample'),
      ref('singleuser.networkTools.image.name', 'quay.io/jupyterhub/k8s-network-tools'),
      ref('scheduling.userScheduler.image.name', 'registry.k8s.io/kube-scheduler'),
      ref('scheduling.userPlaceholder.image.name', 'registry.k8s.io/pause'),
      ref('prePuller.hook.image.name', 'quay.io/jupyterhub/k8s-image-awaiter'),
      ref('prePuller.pause.image.name', 'registry.k8s.io/pause'),
      optionalRef('prePuller.extraImages.*.name'),
    ],
    pullSecrets: [names('imagePullSecrets')],
    blockers: [],
    notMirrored: {
      'singleuser.profileList[].kubespawner_override.image': 'notebook images chosen per profile are the caller\'s; pass mirrorImage() results',
    },
  },
  mlflow: {
    images: [
      ref('image.repository', 'burakince/mlflow'),
      ref('initImages.dbchecker.repository', 'busybox'),
      ref('initImages.mlflowDbMigration.repository', 'burakince/mlflow'),
      ref('initImages.iniFileInitializer.repository', 'busybox'),
      ref('oauth2Proxy.image.repository', 'quay.io/oauth2-proxy/oauth2-proxy'),
    ],
    pullSecrets: [refs('imagePullSecrets')],
    blockers: [
      { path: 'postgresql.enabled', reason: 'the Bitnami PostgreSQL sub-chart is not pinned here, so its images are not mirrored', fix: 'use an external database (backendStore.postgres)' },
      { path: 'mysql.enabled', reason: 'the Bitnami MySQL sub-chart is not pinned here, so its images are not mirrored', fix: 'use an external database (backendStore.postgres)' },
      { path: 'minio.enabled', reason: 'the MinIO sub-chart is not pinned here, so its images are not mirrored', fix: 'use an external S3 store (artifactRoot.s3)' },
    ],
    notMirrored: {
      'postgresql.image.repository': 'sub-chart disabled and blocked in mirrored installs',
      'mysql.image.repository': 'sub-chart disabled and blocked in mirrored installs',
    },
  },
  lakefs: {
    images: [
      // Template default (templates/_helpers.tpl): the enterprise image when enterprise.enabled.
      {
        kind: 'reference',
        path: 'image.repository',
        upstream: (values) => (getPath(values, 'enterprise.enabled') === true ? 'treeverse/lakefs-enterprise' : 'treeverse/lakefs'),
      },
      // Template default (templates/mds/_mds.tpl).
      ref('mds.image.repository', 'treeverse/lakefs-enterprise'),
      ref('replication.image.repository', 'treeverse/replication'),
    ],
    pullSecrets: [{ path: 'image.privateRegistry.secretName', form: 'name', with: { 'image.privateRegistry.enabled': true } }],
    blockers: [
      { path: 'useDevPostgres', reason: 'the dev database pod uses the hard-coded image postgres:11', fix: 'use an external PostgreSQL (lakefsConfig database.postgres)' },
      { path: 's3Fallback.enabled', reason: 'the S3 fallback uses the hard-coded image andrewgaul/s3proxy', fix: 'leave s3Fallback disabled' },
      { path: 'gcpFallback.enabled', reason: 'the Cloud SQL proxy uses the hard-coded image eu.gcr.io/cloudsql-docker/gce-proxy', fix: 'leave gcpFallback disabled' },
    ],
    notMirrored: {},
  },
  'argo-workflows': {
    images: [
      ref('crds.upgradeJob.image.repository', 'registry.k8s.io/kubectl'),
      reg('controller.image', 'quay.io', 'argoproj/workflow-controller'),
      reg('executor.image', 'quay.io', 'argoproj/argoexec'),
      reg('server.image', 'quay.io', 'argoproj/argocli'),
    ],
    // Workflow pods pull argoexec under the workflow service account.
    pullSecrets: [refs('images.pullSecrets'), refs('crds.upgradeJob.imagePullSecrets'), refs('workflow.serviceAccount.pullSecrets')],
    blockers: [],
    notMirrored: {},
  },
};

function isSet(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (isJsonObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Concrete paths of a slot path, expanding `*` over the keys of maps the caller set. */
function expand(values: JsonObject, path: string): string[] {
  const star = path.indexOf('*');
  if (star < 0) return [path];
  const parent = path.slice(0, star - 1);
  const rest = path.slice(star + 1);
  const map = getPath(values, parent);
  if (!isJsonObject(map)) return [];
  return Object.keys(map).flatMap((key) => expand(values, `${parent}.${key}${rest}`));
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Splits a mirrored reference into `<imageRegistry>/<host>` and the path after it. */
function splitMirrored(mirrored: string, imageRegistry: string): { registry: string; repository: string } {
  const rest = mirrored.slice(imageRegistry.length + 1);
  const slash = rest.indexOf('/');
  return { registry: `${imageRegistry}/${rest.slice(0, slash)}`, repository: rest.slice(slash + 1) };
}

function imageWrites(slot: ImageSlot, values: JsonObject, imageRegistry: string): [string, JsonValue][] {
  switch (slot.kind) {
    case 'reference': {
      return expand(values, slot.path).flatMap((path): [string, JsonValue][] => {
        const current = str(getPath(values, path));
        // A repository starting with '/' is relative to a host key rewritten by a `host` slot.
        if (current?.startsWith('/')) return [];
        const upstream = typeof slot.upstream === 'function' ? slot.upstream(values) : slot.upstream;
        const image = current ?? (slot.optional ? undefined : upstream);
        if (image === undefined) return [];
        const extra = Object.entries(slot.defaults ?? {}).filter(([p]) => getPath(values, p) === undefined);
        return [[path, mirrorImage(image, imageRegistry)], ...extra];
      });
    }
    case 'registry': {
      const registry = str(getPath(values, `${slot.path}.registry`)) ?? slot.upstreamRegistry;
      const repository = str(getPath(values, `${slot.path}.repository`)) ?? slot.upstreamRepository;
      const split = splitMirrored(mirrorImage(`${registry}/${repository}`, imageRegistry), imageRegistry);
      return [
        [`${slot.path}.registry`, split.registry],
        [`${slot.path}.repository`, split.repository],
      ];
    }
    case 'prefix': {
      const prefix = str(getPath(values, `${slot.path}.repository`)) ?? slot.upstreamPrefix;
      const name = str(getPath(values, `${slot.path}.${slot.nameKey}`)) ?? slot.upstreamName;
      const mirrored = mirrorImage(`${prefix}/${name}`, imageRegistry);
      return [[`${slot.path}.repository`, mirrored.slice(0, -(name.length + 1))]];
    }
    case 'host': {
      const current = str(getPath(values, slot.path)) ?? slot.upstream;
      return [[slot.path, current.startsWith(`${imageRegistry}/`) ? current : `${imageRegistry}/${current}`]];
    }
  }
}

function pullSecretWrites(slot: PullSecretSlot, values: JsonObject, name: string): [string, JsonValue][] {
  const current = getPath(values, slot.path);
  if (slot.ifSet && current === undefined) return [];
  const list = isJsonArray(current) ? current : [];
  const has = (entry: JsonValue): boolean => entry === name || (isJsonObject(entry) && entry.name === name);
  const withKeys = Object.entries(slot.with ?? {});
  switch (slot.form) {
    case 'names':
      return [[slot.path, list.some(has) ? list : [...list, name]]];
    case 'refs':
      return [[slot.path, list.some(has) ? list : [...list, { name }]]];
    case 'ref':
      return [[slot.path, { name }]];
    case 'name':
      return [[slot.path, name], ...withKeys];
  }
}

/**
 * Problems that keep a chart from being mirrored with these values (see
 * {@link ChartMirrorSpec.blockers}), as `<path>: <problem>, got <value>; <fix>`.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export function mirrorProblems<C extends ChartId>(chart: C, values: ChartValues[C]): string[] {
  const json = toJsonObject(values);
  return MIRROR_SPECS[chart].blockers
    .filter((b) => isSet(getPath(json, b.path)))
    .map((b) => `${b.path}: ${b.reason}, got ${JSON.stringify(getPath(json, b.path))}; ${b.fix}`);
}

/**
 * The values overrides that point every image of `chart` (sub-charts included) at the mirror
 * and add the pull Secret. Image keys the caller set are mirrored from the caller's value,
 * the others from the chart default, so deep-merging the result over the caller's values
 * keeps the caller's choices. Lists of pull Secrets keep the caller's entries.
 *
 * @see https://helm.sh/docs/chart_template_guide/subcharts_and_globals/
 */
export function mirrorOverrides<C extends ChartId>(chart: C, values: ChartValues[C], mirror: ImageMirror): JsonObject {
  checkRegistry(mirror.imageRegistry);
  const json = toJsonObject(values);
  const spec = MIRROR_SPECS[chart];
  const writes = spec.images.flatMap((slot) => imageWrites(slot, json, mirror.imageRegistry));
  if (mirror.pullSecretName) {
    const secret = mirror.pullSecretName;
    writes.push(...spec.pullSecrets.flatMap((slot) => pullSecretWrites(slot, json, secret)));
  }
  return writes.reduce<JsonObject>((acc, [path, value]) => setPath(acc, path, value), {});
}
