import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { Construct } from 'constructs';
import { GpuNodePool } from '../constructs/gpu/gpu-node-pool';
import { GpuPlatform } from '../constructs/gpu/gpu-platform';
import { KueueController } from '../constructs/scheduling/kueue/kueue-controller';
import { Observability } from '../constructs/observability/observability';
import { SlurmOperator } from '../constructs/scheduling/slurm/slurm-operator';
import { slurmInputsFromSite } from '../site-model/slurm-input';
import { addStoragePlatform, type StoragePlatform } from './storage-wiring';
import type { RegistryMirror } from '../constructs/charts/pinned-chart';
import { siteLabels } from '../constructs/core/labels';
import { SiteStack } from './site-stack';
import type { SiteSpec } from '../site-model/schema';

/** Namespace of the project's own descriptors on every cluster. */
export const SYSTEM_NAMESPACE = 'aif-system';

/**
 * The platform layer of a site: operators, CRDs and cluster-wide configuration. It must be
 * applied before the workloads layer, whose custom resources need these CRDs.
 */
export class PlatformStack extends SiteStack {
  /** GPU pools keyed by name. */
  readonly pools: Readonly<Record<string, GpuNodePool>>;
  /** Monitoring per cluster name. */
  readonly observability: Readonly<Record<string, Observability>>;
  /** GPU and network operators per cluster name. */
  readonly gpuPlatforms: Readonly<Record<string, GpuPlatform>>;
  /** Kueue controller per cluster name, when the site schedules with Kueue. */
  readonly kueue: Readonly<Record<string, KueueController>>;
  /** Slinky operator per cluster name that runs Slurm. */
  readonly slurm: Readonly<Record<string, SlurmOperator>>;
  /** Storage operators (csi-driver-nfs, Rook, MinIO) and data-lab CRDs per cluster name. */
  readonly storage: StoragePlatform;

  constructor(scope: Construct, spec: SiteSpec) {
    super(scope, spec, 'platform');
    const systemNamespaces = Object.fromEntries(
      this.targets.map((target) => {
        const scopeId = this.suffix(target.name);
        const ns = new NamespaceV1(this, `SystemNamespace${scopeId}`, {
          provider: target.kubernetes,
          metadata: { name: SYSTEM_NAMESPACE, labels: siteLabels(spec.id, { 'pod-security.kubernetes.io/enforce': 'restricted' }) },
        });
        new ConfigMapV1(this, `SiteInfo${scopeId}`, {
          provider: target.kubernetes,
          metadata: { name: 'site', namespace: SYSTEM_NAMESPACE, labels: siteLabels(spec.id) },
          data: {
            id: spec.id,
            name: spec.name,
            kind: spec.kind,
            country: spec.country,
            city: spec.city,
            hostInstitution: spec.hostInstitution,
            cluster: target.name,
            'assumptions.json': JSON.stringify(spec.assumptions, null, 2),
          },
          dependsOn: [ns],
        });
        return [target.name, ns];
      }),
    );

    this.pools = Object.fromEntries(
      Object.entries(spec.gpuPools).map(([name, pool]) => {
        const cluster = this.poolCluster(name);
        const construct = new GpuNodePool(this, `Pool-${name}`, {
          target: this.target(cluster),
          siteId: spec.id,
          poolName: name,
          accelerator: pool.accelerator,
          nodes: pool.nodes,
          acceleratorsPerNode: pool.acceleratorsPerNode,
          cpusPerNode: pool.cpusPerNode,
          memoryGiBPerNode: pool.memoryGiBPerNode,
          interconnect: pool.interconnect,
          sharing: pool.sharing,
          fabric: pool.fabric,
          descriptorNamespace: SYSTEM_NAMESPACE,
        });
        construct.node.addDependency(systemNamespaces[cluster]);
        return [name, construct];
      }),
    );

    const mirror = registryMirror(spec);
    const observability: Record<string, Observability> = {};
    const gpuPlatforms: Record<string, GpuPlatform> = {};
    const kueue: Record<string, KueueController> = {};
    const slurm: Record<string, SlurmOperator> = {};
    const slurmClusters = new Set(slurmInputsFromSite(spec).map((c) => c.kubernetesCluster));
    for (const target of this.targets) {
      const suffix = this.suffix(target.name);
      // Monitoring first: its CRDs carry the ServiceMonitors the other charts create.
      const monitoring = new Observability(this, `Observability${suffix}`, { target, siteId: spec.id, mirror });
      observability[target.name] = monitoring;
      gpuPlatforms[target.name] = new GpuPlatform(this, `GpuPlatform${suffix}`, {
        target,
        siteId: spec.id,
        pools: Object.values(this.pools).filter((p) => p.target === target),
        mirror,
        dependsOn: [monitoring.chart.release],
      });
      if (spec.scheduler.kueue) {
        kueue[target.name] = new KueueController(this, `Kueue${suffix}`, {
          target,
          fairSharing: spec.scheduler.kueue.fairSharing,
          mirror,
          dependsOn: [monitoring.chart.release],
        });
      }
      if (slurmClusters.has(target.name)) {
        slurm[target.name] = new SlurmOperator(this, `SlurmOperator${suffix}`, { target, mirror, dependsOn: [monitoring.chart.release] });
      }
    }
    this.slurm = slurm;
    this.observability = observability;
    this.gpuPlatforms = gpuPlatforms;
    this.kueue = kueue;
    this.storage = addStoragePlatform(this, spec, this.targets, mirror, observability);
  }
}

/** The site's registry mirror in the form charts take, if it has one. */
export function registryMirror(spec: SiteSpec): RegistryMirror | undefined {
  const m = spec.registryMirror;
  return m ? { imageRegistry: m.imageRegistry, chartRepository: m.chartRepository, pullSecretName: m.pullSecretName } : undefined;
}
