import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { parse } from 'yaml';
import { GpuNodePool, type GpuNodePoolProps } from '../../../constructs/gpu/gpu-node-pool';
import {
  AMD_DEVICE_PLUGIN_IMAGE,
  AMD_NFD_WORKER_TOLERATIONS,
  AMD_NODE_LABELLER_IMAGE,
  DEVICE_PLUGIN_CONFIG,
  GPU_OPERATOR_NFD_WORKER_TOLERATIONS,
  GpuPlatform,
  NVIDIA_DRIVER_VERSION,
  withTolerations,
  type GpuPlatformProps,
} from '../../../constructs/gpu/gpu-platform';
import type { Toleration } from '../../../constructs/charts/common-values';
import type { ChartId } from '../../../constructs/charts/registry';
import { H100_POOL, releaseValues, resourceCounts, resources, siteSpec, synthJson, type SynthJson, synthSite, testStack, thrownBy } from '../../helpers';
import { unknownChartKeys } from '../charts/chart-keys';

type Release = { name: string; chart: string; version: string; repository: string; namespace: string; values: string[]; depends_on?: string[] };

function releases(json: SynthJson): Record<string, Release> {
  return Object.fromEntries(resources(json, 'helm_release').map((r) => [(r as Release).name, r as Release]));
}

/** Pod Security level of every namespace of a stack, by name. */
function namespaceLevels(json: SynthJson): Record<string, string> {
  return Object.fromEntries(
    resources(json, 'kubernetes_namespace_v1').map((n) => {
      const meta = n.metadata as { name: string; labels: Record<string, string> };
      return [meta.name, meta.labels['pod-security.kubernetes.io/enforce']];
    }),
  );
}

/** The namespace a release installs into, resolved through the reference to the namespace resource it waits for. */
function releaseNamespace(json: SynthJson, release: Release): string {
  const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(release.namespace);
  if (!ref) return release.namespace;
  return (json.resource.kubernetes_namespace_v1[ref[1]].metadata as { name: string }).name;
}

/** The pool taint of each pool, as a toleration, and the vendor GPU taints. */
const POOL_H100: Toleration = { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' };
const NVIDIA_GPU: Toleration = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
const AMD_GPU: Toleration = { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
const CONTROL_PLANE: Toleration = { key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', value: '', effect: 'NoSchedule' };
const poolTaint = (pool: string): Toleration => ({ ...POOL_H100, value: pool });

/** Every release's values are real keys of its pinned chart. */
function expectRealKeys(json: SynthJson) {
  const ids: Record<string, ChartId> = { 'gpu-operator': 'gpu-operator', 'amd-gpu-operator': 'amd-gpu-operator', 'network-operator': 'network-operator' };
  for (const r of Object.values(releases(json))) expect([r.name, unknownChartKeys(ids[r.name], parse(r.values[0]) as object)]).toEqual([r.name, []]);
}

const nicClusterPolicies = (json: SynthJson) =>
  resources(json, 'kubernetes_manifest').filter((m) => (m.manifest as { kind: string }).kind === 'NicClusterPolicy');

/** Required props of an H100 pool; tests override what they exercise. */
const H100 = H100_POOL;

/**
 * A stack with the given pools (over the H100 pool's props), a ConfigMap standing in for the
 * monitoring stack the operators wait for, and the GPU platform; synthesized.
 */
function gpuPlatform(pools: readonly Partial<GpuNodePoolProps>[], props: Partial<GpuPlatformProps> = {}) {
  const { stack, target } = testStack();
  const built = pools.map((p) => new GpuNodePool(stack, `Pool-${p.poolName ?? H100.poolName}`, { ...H100, target, ...p }));
  const monitoring = new ConfigMapV1(stack, 'Monitoring', { provider: target.kubernetes, metadata: { name: 'monitoring-stand-in', namespace: 'monitoring' } });
  const construct = new GpuPlatform(stack, 'Gpu', { target, siteId: 'xx-test', pools: built, dependsOn: [monitoring], ...props });
  return { construct, pools: built, json: synthJson(stack) };
}

describe('GpuPlatform', () => {
  describe('defaults: an InfiniBand NVIDIA pool', () => {
    let json: SynthJson;
    let construct: GpuPlatform;
    beforeAll(() => {
      ({ json, construct } = gpuPlatform([{}]));
    });

    test('exactly the GPU Operator and the Network Operator, pinned, each in its own privileged namespace', () => {
      expect(resourceCounts(json)).toEqual({ helm_release: 2, kubernetes_namespace_v1: 2, kubernetes_config_map_v1: 2 });
      // Each release names the namespace resource, so it waits for the namespace it installs into.
      expect(Object.values(releases(json)).map((r) => r.namespace)).toEqual([
        expect.stringMatching(/^\$\{kubernetes_namespace_v1\./),
        expect.stringMatching(/^\$\{kubernetes_namespace_v1\./),
      ]);
      expect(
        Object.values(releases(json))
          .map((r) => [r.name, r.chart, r.version, releaseNamespace(json, r)])
          .sort(),
      ).toEqual([
        ['gpu-operator', 'gpu-operator', 'v26.7.0', 'gpu-operator'],
        ['network-operator', 'network-operator', '26.4.1', 'nvidia-network-operator'],
      ]);
      expect(namespaceLevels(json)).toEqual({ 'gpu-operator': 'privileged', 'nvidia-network-operator': 'privileged' });
      expect([construct.nvidia?.releaseName, construct.network?.releaseName, construct.amd]).toEqual(['gpu-operator', 'network-operator', undefined]);
    });

    test('the GPU Operator installs the pinned driver with GPUDirect RDMA, DCGM metrics and the bundled NFD', () => {
      const gpu = releaseValues(json, 'gpu-operator');
      expect(gpu.driver).toEqual({ enabled: true, version: NVIDIA_DRIVER_VERSION, kernelModuleType: 'open', rdma: { enabled: true, useHostMofed: true } });
      expect(gpu.nfd).toEqual({ enabled: true });
      expect(gpu.dcgmExporter).toEqual({ enabled: true, serviceMonitor: { enabled: true, interval: '30s' } });
      expect(gpu.mig).toEqual({ strategy: 'single' });
      expect(gpu.gdrcopy).toEqual({ enabled: true });
      expect(gpu.migManager).toEqual({ enabled: true });
    });

    test('without shared pools the device-plugin config holds only the exclusive default', () => {
      const config = releaseValues(json, 'gpu-operator').devicePlugin?.config ?? {};
      expect([config.name, config.create, config.default]).toEqual([DEVICE_PLUGIN_CONFIG, true, 'exclusive']);
      expect(Object.keys(config.data ?? {})).toEqual(['exclusive']);
      expect(parse(config.data?.exclusive ?? '')).toEqual({ version: 'v1' });
    });

    test('the Network Operator leaves NFD to the GPU Operator and installs after it', () => {
      const network = releaseValues(json, 'network-operator');
      expect(network.nfd).toEqual({ enabled: false, deployNodeFeatureRules: true });
      expect(network.sriovNetworkOperator).toEqual({ enabled: false });
      expect(releases(json)['network-operator'].depends_on?.filter((d) => d.startsWith('helm_release.'))).toHaveLength(1);
    });

    test('both operators wait for their namespace and for what dependsOn names (the monitoring stack)', () => {
      for (const r of Object.values(releases(json))) {
        expect([r.name, r.depends_on?.filter((d) => d.startsWith('kubernetes_config_map_v1.')).length]).toEqual([r.name, 1]);
        expect([r.name, r.depends_on?.filter((d) => d.startsWith('kubernetes_namespace_v1.')).length]).toEqual([r.name, 1]);
      }
    });

    test("every operand DaemonSet tolerates the pool's taint and the NVIDIA GPU taint", () => {
      expect(releaseValues(json, 'gpu-operator').daemonsets).toEqual({ tolerations: [POOL_H100, NVIDIA_GPU] });
    });

    test("the NFD worker keeps the chart's tolerations (control plane, NVIDIA GPUs) and adds the pool's", () => {
      expect(releaseValues(json, 'gpu-operator')['node-feature-discovery']).toEqual({ worker: { tolerations: [CONTROL_PLANE, NVIDIA_GPU, POOL_H100] } });
    });

    test("the Network Operator's own values run no node agent: its NFD and SR-IOV operator are off (the NicClusterPolicy runs them)", () => {
      const network = releaseValues(json, 'network-operator');
      expect([network.nfd?.enabled, network.sriovNetworkOperator?.enabled, network.maintenanceOperator?.enabled ?? false]).toEqual([false, false, false]);
    });

    test('every value is a real key of its chart', () => {
      expectRealKeys(json);
    });
  });

  describe('props: serviceMonitors, nvidiaDriverVersion and mirror', () => {
    const mirror = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts' };
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = gpuPlatform([{}], { serviceMonitors: false, nvidiaDriverVersion: '580.95.05', mirror }));
    });

    test('serviceMonitors: false keeps DCGM metrics but creates no ServiceMonitor', () => {
      const dcgm = releaseValues(json, 'gpu-operator').dcgmExporter;
      expect([dcgm?.enabled, dcgm?.serviceMonitor]).toEqual([true, { enabled: false, interval: '30s' }]);
    });

    test('nvidiaDriverVersion replaces the pinned driver', () => {
      expect(releaseValues(json, 'gpu-operator').driver?.version).toBe('580.95.05');
    });

    test('the mirror serves every operator chart', () => {
      expect(Object.values(releases(json)).map((r) => [r.name, r.repository])).toEqual([
        ['gpu-operator', mirror.chartRepository],
        ['network-operator', mirror.chartRepository],
      ]);
    });
  });

  describe('time-slicing and MIG pools', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = gpuPlatform([
        {},
        {
          poolName: 'shared',
          accelerator: 'nvidia-h200-sxm',
          nodes: 2,
          cpusPerNode: 64,
          memoryGiBPerNode: 1024,
          interconnect: 'ethernet',
          sharing: { mode: 'time-slicing', replicas: 4 },
        },
        { poolName: 'mig', sharing: { mode: 'mig', profile: '3g.40gb' } },
      ]));
    });

    test('time-slicing goes into the device-plugin config, renamed to a shared resource; MIG pools add no entry', () => {
      const config = releaseValues(json, 'gpu-operator').devicePlugin?.config ?? {};
      expect(config.name).toBe(DEVICE_PLUGIN_CONFIG);
      expect(config.create).toBe(true);
      expect(config.default).toBe('exclusive');
      expect(Object.keys(config.data ?? {}).sort()).toEqual(['exclusive', 'shared']);
      expect(parse(config.data?.shared ?? '')).toEqual({
        version: 'v1',
        sharing: { timeSlicing: { renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } },
      });
      expect(parse(config.data?.exclusive ?? '')).toEqual({ version: 'v1' });
    });

    test('a MIG pool switches the MIG strategy to mixed, with the MIG manager on', () => {
      expect(releaseValues(json, 'gpu-operator').mig).toEqual({ strategy: 'mixed' });
      expect(releaseValues(json, 'gpu-operator').migManager).toEqual({ enabled: true });
    });

    test('node agents tolerate the taint of every pool, and the shared NVIDIA GPU taint once', () => {
      const agents = [POOL_H100, NVIDIA_GPU, poolTaint('shared'), poolTaint('mig')];
      expect(releaseValues(json, 'gpu-operator').daemonsets?.tolerations).toEqual(agents);
      expect(releaseValues(json, 'gpu-operator')['node-feature-discovery']?.worker?.tolerations).toEqual([
        CONTROL_PLANE,
        NVIDIA_GPU,
        POOL_H100,
        poolTaint('shared'),
        poolTaint('mig'),
      ]);
    });

    test('one InfiniBand pool among them is enough for RDMA and the Network Operator', () => {
      expect(releaseValues(json, 'gpu-operator').driver?.rdma).toEqual({ enabled: true, useHostMofed: true });
      expect(Object.keys(releases(json)).sort()).toEqual(['gpu-operator', 'network-operator']);
    });
  });

  describe('Ethernet only', () => {
    let json: SynthJson;
    let construct: GpuPlatform;
    beforeAll(() => {
      ({ json, construct } = gpuPlatform([{ interconnect: 'ethernet' }]));
    });

    test('no Network Operator, no GPUDirect RDMA and no GDRCopy', () => {
      expect(resourceCounts(json)).toEqual({ helm_release: 1, kubernetes_namespace_v1: 1, kubernetes_config_map_v1: 2 });
      expect(releases(json)['network-operator']).toBeUndefined();
      expect(construct.network).toBeUndefined();
      const gpu = releaseValues(json, 'gpu-operator');
      expect(gpu.driver?.rdma).toBeUndefined();
      expect(gpu.gdrcopy).toBeUndefined();
    });
  });

  describe('AMD pools only', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = gpuPlatform([{ poolName: 'mi300x', accelerator: 'amd-mi300x' }]));
    });

    test('the AMD GPU operator, with its own NFD, instead of the GPU Operator', () => {
      expect(releases(json)['gpu-operator']).toBeUndefined();
      const amd = releases(json)['amd-gpu-operator'];
      expect([amd.chart, releaseNamespace(json, amd)]).toEqual(['gpu-operator-charts', 'kube-amd-gpu']);
      expect(releaseValues(json, 'amd-gpu-operator')['node-feature-discovery']?.enabled).toBe(true);
      expect(namespaceLevels(json)).toEqual({ 'kube-amd-gpu': 'privileged', 'nvidia-network-operator': 'privileged' });
    });

    test('the device plugin and node labeller run pinned images, the kernel driver comes with the node image', () => {
      const values = releaseValues(json, 'amd-gpu-operator');
      expect(values.deviceConfig?.spec?.devicePlugin).toMatchObject({
        enableDevicePlugin: true,
        devicePluginImage: AMD_DEVICE_PLUGIN_IMAGE,
        enableNodeLabeller: true,
        nodeLabellerImage: AMD_NODE_LABELLER_IMAGE,
      });
      expect(values.deviceConfig?.spec?.driver).toEqual({ enable: false });
      expect([values.kmm, values.remediation]).toEqual([{ enabled: false }, { enabled: false }]);
    });

    test("the device plugin, node labeller and metrics exporter tolerate the pool's taint and the AMD GPU taint", () => {
      const spec = releaseValues(json, 'amd-gpu-operator').deviceConfig?.spec;
      const agents = [poolTaint('mi300x'), AMD_GPU];
      expect([spec?.devicePlugin?.devicePluginTolerations, spec?.devicePlugin?.nodeLabellerTolerations, spec?.metricsExporter?.tolerations]).toEqual([
        agents,
        agents,
        agents,
      ]);
    });

    test("the AMD chart's own NFD worker keeps its tolerations and adds the pool's", () => {
      expect(releaseValues(json, 'amd-gpu-operator')['node-feature-discovery']).toEqual({
        enabled: true,
        worker: { tolerations: [...AMD_NFD_WORKER_TOLERATIONS, poolTaint('mi300x'), AMD_GPU] },
      });
    });

    test('every value is a real key of its chart', () => {
      expectRealKeys(json);
    });
  });

  describe('AMD pools beside NVIDIA pools', () => {
    let json: SynthJson;
    beforeAll(() => {
      ({ json } = gpuPlatform([{}, { poolName: 'mi300', accelerator: 'amd-mi300x', nodes: 2, cpusPerNode: 64, memoryGiBPerNode: 1024 }]));
    });

    test("both operators, and one NFD only: the GPU Operator's", () => {
      expect(Object.keys(releases(json)).sort()).toEqual(['amd-gpu-operator', 'gpu-operator', 'network-operator']);
      expect(releaseValues(json, 'amd-gpu-operator')['node-feature-discovery']).toEqual({ enabled: false });
      expect(releaseValues(json, 'gpu-operator').nfd).toEqual({ enabled: true });
    });

    test("the GPU Operator's NFD worker labels the AMD pool's nodes too, and both operators tolerate both pools", () => {
      const agents = [POOL_H100, NVIDIA_GPU, poolTaint('mi300'), AMD_GPU];
      expect(releaseValues(json, 'gpu-operator')['node-feature-discovery']?.worker?.tolerations).toEqual(
        withTolerations(GPU_OPERATOR_NFD_WORKER_TOLERATIONS, agents),
      );
      expect(releaseValues(json, 'gpu-operator').daemonsets?.tolerations).toEqual(agents);
      expect(releaseValues(json, 'amd-gpu-operator').deviceConfig?.spec?.devicePlugin?.devicePluginTolerations).toEqual(agents);
    });

    test('every value is a real key of its chart', () => {
      expectRealKeys(json);
    });
  });

  describe('withTolerations', () => {
    test("keeps the chart's defaults first and adds only what they lack", () => {
      expect(withTolerations([CONTROL_PLANE, NVIDIA_GPU], [POOL_H100, NVIDIA_GPU])).toEqual([CONTROL_PLANE, NVIDIA_GPU, POOL_H100]);
    });

    test('an omitted operator is Equal and an omitted value is empty, as Kubernetes reads them', () => {
      expect(withTolerations([{ key: 'k', effect: 'NoSchedule' }], [{ key: 'k', operator: 'Equal', value: '', effect: 'NoSchedule' }])).toHaveLength(1);
      expect(withTolerations([{ key: 'k', effect: 'NoSchedule' }], [{ key: 'k', effect: 'NoExecute' }])).toHaveLength(2);
    });
  });

  describe('validation', () => {
    test('pools whose vendor has no pinned operator are named with their accelerator', () => {
      const { stack, target } = testStack();
      const gaudi = new GpuNodePool(stack, 'Gaudi', { ...H100, target, poolName: 'gaudi', accelerator: 'intel-gaudi3' });
      expect(thrownBy(() => new GpuPlatform(stack, 'Gpu', { target, siteId: 'xx-test', pools: [gaudi] }))).toBe(
        'GpuPlatform: pools gaudi (intel-gaudi3) need an operator this project does not pin yet',
      );
    });
  });
});

describe('GPU platform in a site (stack wiring)', () => {
  describe('the minimal InfiniBand NVIDIA site', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    beforeAll(() => {
      ({ platform, workloads } = synthSite(siteSpec()));
    });

    test('gets monitoring, the GPU Operator, the Network Operator and Kueue, pinned', () => {
      expect(
        Object.values(releases(platform))
          .map((x) => [x.name, x.chart, x.version])
          .sort(),
      ).toEqual([
        // The fixture's NFS project tier brings the NFS CSI driver.
        ['csi-driver-nfs', 'csi-driver-nfs', '4.13.4'],
        ['gpu-operator', 'gpu-operator', 'v26.7.0'],
        ['kube-prometheus-stack', 'kube-prometheus-stack', '88.5.3'],
        ['kueue', 'kueue', '0.19.2'],
        ['network-operator', 'network-operator', '26.4.1'],
      ]);
    });

    test('the DCGM ServiceMonitor and Kueue wait for the Prometheus CRDs', () => {
      const kpsId = Object.entries(platform.resource.helm_release).find(([, r]) => r.name === 'kube-prometheus-stack')?.[0];
      expect(kpsId).toEqual(expect.any(String));
      expect(releases(platform)['gpu-operator'].depends_on).toContain(`helm_release.${kpsId}`);
      expect(releases(platform).kueue.depends_on).toContain(`helm_release.${kpsId}`);
    });

    test('the NicClusterPolicy is a custom resource of the workloads stack', () => {
      expect(nicClusterPolicies(platform)).toEqual([]);
      const [policy, ...more] = nicClusterPolicies(workloads);
      expect(more).toEqual([]);
      expect((policy.manifest as { spec: { rdmaSharedDevicePlugin: Record<string, unknown> } }).spec.rdmaSharedDevicePlugin).toMatchObject({
        image: 'k8s-rdma-shared-dev-plugin',
        repository: 'nvcr.io/nvidia/mellanox',
        version: 'network-operator-v26.4.1',
      });
    });

    test("the site's pool reaches every node agent: the GPU Operator's operands and the NicClusterPolicy's DaemonSets", () => {
      expect(releaseValues(platform, 'gpu-operator').daemonsets?.tolerations).toEqual([POOL_H100, NVIDIA_GPU]);
      expect((nicClusterPolicies(workloads)[0].manifest as { spec: { tolerations: unknown } }).spec.tolerations).toEqual([POOL_H100, NVIDIA_GPU]);
    });

    test('operator namespaces declare the privileged Pod Security level they need', () => {
      expect(namespaceLevels(platform)).toEqual({
        'aif-system': 'restricted',
        monitoring: 'privileged',
        'gpu-operator': 'privileged',
        'nvidia-network-operator': 'privileged',
      });
    });
  });

  describe('an Ethernet site with a MIG pool and a time-sliced pool', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    let pools: Readonly<Record<string, GpuNodePool>>;
    beforeAll(() => {
      const spec = siteSpec({
        gpuPools: {
          h100: { interconnect: 'ethernet', sharing: { mode: 'mig', profile: '3g.40gb' } },
          shared: {
            accelerator: 'nvidia-h200-sxm',
            nodes: 2,
            acceleratorsPerNode: 8,
            cpusPerNode: 64,
            memoryGiBPerNode: 1024,
            interconnect: 'ethernet',
            sharing: { mode: 'time-slicing', replicas: 4 },
          },
        },
      });
      const site = synthSite(spec);
      ({ platform, workloads } = site);
      pools = site.stacks.platform.pools;
    });

    test('has no Network Operator and no NicClusterPolicy', () => {
      expect(releases(platform)['network-operator']).toBeUndefined();
      expect(releaseValues(platform, 'gpu-operator').driver?.rdma).toBeUndefined();
      expect(nicClusterPolicies(workloads)).toEqual([]);
    });

    test("the pools' sharing from the site file reaches the pools and the GPU Operator", () => {
      expect(pools.h100.nodeLabels).toEqual({ 'ai-factory.eu/pool': 'h100', 'nvidia.com/mig.config': 'all-3g.40gb' });
      expect(pools.h100.resourceName).toBe('nvidia.com/mig-3g.40gb');
      expect(pools.h100.schedulableUnits).toBe(4 * 8 * 2);
      expect(pools.shared.resourceName).toBe('nvidia.com/gpu.shared');
      const gpu = releaseValues(platform, 'gpu-operator');
      expect(gpu.mig).toEqual({ strategy: 'mixed' });
      expect(Object.keys(gpu.devicePlugin?.config?.data ?? {}).sort()).toEqual(['exclusive', 'shared']);
    });
  });
});
