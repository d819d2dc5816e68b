import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { synthesizedStack } from '../../constructs/charts/stack-file';
import { GpuNodePool } from '../../constructs/gpu/gpu-node-pool';
import { loadCatalogue } from '../../site-model/loader';
import { namespaceOrderingGaps } from '../../rehearsal/ordering';
import { catalogueSynth } from '../catalogue-synth';
import { SITES_DIR, testStack } from '../helpers';

/** A stack with the system namespace and one pool whose descriptor names it as given. */
function poolStack(descriptorNamespace: (ns: NamespaceV1) => string): unknown {
  const { stack, target } = testStack();
  const ns = new NamespaceV1(stack, 'SystemNamespace', { provider: target.kubernetes, metadata: { name: 'aif-system' } });
  new GpuNodePool(stack, 'Pool-h100', {
    target,
    siteId: 'xx-test',
    poolName: 'h100',
    accelerator: 'nvidia-h100-sxm',
    nodes: 2,
    acceleratorsPerNode: 8,
    cpusPerNode: 64,
    memoryGiBPerNode: 1024,
    interconnect: 'ethernet',
    descriptorNamespace: descriptorNamespace(ns),
  });
  return synthesizedStack(stack);
}

describe('namespace ordering gaps', () => {
  test("an object that names its stack's namespace as a literal races it (the 0.1 pool descriptor bug)", () => {
    const gaps = namespaceOrderingGaps(poolStack(() => 'aif-system'));
    expect(gaps.map((g) => [g.address.replace(/_[0-9A-F]{8}$/, ''), g.namespace])).toEqual([['kubernetes_config_map_v1.Pool-h100_Descriptor', 'aif-system']]);
  });

  test('a reference to the namespace orders it', () => {
    expect(namespaceOrderingGaps(poolStack((ns) => ns.metadata.name))).toEqual([]);
  });

  test('no stack of the catalogue has a gap', () => {
    for (const site of loadCatalogue(SITES_DIR)) {
      const { platform, workloads } = catalogueSynth(site.spec.id);
      for (const [layer, json] of [
        ['platform', platform],
        ['workloads', workloads],
      ] as const) {
        expect({ stack: `${site.spec.id}-${layer}`, gaps: namespaceOrderingGaps(json) }).toEqual({ stack: `${site.spec.id}-${layer}`, gaps: [] });
      }
    }
  });
});
