import { GpuNodePool, type GpuNodePoolProps } from '../../../constructs/gpu/gpu-node-pool';
import { NicClusterPolicy, type NicClusterPolicyProps } from '../../../constructs/gpu/nic-cluster-policy';
import { builtOnce, H100_POOL, resourceCounts, resources, synthJson, testStack } from '../../helpers';

/** Required props of an H100 pool; tests override what they exercise. */
const H100 = H100_POOL;

interface PolicyManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: {
    readonly tolerations: readonly Record<string, string>[];
    readonly rdmaSharedDevicePlugin: { readonly image: string; readonly repository: string; readonly version: string; readonly config: string };
  };
}

/** A stack with the given pools and a NicClusterPolicy over them, synthesized once. */
const policyOnce = (pools: readonly Partial<GpuNodePoolProps>[], props: Partial<Omit<NicClusterPolicyProps, 'pools'>> = {}) =>
  builtOnce(() => {
    const { stack, target } = testStack();
    const built = pools.map((p) => new GpuNodePool(stack, `Pool-${p.poolName ?? H100.poolName}`, { ...H100, target, ...p }));
    new NicClusterPolicy(stack, 'Nic', { target, siteId: 'xx-test', pools: built, ...props });
    const json = synthJson(stack);
    const [manifest] = resources(json, 'kubernetes_manifest').map((m) => m.manifest as PolicyManifest);
    return { json, manifest };
  });

const taint = (pool: string) => ({ key: 'ai-factory.eu/pool', operator: 'Equal', value: pool, effect: 'NoSchedule' });
const NVIDIA_GPU = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

describe('NicClusterPolicy', () => {
  describe('defaults: one InfiniBand pool', () => {
    const fixture = policyOnce([{}]);

    test('exactly one cluster-scoped NicClusterPolicy, beside the pool descriptor', () => {
      const { json, manifest } = fixture();
      expect(resourceCounts(json)).toEqual({ kubernetes_manifest: 1, kubernetes_config_map_v1: 1 });
      expect([manifest.apiVersion, manifest.kind, manifest.metadata.name]).toEqual(['mellanox.com/v1alpha1', 'NicClusterPolicy', 'nic-cluster-policy']);
    });

    test("every DaemonSet of the policy tolerates the pool's taint and the NVIDIA GPU taint", () => {
      expect(fixture().manifest.spec.tolerations).toEqual([taint('h100'), NVIDIA_GPU]);
    });

    test('the RDMA shared device plugin from NVIDIA, at the Network Operator release, sharing 63 devices per Mellanox NIC', () => {
      const plugin = fixture().manifest.spec.rdmaSharedDevicePlugin;
      expect([plugin.image, plugin.repository, plugin.version]).toEqual(['k8s-rdma-shared-dev-plugin', 'nvcr.io/nvidia/mellanox', 'network-operator-v26.4.1']);
      expect(JSON.parse(plugin.config)).toEqual({
        configList: [{ resourceName: 'rdma_shared_device_a', rdmaHcaMax: 63, selectors: { vendors: ['15b3'] } }],
      });
    });
  });

  describe('pools: several, of two vendors', () => {
    const fixture = policyOnce([
      {},
      { poolName: 'h200', accelerator: 'nvidia-h200-sxm', interconnect: 'roce' },
      { poolName: 'mi300', accelerator: 'amd-mi300x' },
    ]);

    test("the policy's DaemonSets tolerate every pool of the cluster, RDMA or not", () => {
      expect(fixture().manifest.spec.tolerations).toEqual([
        taint('h100'),
        NVIDIA_GPU,
        taint('h200'),
        taint('mi300'),
        { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ]);
    });
  });

  describe('props: imageRegistry and rdmaHcaMax', () => {
    const fixture = policyOnce([{}], { imageRegistry: 'registry.site.eu/mirror', rdmaHcaMax: 16 });

    test('imageRegistry mirrors the plugin image; rdmaHcaMax sets the devices shared per NIC', () => {
      const plugin = fixture().manifest.spec.rdmaSharedDevicePlugin;
      expect(plugin.repository).toBe('registry.site.eu/mirror/nvcr.io/nvidia/mellanox');
      expect((JSON.parse(plugin.config) as { configList: { rdmaHcaMax: number }[] }).configList[0].rdmaHcaMax).toBe(16);
    });
  });
});
