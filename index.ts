/**
 * The public API of ai-factory-cdk, what `require('ai-factory-cdk')` returns: the site loader
 * (check, load and resolve site files), the stacks a site becomes, the constructs they are
 * built from, and the policy pack. Everything else is internal and may change between
 * versions without notice.
 *
 * A host site's own app builds the stacks of its site files like this:
 *
 * ```ts
 * import { App } from 'cdktf';
 * import { addSiteStacks, loadCatalogue } from 'ai-factory-cdk';
 *
 * const app = new App({ stackTraces: false });
 * for (const site of loadCatalogue('sites')) addSiteStacks(app, site);
 * app.synth();
 * ```
 *
 * or lets {@link synthCatalogue} validate, build, check and write them in one call, with
 * `customize` to change a site's stacks before the policy pack runs.
 *
 * @see https://developer.hashicorp.com/terraform/cdktf/concepts/cdktf-architecture
 */

// The site loader: site files to a resolved site model, with every problem at its file and line.
export { catalogueFiles, checkCatalogue, checkSiteFile, checkSiteText, loadCatalogue, loadSiteFile, SITE_FILE_LIMITS } from './site-model/loader';
export type { SiteCheck } from './site-model/loader';
export { resolveSite, resolveSiteChecked } from './site-model/resolve';
export type { ClusterModel, LabModel, PoolModel, SiteModel, SlurmClusterModel, TenantModel, TierModel } from './site-model/resolve';
export { SCHEMA_VERSION, SiteSchema, siteJsonSchema } from './site-model/schema';
export type { DataLabSpec, FabricSpec, GpuPoolSpec, KueueSpec, SiteSpec, SlurmSpec, StateSpec, StorageTierSpec, TenantSpec } from './site-model/schema';
export { EXIT_INTERNAL_ERROR, EXIT_INVALID, EXIT_USAGE, formatProblem, SiteValidationError } from './site-model/problems';
export type { SiteProblem } from './site-model/problems';

// The stacks: a site is a platform stack and a workloads stack.
export { addSiteStacks, checkSitePolicies } from './stacks/site';
export type { SiteStacks } from './stacks/site';
export { PolicyViolationError, synthCatalogue } from './stacks/synth';
export type { SynthOptions, SynthResult } from './stacks/synth';
export { LAYERS, SiteStack, stackName } from './stacks/site-stack';
export type { Layer } from './stacks/site-stack';
export { PlatformStack } from './stacks/platform-stack';
export { WorkloadsStack } from './stacks/workloads-stack';

// The constructs, by domain; each takes its props and never reads the site model.
export type { ClusterTarget } from './constructs/core/cluster-target';
export { ACCELERATORS, ACCELERATOR_IDS } from './constructs/gpu/accelerators';
export type { AcceleratorModel } from './constructs/gpu/accelerators';
export { GpuNodePool } from './constructs/gpu/gpu-node-pool';
export type { GpuNodePoolProps } from './constructs/gpu/gpu-node-pool';
export { GpuPlatform } from './constructs/gpu/gpu-platform';
export type { GpuPlatformProps } from './constructs/gpu/gpu-platform';
export { NicClusterPolicy } from './constructs/gpu/nic-cluster-policy';
export type { NicClusterPolicyProps } from './constructs/gpu/nic-cluster-policy';
export { KueueController } from './constructs/scheduling/kueue/kueue-controller';
export type { KueueControllerProps } from './constructs/scheduling/kueue/kueue-controller';
export { KueueQueues } from './constructs/scheduling/kueue/kueue-queues';
export type { KueueQueuesProps } from './constructs/scheduling/kueue/kueue-queues';
export { SlurmOperator } from './constructs/scheduling/slurm/slurm-operator';
export type { SlurmOperatorProps } from './constructs/scheduling/slurm/slurm-operator';
export { SlurmCluster } from './constructs/scheduling/slurm/slurm-cluster';
export type { SlurmClusterProps } from './constructs/scheduling/slurm/slurm-cluster';
export { StorageTier } from './constructs/storage/storage-tier';
export type { StorageTierProps } from './constructs/storage/storage-tier';
export { StorageOperators } from './constructs/storage/storage-operators';
export type { StorageOperatorsProps } from './constructs/storage/storage-operators';
export { CephCluster } from './constructs/storage/ceph-cluster';
export type { CephClusterProps } from './constructs/storage/ceph-cluster';
export { DataLab } from './constructs/labs/data-lab';
export type { DataLabProps } from './constructs/labs/data-lab';
export { LabDatabase } from './constructs/labs/lab-database';
export type { LabDatabaseProps } from './constructs/labs/lab-database';
export { ArgoWorkflowsCrds } from './constructs/labs/argo-workflows-crds';
export type { ArgoWorkflowsCrdsProps } from './constructs/labs/argo-workflows-crds';
export { Tenant } from './constructs/tenancy/tenant';
export type { TenantProps } from './constructs/tenancy/tenant';
export { IsolatedNamespace } from './constructs/tenancy/isolated-namespace';
export type { IsolatedNamespaceProps } from './constructs/tenancy/isolated-namespace';
export { Observability } from './constructs/observability/observability';
export type { ObservabilityProps } from './constructs/observability/observability';
export { PinnedChart } from './constructs/charts/pinned-chart';
export type { PinnedChartProps } from './constructs/charts/pinned-chart';
export { CHARTS, CHART_IDS } from './constructs/charts/registry';
export type { ChartId, ChartRef } from './constructs/charts/registry';
export { StackFile } from './constructs/charts/stack-file';
export type { StackFileProps } from './constructs/charts/stack-file';

// The policy pack: one rule per file, applied to every stack as an Aspect.
export { AI_FACTORY_RULES, blockingFindings, formatFindings, PolicyPack, suppressPolicy } from './constructs/policies/pack';
export type { Finding, PolicyPackProps } from './constructs/policies/pack';
export type { PolicyRule, RuleResult } from './constructs/policies/rule';
