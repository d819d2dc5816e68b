import { parse } from 'yaml';
import { DEVICE_PLUGIN_CONFIG, NVIDIA_DRIVER_VERSION } from '../../../constructs/gpu/gpu-platform';
import { releaseValues, resources, siteSpec, synthSite, type SynthJson } from '../../helpers';

type Release = { name: string; chart: string; version: string; repository: string; namespace: string; values: string[]; depends_on?: string[] };

function releases(json: SynthJson): Record<string, Release> {
  return Object.fromEntries(resources(json, 'helm_release').map((r) => [(r as Release).name, r as Release]));
}

describe('GPU platform', () => {
  test('an InfiniBand NVIDIA site gets monitoring, the GPU Operator, the Network Operator and Kueue, pinned', () => {
    const { platform } = synthSite(siteSpec());
    const r = releases(platform);
    expect(Object.values(r).map((x) => [x.name, x.chart, x.version]).sort()).toEqual([
      // The fixture's NFS project tier brings the NFS CSI driver.
      ['csi-driver-nfs', 'csi-driver-nfs', '4.13.4'],
      ['gpu-operator', 'gpu-operator', 'v26.7.0'],
      ['kube-prometheus-stack', 'kube-prometheus-stack', '88.5.3'],
      ['kueue', 'kueue', '0.19.2'],
      ['network-operator', 'network-operator', '26.4.1'],
    ]);
  });

  test('the GPU Operator installs the pinned driver with GPUDirect RDMA, DCGM metrics and the bundled NFD', () => {
    const gpu = releaseValues(synthSite(siteSpec()).platform, 'gpu-operator');
    expect(gpu.driver).toEqual({ enabled: true, version: NVIDIA_DRIVER_VERSION, kernelModuleType: 'open', rdma: { enabled: true, useHostMofed: true } });
    expect(gpu.nfd).toEqual({ enabled: true });
    expect(gpu.dcgmExporter).toEqual({ enabled: true, serviceMonitor: { enabled: true, interval: '30s' } });
    expect(gpu.mig).toEqual({ strategy: 'single' });
    expect(gpu.gdrcopy).toEqual({ enabled: true });
  });

  test('the DCGM ServiceMonitor waits for the Prometheus CRDs', () => {
    const { platform } = synthSite(siteSpec());
    const kpsId = Object.entries(platform.resource.helm_release).find(([, r]) => r.name === 'kube-prometheus-stack')?.[0];
    expect(releases(platform)['gpu-operator'].depends_on).toContain(`helm_release.${kpsId}`);
    expect(releases(platform).kueue.depends_on).toContain(`helm_release.${kpsId}`);
  });

  test('time-slicing goes into the device-plugin config, renamed to a shared resource', () => {
    const spec = siteSpec({
      gpuPools: { shared: { accelerator: 'nvidia-h200-sxm', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 64, memoryGiBPerNode: 1024, interconnect: 'ethernet', sharing: { mode: 'time-slicing', replicas: 4 } } },
    });
    const config = releaseValues(synthSite(spec).platform, 'gpu-operator').devicePlugin?.config ?? {};
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

  test('a MIG pool switches the MIG strategy to mixed and labels its nodes with its MIG layout', () => {
    const { platform, stacks } = synthSite(siteSpec({ gpuPools: { h100: { sharing: { mode: 'mig', profile: '3g.40gb' } } } }));
    expect(releaseValues(platform, 'gpu-operator').mig).toEqual({ strategy: 'mixed' });
    expect(releaseValues(platform, 'gpu-operator').migManager).toEqual({ enabled: true });
    expect(stacks.platform.pools.h100.nodeLabels).toEqual({ 'ai-factory.eu/pool': 'h100', 'nvidia.com/mig.config': 'all-3g.40gb' });
    expect(stacks.platform.pools.h100.resourceName).toBe('nvidia.com/mig-3g.40gb');
    expect(stacks.platform.pools.h100.schedulableUnits).toBe(4 * 8 * 2);
  });

  test('an Ethernet-only site has no Network Operator and no NicClusterPolicy', () => {
    const { platform, workloads } = synthSite(siteSpec({ gpuPools: { h100: { interconnect: 'ethernet' } } }));
    expect(releases(platform)['network-operator']).toBeUndefined();
    expect(releaseValues(platform, 'gpu-operator').driver?.rdma).toBeUndefined();
    expect(resources(workloads, 'kubernetes_manifest').filter((m) => (m.manifest as { kind: string }).kind === 'NicClusterPolicy')).toEqual([]);
  });

  test('the NicClusterPolicy is a custom resource of the workloads stack', () => {
    const { workloads } = synthSite(siteSpec());
    const [policy] = resources(workloads, 'kubernetes_manifest').filter((m) => (m.manifest as { kind: string }).kind === 'NicClusterPolicy');
    expect((policy.manifest as { spec: { rdmaSharedDevicePlugin: Record<string, unknown> } }).spec.rdmaSharedDevicePlugin).toMatchObject({
      image: 'k8s-rdma-shared-dev-plugin',
      repository: 'nvcr.io/nvidia/mellanox',
      version: 'network-operator-v26.4.1',
    });
  });

  test('AMD pools get the AMD GPU operator; with NVIDIA pools beside them, one NFD only', () => {
    const amdOnly = synthSite(siteSpec({ gpuPools: { h100: { accelerator: 'amd-mi300x' } } })).platform;
    expect(releases(amdOnly)['gpu-operator']).toBeUndefined();
    expect(releaseValues(amdOnly, 'amd-gpu-operator')['node-feature-discovery']).toEqual({ enabled: true });
    const mixed = synthSite(
      siteSpec({ gpuPools: { mi300: { accelerator: 'amd-mi300x', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 64, memoryGiBPerNode: 1024, interconnect: 'infiniband' } } }),
    ).platform;
    expect(releaseValues(mixed, 'amd-gpu-operator')['node-feature-discovery']).toEqual({ enabled: false });
    expect(releaseValues(mixed, 'gpu-operator').nfd).toEqual({ enabled: true });
  });

  test('operator namespaces declare the privileged Pod Security level they need', () => {
    const { platform } = synthSite(siteSpec());
    const levels = Object.fromEntries(
      resources(platform, 'kubernetes_namespace_v1').map((n) => {
        const meta = n.metadata as { name: string; labels: Record<string, string> };
        return [meta.name, meta.labels['pod-security.kubernetes.io/enforce']];
      }),
    );
    expect(levels).toEqual({ 'aif-system': 'restricted', monitoring: 'privileged', 'gpu-operator': 'privileged', 'nvidia-network-operator': 'privileged' });
  });
});
