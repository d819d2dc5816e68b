/**
 * Every node agent the stacks deploy tolerates the taint of every pool of its cluster.
 *
 * Pool nodes carry `ai-factory.eu/pool=<pool>:NoSchedule`. A DaemonSet that does not tolerate
 * it never gets a pod there, and Helm's `wait` does not notice, because a DaemonSet does not
 * count the nodes it does not tolerate. So everything the stacks write is classified here:
 *
 * - every pinned chart (`CHART_NODE_AGENTS` is keyed by `ChartId`, so a chart added to the
 *   registry does not type-check until it is classified),
 * - every custom resource kind in a `kubernetes_manifest`,
 * - every other Terraform resource type,
 *
 * as running node agents, whose tolerations are read from what the stacks write and checked
 * against the pools' taints, or as running none, for a stated reason (checked against the
 * values where a value could turn a node agent on). Anything unclassified fails the test.
 *
 * The real scheduler's verdict is the rehearsal's `node-agents` check (`npm run rehearse`).
 */
import type { Toleration } from '../../constructs/charts/common-values';
import { CHARTS, type ChartId } from '../../constructs/charts/registry';
import type { ChartValues } from '../../constructs/charts/values';
import { loadCatalogue } from '../../site-model/loader';
import type { SiteStacks } from '../../stacks/site';
import { catalogueSynth } from '../catalogue-synth';
import { buildSite, merge, resources, siteSpec, SITES_DIR, synthSite, TWO_TEST_CLUSTERS, type SynthJson } from '../helpers';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

/** A node taint. */
interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Whether a toleration matches a taint, as the scheduler decides it. */
function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== taint.effect) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return t.key === undefined || t.key === '' || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** A node agent: a DaemonSet (or a custom resource that makes one) and where its tolerations come from. */
interface NodeAgent {
  /** What it is and the key its tolerations come from. */
  readonly name: string;
  /** Its tolerations as written; `undefined` when the stacks write none (the chart's defaults cannot be seen here). */
  readonly tolerations: readonly Toleration[] | undefined;
  /** The pools whose nodes it must reach. @default - every pool of its cluster */
  readonly pools?: readonly string[];
}

/** How a chart, a custom resource kind or a resource type relates to node agents. */
type Classification<V> =
  | { readonly agents: (values: V) => readonly NodeAgent[] }
  | {
      /** Why it runs no node agent. */
      readonly none: string;
      /** What in the values would start a node agent after all, if anything. */
      readonly unless?: (values: V) => string | undefined;
    };

const list = <T>(condition: boolean, item: T): T[] => (condition ? [item] : []);

/** The drivers of the ceph-csi-drivers chart, in its values' order. */
const CEPH_CSI_DRIVER_KINDS = ['rbd', 'nvmeof', 'cephfs', 'nfs'] as const;

/**
 * Every pinned chart. Agents are listed when the values deploy them (with the chart's
 * defaults for `enabled` where the values leave it out).
 */
const CHART_NODE_AGENTS: { readonly [C in ChartId]: Classification<ChartValues[C]> } = {
  'gpu-operator': {
    agents: (v) => [
      { name: 'operands: driver, toolkit, device plugin, DCGM, GFD, MIG manager, validator (daemonsets.tolerations)', tolerations: v.daemonsets?.tolerations },
      ...list(v.nfd?.enabled !== false, {
        name: 'NFD worker (node-feature-discovery.worker.tolerations)',
        tolerations: v['node-feature-discovery']?.worker?.tolerations,
      }),
    ],
  },
  'amd-gpu-operator': {
    agents: (v) => {
      const spec = v.deviceConfig?.spec ?? {};
      const plugin = spec.devicePlugin ?? {};
      return [
        ...list(plugin.enableDevicePlugin !== false, {
          name: 'device plugin (devicePlugin.devicePluginTolerations)',
          tolerations: plugin.devicePluginTolerations,
        }),
        ...list(plugin.enableNodeLabeller !== false, {
          name: 'node labeller (devicePlugin.nodeLabellerTolerations)',
          tolerations: plugin.nodeLabellerTolerations,
        }),
        // Enabled by the chart's default, so the project's values decide it.
        ...list(spec.metricsExporter?.enable !== false, {
          name: 'metrics exporter (metricsExporter.tolerations)',
          tolerations: spec.metricsExporter?.tolerations,
        }),
        ...list(spec.testRunner?.enable === true, { name: 'test runner (testRunner.tolerations)', tolerations: spec.testRunner?.tolerations }),
        ...list(spec.configManager?.enable === true, {
          name: 'config manager (configManager.configManagerTolerations)',
          tolerations: spec.configManager?.configManagerTolerations,
        }),
        ...list(spec.draDriver?.enable === true, { name: 'DRA driver (draDriver.tolerations)', tolerations: spec.draDriver?.tolerations }),
        // The values type has no driver tolerations yet: enabling the driver shows up here as a failure.
        ...list(spec.driver?.enable === true, { name: 'KMM driver loader (driver.tolerations)', tolerations: undefined }),
        ...list(v['node-feature-discovery']?.enabled !== false, {
          name: 'NFD worker (node-feature-discovery.worker.tolerations)',
          tolerations: v['node-feature-discovery']?.worker?.tolerations,
        }),
      ];
    },
  },
  'network-operator': {
    none: 'the operator Deployment only: its node agents come from the NicClusterPolicy (checked below)',
    unless: (v) =>
      v.nfd?.enabled !== false
        ? 'nfd.enabled runs a second NFD worker'
        : v.sriovNetworkOperator?.enabled
          ? 'sriovNetworkOperator.enabled runs the SR-IOV config daemon on every node'
          : undefined,
  },
  'node-feature-discovery': {
    agents: (v) => [
      ...list(v.worker?.enable !== false, { name: 'NFD worker (worker.tolerations)', tolerations: v.worker?.tolerations }),
      ...list(v.topologyUpdater?.enable === true, { name: 'NFD topology updater (topologyUpdater.tolerations)', tolerations: v.topologyUpdater?.tolerations }),
    ],
  },
  'kube-prometheus-stack': {
    agents: (v) => [
      ...list(v.nodeExporter?.enabled !== false, {
        name: 'node exporter (prometheus-node-exporter.tolerations)',
        tolerations: v['prometheus-node-exporter']?.tolerations,
      }),
      ...list(v.windowsMonitoring?.enabled === true, { name: 'Windows exporter', tolerations: undefined }),
    ],
  },
  'csi-driver-nfs': { agents: (v) => [{ name: 'CSI node plugin (node.tolerations)', tolerations: v.node?.tolerations }] },
  'rook-ceph': {
    none: 'the Rook operator and the ceph-csi operator (Deployments); in v1.20 the ceph-csi node plugins come from the ceph-csi-drivers chart',
    unless: (v) => (v.enableDiscoveryDaemon ? 'enableDiscoveryDaemon runs rook-discover on every node' : undefined),
  },
  'ceph-csi-drivers': {
    // The ceph-csi operator runs a node plugin DaemonSet per enabled driver (the chart enables all
    // four by default). The chart writes each driver's own tolerations into its Driver, `[]` by
    // default, and the operator takes the OperatorConfig's defaults only where a Driver's are
    // unset, so a driver's own list is what its pods get.
    agents: (v) =>
      CEPH_CSI_DRIVER_KINDS.filter((d) => v.drivers?.[d]?.enabled !== false).map((d) => ({
        name: `ceph-csi ${d} node plugin (drivers.${d}.nodePlugin.tolerations)`,
        tolerations: v.drivers?.[d]?.nodePlugin?.tolerations,
      })),
  },
  'rook-ceph-cluster': {
    none: 'Ceph daemons (mons, OSDs and the crash collectors and exporters beside them) belong on storage nodes; the pool taints keep them off GPU nodes on purpose',
  },
  'minio-operator': { none: 'the operator Deployment only' },
  'minio-tenant': { none: 'a StatefulSet of MinIO servers on storage nodes' },
  'cert-manager': { none: 'controller, webhook and CA injector Deployments' },
  kueue: { none: 'the controller Deployment' },
  'slurm-operator-crds': { none: 'CRDs only' },
  'slurm-operator': { none: 'the operator and webhook Deployments' },
  slurm: {
    // A DaemonSet NodeSet is its pool's node agent: one slurmd on every node of that pool.
    agents: (v) =>
      Object.entries(v.nodesets ?? {})
        .filter(([, n]) => n.enabled !== false && n.scalingMode === 'DaemonSet')
        .map(([name, n]) => ({ name: `NodeSet ${name} (nodesets.${name}.podSpec.tolerations)`, tolerations: n.podSpec?.tolerations, pools: [name] })),
  },
  jupyterhub: {
    none: "the hub and proxy Deployments; notebook pods are workloads with their profile's pool tolerations",
    unless: (v) =>
      v.prePuller?.hook?.enabled !== false || v.prePuller?.continuous?.enabled !== false ? 'prePuller runs image-puller DaemonSets on user nodes' : undefined,
  },
  mlflow: { none: 'the tracking server Deployment' },
  lakefs: { none: 'the lakeFS Deployment' },
  'argo-workflows': { none: 'the workflow controller and server Deployments; workflow pods are workloads' },
};

/** Custom resources, by `<API group>/<kind>`; `<group>/*` classifies a whole group. */
const KIND_NODE_AGENTS: Readonly<Record<string, Classification<Json>>> = {
  'mellanox.com/NicClusterPolicy': {
    agents: (m) => [
      { name: 'RDMA shared device plugin and every other component (spec.tolerations)', tolerations: (m.spec as { tolerations?: Toleration[] }).tolerations },
    ],
  },
  'apps/DaemonSet': {
    agents: (m) => [
      {
        name: 'DaemonSet (spec.template.spec.tolerations)',
        tolerations: (m.spec as { template: { spec: { tolerations?: Toleration[] } } }).template.spec.tolerations,
      },
    ],
  },
  'kueue.x-k8s.io/*': { none: 'Kueue configuration: queues, flavors, cohorts and topologies run no pods' },
  'objectbucket.io/ObjectBucketClaim': { none: 'a bucket claim runs no pods' },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': { none: 'an admission policy (the tenant pod policy) runs no pods' },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': { none: 'an admission policy binding runs no pods' },
  'batch/Job': { none: 'a run-to-completion pod (the MinIO bucket quotas), not one per node' },
};

/** Terraform resource types other than `helm_release` and `kubernetes_manifest`. */
const TYPE_NODE_AGENTS: Readonly<Record<string, Classification<Json>>> = {
  kubernetes_daemon_set_v1: { agents: (r) => [{ name: 'DaemonSet (spec.template.spec.toleration)', tolerations: daemonSetTolerations(r) }] },
  kubernetes_daemonset: { agents: (r) => [{ name: 'DaemonSet (spec.template.spec.toleration)', tolerations: daemonSetTolerations(r) }] },
  kubernetes_stateful_set_v1: { none: 'a fixed number of pods (a lab database), not one per node' },
  kubernetes_deployment_v1: { none: 'a fixed number of pods, not one per node' },
  kubernetes_job_v1: { none: 'a run-to-completion pod, not one per node' },
  kubernetes_cron_job_v1: { none: 'run-to-completion pods, not one per node' },
  kubernetes_namespace_v1: { none: 'no pods' },
  kubernetes_config_map_v1: { none: 'no pods' },
  kubernetes_secret_v1: { none: 'no pods' },
  kubernetes_service_v1: { none: 'no pods' },
  kubernetes_service_account_v1: { none: 'no pods' },
  kubernetes_limit_range_v1: { none: 'no pods' },
  kubernetes_resource_quota_v1: { none: 'no pods' },
  kubernetes_network_policy_v1: { none: 'no pods' },
  kubernetes_role_v1: { none: 'no pods' },
  kubernetes_role_binding_v1: { none: 'no pods' },
  kubernetes_cluster_role_v1: { none: 'no pods' },
  kubernetes_cluster_role_binding_v1: { none: 'no pods' },
  kubernetes_storage_class_v1: { none: 'no pods' },
  kubernetes_priority_class_v1: { none: 'no pods' },
  kubernetes_persistent_volume_claim_v1: { none: 'no pods' },
};

/** Tolerations of a `kubernetes_daemon_set_v1`, whose blocks Terraform writes as lists. */
function daemonSetTolerations(r: Json): Toleration[] | undefined {
  const first = (x: unknown): Json | undefined => (Array.isArray(x) ? (x[0] as Json | undefined) : (x as Json | undefined));
  const podSpec = first(first(first(r.spec)?.template)?.spec);
  return podSpec?.toleration as Toleration[] | undefined;
}

/** A node agent that was found and checked. */
interface CheckedAgent {
  readonly cluster: string;
  /** `helm <chart>`, `manifest <group>/<kind> <name>` or `<resource type> <name>`. */
  readonly source: string;
  readonly agent: string;
}

/** What the check found. */
interface NodeAgentReport {
  readonly checked: readonly CheckedAgent[];
  readonly problems: readonly string[];
}

/** Pools of each cluster, with the taint their nodes carry. */
type PoolsByCluster = Readonly<Record<string, readonly { readonly name: string; readonly taint: Taint }[]>>;

/** The pools of a site's clusters, from the platform stack's GpuNodePools. */
function poolsOf(stacks: SiteStacks): PoolsByCluster {
  const out: Record<string, { name: string; taint: Taint }[]> = {};
  for (const pool of Object.values(stacks.platform.pools)) (out[pool.target.name] ??= []).push({ name: pool.poolName, taint: pool.taint });
  return out;
}

/** The chart id of a release, from its chart name and version. */
function chartIdOf(release: Json): ChartId | undefined {
  return (Object.keys(CHARTS) as ChartId[]).find((c) => CHARTS[c].chart === release.chart && CHARTS[c].version === release.version);
}

/** A release's values: every document, merged in order as Helm does. */
function releaseValuesOf(release: Json): Json {
  return ((release.values as string[] | undefined) ?? []).reduce<Json>((all, doc) => merge(all, parse(doc) ?? {}) as Json, {});
}

/** The cluster a resource is applied to, from its provider alias (`helm.<cluster>`). */
function clusterOf(resource: Json): string {
  return typeof resource.provider === 'string' ? (resource.provider.split('.')[1] ?? '') : '';
}

/** Classifies and checks everything in the stacks' Terraform JSON. */
function checkNodeAgents(stacks: readonly SynthJson[], pools: PoolsByCluster): NodeAgentReport {
  const checked: CheckedAgent[] = [];
  const problems: string[] = [];
  const apply = <V>(c: Classification<V>, values: V, cluster: string, source: string) => {
    if ('none' in c) {
      const starts = c.unless?.(values);
      if (starts) problems.push(`${cluster} ${source}: classified as running no node agent (${c.none}), but ${starts}; classify its agents`);
      return;
    }
    for (const agent of c.agents(values)) {
      checked.push({ cluster, source, agent: agent.name });
      const where = `${cluster} ${source}: ${agent.name}`;
      if (agent.tolerations === undefined) {
        problems.push(`${where}: sets no tolerations, so it never runs on a pool node; give it GpuNodePool.nodeAgentTolerations`);
        continue;
      }
      const clusterPools = pools[cluster] ?? [];
      for (const name of agent.pools ?? clusterPools.map((p) => p.name)) {
        const pool = clusterPools.find((p) => p.name === name);
        if (!pool) problems.push(`${where}: must reach pool ${name}, which is not a pool of cluster ${cluster}`);
        else if (!agent.tolerations.some((t) => tolerates(t, pool.taint))) {
          problems.push(`${where}: does not tolerate the taint of pool ${name} (${pool.taint.key}=${pool.taint.value}:${pool.taint.effect})`);
        }
      }
    }
  };
  for (const json of stacks) {
    for (const [type, byId] of Object.entries(json.resource ?? {})) {
      for (const [id, resource] of Object.entries(byId)) {
        const cluster = clusterOf(resource);
        if (type === 'helm_release') {
          const chart = chartIdOf(resource);
          if (!chart) problems.push(`${cluster} helm_release.${id}: chart ${String(resource.chart)} ${String(resource.version)} is not in the registry`);
          else apply(CHART_NODE_AGENTS[chart] as Classification<Json>, releaseValuesOf(resource), cluster, `helm ${chart}`);
        } else if (type === 'kubernetes_manifest') {
          const m = resource.manifest as Json & { apiVersion: string; kind: string; metadata?: { name?: string } };
          const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : 'core';
          const c = KIND_NODE_AGENTS[`${group}/${m.kind}`] ?? KIND_NODE_AGENTS[`${group}/*`];
          const source = `manifest ${group}/${m.kind} ${m.metadata?.name ?? id}`;
          if (!c) problems.push(`${cluster} ${source}: kind ${group}/${m.kind} is not classified; say whether it runs node agents`);
          else apply(c, m, cluster, source);
        } else {
          const c = TYPE_NODE_AGENTS[type];
          if (!c) problems.push(`${cluster} ${type}.${id}: resource type ${type} is not classified; say whether it runs node agents`);
          else apply(c, resource, cluster, `${type}.${id}`);
        }
      }
    }
  }
  return { checked, problems };
}

/**
 * Two clusters: `a` with NVIDIA pools on InfiniBand (one in Slurm), an AMD pool on RoCE, NFS
 * and Rook-Ceph tiers and a data lab; `b` with AMD pools only, an NFS tier and MinIO.
 */
const SITE = {
  clusters: TWO_TEST_CLUSTERS,
  gpuPools: {
    h100: { cluster: 'a', nodes: 4, owner: { slurm: 2, kubernetes: 2 } },
    h200: {
      cluster: 'a',
      accelerator: 'nvidia-h200-sxm',
      nodes: 2,
      acceleratorsPerNode: 8,
      cpusPerNode: 64,
      memoryGiBPerNode: 1024,
      interconnect: 'infiniband',
    },
    mi300: { cluster: 'a', accelerator: 'amd-mi300x', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 64, memoryGiBPerNode: 1024, interconnect: 'roce' },
    mi250: { cluster: 'b', accelerator: 'amd-mi250x', nodes: 2, acceleratorsPerNode: 4, cpusPerNode: 64, memoryGiBPerNode: 512, interconnect: 'ethernet' },
    mi300b: { cluster: 'b', accelerator: 'amd-mi300x', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 64, memoryGiBPerNode: 1024, interconnect: 'ethernet' },
  },
  scheduler: {
    kueue: {},
    slurm: {
      partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } },
      accounting: { host: 'slurmdbd-db.example.internal', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } },
    },
  },
  storageTiers: {
    project: { cluster: 'a' },
    home: { role: 'home', capacityTiB: 10, backend: { type: 'nfs', server: 'nfs.example.eu', share: '/export/home' } },
    scratch: { role: 'scratch', capacityTiB: 10, backend: { type: 'rook-ceph', service: 'filesystem' }, cluster: 'a' },
    object: { role: 'object', capacityTiB: 50, backend: { type: 'rook-ceph', service: 'object' }, cluster: 'a' },
    bucket: { role: 'object', capacityTiB: 50, backend: { type: 'minio' }, cluster: 'b' },
  },
  dataLabs: { lab: { tenants: ['acme'], pools: ['h100'], objectTier: 'object' } },
  identity: { oidcIssuerUrl: 'https://login.example.eu/realms/aif' },
};

describe('node agents tolerate the pool taints', () => {
  describe('a site with NVIDIA, AMD, InfiniBand, RoCE, NFS, Rook-Ceph and MinIO in two clusters', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    let pools: PoolsByCluster;
    let report: NodeAgentReport;
    beforeAll(() => {
      const site = synthSite(siteSpec(SITE));
      ({ platform, workloads } = site);
      pools = poolsOf(site.stacks);
      report = checkNodeAgents([platform, workloads], pools);
    });

    test('the site has the pools the test is about', () => {
      expect(Object.fromEntries(Object.entries(pools).map(([c, ps]) => [c, ps.map((p) => p.name)]))).toEqual({
        a: ['h100', 'h200', 'mi300'],
        b: ['mi250', 'mi300b'],
      });
    });

    test('every node agent tolerates the taint of every pool of its cluster (each NodeSet: of its own pool)', () => {
      expect(report.problems).toEqual([]);
    });

    test('these are the node agents, per cluster: a new one is added here on purpose, not by accident', () => {
      const table = report.checked.map((c) => `${c.cluster} | ${c.source} | ${c.agent}`).sort();
      expect(table).toEqual(
        [
          'a | helm gpu-operator | operands: driver, toolkit, device plugin, DCGM, GFD, MIG manager, validator (daemonsets.tolerations)',
          'a | helm gpu-operator | NFD worker (node-feature-discovery.worker.tolerations)',
          'a | helm amd-gpu-operator | device plugin (devicePlugin.devicePluginTolerations)',
          'a | helm amd-gpu-operator | node labeller (devicePlugin.nodeLabellerTolerations)',
          'a | manifest mellanox.com/NicClusterPolicy nic-cluster-policy | RDMA shared device plugin and every other component (spec.tolerations)',
          'a | helm kube-prometheus-stack | node exporter (prometheus-node-exporter.tolerations)',
          'a | helm csi-driver-nfs | CSI node plugin (node.tolerations)',
          'a | helm ceph-csi-drivers | ceph-csi rbd node plugin (drivers.rbd.nodePlugin.tolerations)',
          'a | helm ceph-csi-drivers | ceph-csi cephfs node plugin (drivers.cephfs.nodePlugin.tolerations)',
          'a | helm slurm | NodeSet h100 (nodesets.h100.podSpec.tolerations)',
          'b | helm amd-gpu-operator | device plugin (devicePlugin.devicePluginTolerations)',
          'b | helm amd-gpu-operator | node labeller (devicePlugin.nodeLabellerTolerations)',
          'b | helm amd-gpu-operator | NFD worker (node-feature-discovery.worker.tolerations)',
          'b | helm kube-prometheus-stack | node exporter (prometheus-node-exporter.tolerations)',
          'b | helm csi-driver-nfs | CSI node plugin (node.tolerations)',
        ].sort(),
      );
    });

    test("the site installs every chart that serves it, and each cluster's GPU agents get its own pools' list, not the other cluster's", () => {
      const charts = new Set(
        resources(platform, 'helm_release')
          .concat(resources(workloads, 'helm_release'))
          .map((r) => chartIdOf(r)),
      );
      expect([...charts].sort()).toEqual([
        'amd-gpu-operator',
        'argo-workflows',
        'ceph-csi-drivers',
        'cert-manager',
        'csi-driver-nfs',
        'gpu-operator',
        'jupyterhub',
        'kube-prometheus-stack',
        'kueue',
        'lakefs',
        'minio-operator',
        'minio-tenant',
        'mlflow',
        'network-operator',
        'rook-ceph',
        'rook-ceph-cluster',
        'slurm',
        'slurm-operator',
        'slurm-operator-crds',
      ]);
      const gpu = resources(platform, 'helm_release').find((r) => r.name === 'gpu-operator' && clusterOf(r) === 'a');
      const tolerations = (releaseValuesOf(gpu ?? {}) as ChartValues['gpu-operator']).daemonsets?.tolerations ?? [];
      // Pools of cluster b are not tolerated in cluster a: each cluster's list is its own.
      expect(tolerations.filter((t) => t.key === 'ai-factory.eu/pool').map((t) => t.value)).toEqual(['h100', 'h200', 'mi300']);
    });

    /**
     * Rook v1.20 configures the ceph-csi drivers (and their node plugins) only through the
     * separate `ceph-csi-drivers` chart, which the platform stack installs with the Rook
     * operator. Each enabled driver's node plugin tolerates GpuNodePool.nodeAgentTolerations of
     * its cluster: the driver's own list is what its pods get (the chart writes it into the
     * Driver even when empty, and the operator then leaves the defaults' list aside), and the
     * operator's defaults carry the same list.
     * @see https://github.com/rook/rook/blob/v1.20.6/Documentation/Helm-Charts/csi-drivers-chart.md
     */
    test('the ceph-csi node plugins of a Rook-Ceph tier run on every pool node (ceph-csi-drivers chart)', () => {
      const releasesIn = (cluster: string) => resources(platform, 'helm_release').filter((r) => r.chart === 'ceph-csi-drivers' && clusterOf(r) === cluster);
      // Cluster b has no Rook-Ceph tier, so no ceph-csi drivers either.
      expect([releasesIn('a').length, releasesIn('b').length]).toEqual([1, 0]);
      expect(resources(workloads, 'helm_release').filter((r) => r.chart === 'ceph-csi-drivers')).toEqual([]);
      const values = releaseValuesOf(releasesIn('a')[0]) as ChartValues['ceph-csi-drivers'];
      const enabled = CEPH_CSI_DRIVER_KINDS.filter((d) => values.drivers?.[d]?.enabled !== false);
      expect(enabled).toEqual(['rbd', 'cephfs']);
      const lists: [string, readonly Toleration[]][] = [
        ['operatorConfig.driverSpecDefaults', values.operatorConfig?.driverSpecDefaults?.nodePlugin?.tolerations ?? []],
        ...enabled.map((d): [string, readonly Toleration[]] => [`drivers.${d}`, values.drivers?.[d]?.nodePlugin?.tolerations ?? []]),
      ];
      for (const [where, tolerations] of lists) {
        for (const pool of pools.a) expect([where, pool.name, tolerations.some((t) => tolerates(t, pool.taint))]).toEqual([where, pool.name, true]);
        // Cluster a's pools only: each cluster's list is its own.
        expect([where, tolerations.filter((t) => t.key === 'ai-factory.eu/pool').map((t) => t.value)]).toEqual([where, ['h100', 'h200', 'mi300']]);
      }
    });
  });

  describe('the check itself', () => {
    const POOLS: PoolsByCluster = {
      main: [
        { name: 'h100', taint: { key: 'ai-factory.eu/pool', value: 'h100', effect: 'NoSchedule' } },
        { name: 'mi300', taint: { key: 'ai-factory.eu/pool', value: 'mi300', effect: 'NoSchedule' } },
      ],
    };
    const json = (resource: Record<string, Record<string, Json>>): SynthJson => ({ terraform: { backend: {} }, provider: {}, resource });
    const h100Only = [{ key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' }];

    test('tolerations match taints as the scheduler matches them', () => {
      const taint: Taint = { key: 'ai-factory.eu/pool', value: 'h100', effect: 'NoSchedule' };
      expect(tolerates({ operator: 'Exists' }, taint)).toBe(true);
      expect(tolerates({ operator: 'Exists', effect: 'NoSchedule' }, taint)).toBe(true);
      expect(tolerates({ operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
      expect(tolerates({ key: 'ai-factory.eu/pool', operator: 'Exists' }, taint)).toBe(true);
      expect(tolerates({ key: 'ai-factory.eu/pool', value: 'h100' }, taint)).toBe(true);
      expect(tolerates({ key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h200', effect: 'NoSchedule' }, taint)).toBe(false);
      expect(tolerates({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }, taint)).toBe(false);
    });

    test('an agent that misses a pool, or sets no tolerations, is named with the pool and the fix', () => {
      const report = checkNodeAgents(
        [
          json({
            helm_release: {
              gpu: {
                provider: 'helm.main',
                chart: CHARTS['gpu-operator'].chart,
                version: CHARTS['gpu-operator'].version,
                values: [JSON.stringify({ daemonsets: { tolerations: h100Only } })],
              },
            },
          }),
        ],
        POOLS,
      );
      expect(report.problems).toEqual([
        'main helm gpu-operator: operands: driver, toolkit, device plugin, DCGM, GFD, MIG manager, validator (daemonsets.tolerations): does not tolerate the taint of pool mi300 (ai-factory.eu/pool=mi300:NoSchedule)',
        'main helm gpu-operator: NFD worker (node-feature-discovery.worker.tolerations): sets no tolerations, so it never runs on a pool node; give it GpuNodePool.nodeAgentTolerations',
      ]);
    });

    test('a chart, kind or resource type nobody classified fails, and so does a value that starts an agent behind a "none"', () => {
      const report = checkNodeAgents(
        [
          json({
            helm_release: {
              other: { provider: 'helm.main', chart: 'demo', version: '1.0.0', values: [] },
              network: {
                provider: 'helm.main',
                chart: CHARTS['network-operator'].chart,
                version: CHARTS['network-operator'].version,
                values: [JSON.stringify({ nfd: { enabled: false }, sriovNetworkOperator: { enabled: true } })],
              },
            },
            kubernetes_manifest: {
              cd: { provider: 'kubernetes.main', manifest: { apiVersion: 'resource.nvidia.com/v1beta1', kind: 'ComputeDomain', metadata: { name: 'rack0' } } },
            },
            kubernetes_pod_v1: { p: { provider: 'kubernetes.main' } },
          }),
        ],
        POOLS,
      );
      expect(report.problems).toEqual([
        'main helm_release.other: chart demo 1.0.0 is not in the registry',
        'main helm network-operator: classified as running no node agent (the operator Deployment only: its node agents come from the NicClusterPolicy (checked below)), but sriovNetworkOperator.enabled runs the SR-IOV config daemon on every node; classify its agents',
        'main manifest resource.nvidia.com/ComputeDomain rack0: kind resource.nvidia.com/ComputeDomain is not classified; say whether it runs node agents',
        'main kubernetes_pod_v1.p: resource type kubernetes_pod_v1 is not classified; say whether it runs node agents',
      ]);
    });

    test('a DaemonSet written as a Terraform resource is a node agent too', () => {
      const report = checkNodeAgents(
        [json({ kubernetes_daemon_set_v1: { ds: { provider: 'kubernetes.main', spec: [{ template: [{ spec: [{ toleration: h100Only }] }] }] } } })],
        POOLS,
      );
      expect(report.checked).toEqual([{ cluster: 'main', source: 'kubernetes_daemon_set_v1.ds', agent: 'DaemonSet (spec.template.spec.toleration)' }]);
      expect(report.problems).toEqual([
        'main kubernetes_daemon_set_v1.ds: DaemonSet (spec.template.spec.toleration): does not tolerate the taint of pool mi300 (ai-factory.eu/pool=mi300:NoSchedule)',
      ]);
    });
  });

  describe('every site of the catalogue', () => {
    const sites = loadCatalogue(SITES_DIR).map((s) => s.spec);
    test.each(sites.map((s) => [s.id, s] as const))('%s: every node agent tolerates every pool taint of its cluster', (_id, spec) => {
      const { platform, workloads } = catalogueSynth(spec.id);
      const { stacks } = buildSite(spec);
      const report = checkNodeAgents([platform, workloads], poolsOf(stacks));
      expect(report.problems).toEqual([]);
      // Every cluster with pools runs at least the GPU operators' agents and node exporter.
      for (const cluster of Object.keys(poolsOf(stacks))) expect([cluster, report.checked.some((c) => c.cluster === cluster)]).toEqual([cluster, true]);
    });
  });
});
