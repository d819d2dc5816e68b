import { Construct } from 'constructs';
import { GpuNodePool } from '../../../constructs/gpu/gpu-node-pool';
import { addLabQuota, labQuotaHard } from '../../../constructs/labs/lab-quota';
import { IsolatedNamespace } from '../../../constructs/tenancy/isolated-namespace';
import { H100_POOL, resourceCounts, resourceNamed, type SynthJson, synthJson, testStack } from '../../helpers';

/** Required props of an H100 pool; tests override what they exercise. */
const H100 = H100_POOL;

type LimitRange = { spec: { limit: { type: string; default_request: Record<string, string>; default: Record<string, string> }[] } };

describe('lab quota', () => {
  let json: SynthJson;
  beforeAll(() => {
    const { stack, target } = testStack();
    const pool = new GpuNodePool(stack, 'Pool', { ...H100, target });
    for (const [name, gpusPerPool] of [
      ['big', 8],
      ['small', 1],
    ] as const) {
      const lab = new Construct(stack, `Lab-${name}`);
      const namespace = new IsolatedNamespace(lab, 'Namespace', { target, name: `lab-${name}`, isolationGroup: `lab-${name}` });
      addLabQuota(lab, { target, namespace, labels: {}, pools: [pool], gpusPerPool, storageClassName: 'aif-home', volumeQuotaTiB: 1 });
    }
    json = synthJson(stack);
  });

  test('exact resources: a quota and a LimitRange per lab (beside the namespaces and the pool descriptor)', () => {
    expect(resourceCounts(json)).toEqual({
      kubernetes_namespace_v1: 2,
      kubernetes_network_policy_v1: 6,
      kubernetes_config_map_v1: 1,
      kubernetes_resource_quota_v1: 2,
      kubernetes_limit_range_v1: 2,
    });
  });

  test('notebooks without resources get small requests and a whole GPU node as limits', () => {
    const limits = resourceNamed(json, 'kubernetes_limit_range_v1', 'lab-defaults', 'lab-big') as unknown as LimitRange;
    expect(limits.spec.limit).toEqual([{ type: 'Container', default_request: { cpu: '250m', memory: '512Mi' }, default: { cpu: '112', memory: '2048Gi' } }]);
  });

  test("limits never exceed the lab's quota: one GPU's CPU and memory plus the room for the lab's services", () => {
    const limits = resourceNamed(json, 'kubernetes_limit_range_v1', 'lab-defaults', 'lab-small') as unknown as LimitRange;
    expect(limits.spec.limit[0].default).toEqual({ cpu: String(14 + 16), memory: `${256 + 64}Gi` });
  });

  test('the quota counts requests only', () => {
    const { stack, target } = testStack();
    const hard = labQuotaHard([new GpuNodePool(stack, 'Pool', { ...H100, target })], 8, 'aif-home', 1);
    expect(hard).toMatchObject({ 'requests.nvidia.com/gpu': '8', 'requests.cpu': String(8 * 14 + 16), 'requests.memory': `${8 * 256 + 64}Gi` });
    expect(Object.keys(hard).filter((k) => k.startsWith('limits.'))).toEqual([]);
  });
});
