import { SLURM_HELPER_IMAGE } from '../../charts/slurm/chart';
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { CHARTS } from '../../charts/registry';
import { mirrorImage } from '../../charts/mirror';
import type { KubernetesObject } from '../../charts/common-values';
import type { SlurmNodeset, SlurmValues } from '../../charts/slurm/values';
import type { ClusterTarget } from '../../core/cluster-target';
import type { GpuNodePool } from '../../gpu/gpu-node-pool';
import { PinnedChart, type RegistryMirror } from '../../charts/pinned-chart';
import { slinkyChartValues, type SlurmRendering } from './render';

/** Login image of the pinned `slurm` chart (its `loginsetDefaults.login.image`). */
export const SLURM_LOGIN_IMAGE = 'ghcr.io/slinkyproject/login:26.05-ubuntu26.04';
/** Name of the ConfigMap holding the rendered sacctmgr file. */
export const ACCOUNTS_CONFIG_MAP = 'aif-slurm-accounts';

/** slurmdbd's database; the password stays in an existing Secret. */
export interface SlurmAccountingDatabase {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** Existing Secret (in the Slurm namespace) and key holding the password. */
  readonly passwordSecret: { readonly name: string; readonly key: string };
}

/** Props of {@link SlurmCluster}. */
export interface SlurmClusterProps {
  readonly target: ClusterTarget;
  /** The rendered configuration (from `renderSlurm`); the cluster deploys exactly this text. */
  readonly rendering: SlurmRendering;
  /** GPU pools whose nodes run slurmd, one NodeSet each; names must match the rendering. */
  readonly pools: readonly GpuNodePool[];
  /** Login pods for `sbatch`/`srun` users. @default 1 */
  readonly loginNodes?: number;
  /** Run slurmrestd. @default false */
  readonly restApi?: boolean;
  /** slurmdbd accounting. @default - no accounting, no accounts */
  readonly accounting?: SlurmAccountingDatabase;
  /** @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /** Namespace of the Slurm cluster. @default 'slurm' */
  readonly namespace?: string;
}

/**
 * A Slurm cluster on Kubernetes with Slinky's `slurm` chart: the controller with the
 * rendered slurm.conf lines, gres.conf and topology.conf; one NodeSet per GPU pool in
 * DaemonSet mode (one slurmd per node of the pool, named `<pool>-<index>` from the node's
 * hostname-override annotation, so names and topology follow the hardware) that requests
 * every GPU unit of its node; login pods; slurmrestd; and, with accounting, slurmdbd plus a
 * hook Job that loads one account per tenant with `sacctmgr -i load` after every install
 * and upgrade (loading the same file again changes nothing).
 * @see https://github.com/SlinkyProject/slurm-operator/tree/v1.2.1/helm/slurm
 */
export class SlurmCluster extends Construct {
  readonly chart: PinnedChart<'slurm'>;
  readonly clusterName: string;

  constructor(scope: Construct, id: string, props: SlurmClusterProps) {
    super(scope, id);
    const r = props.rendering;
    const missing = Object.keys(r.nodeSets).filter((name) => !props.pools.some((p) => p.poolName === name));
    if (missing.length > 0) throw new Error(`SlurmCluster ${r.clusterName}: no GpuNodePool for NodeSets ${missing.join(', ')}`);
    // Each NodeSet's slurmd pods select the pool's Slurm-owned nodes, as many as Slurm was rendered for.
    const unowned = props.pools
      .filter((p) => p.poolName in r.nodeSets && p.ownership.slurm !== r.nodeSets[p.poolName].replicas)
      .map((p) => `${p.poolName} (Slurm owns ${p.ownership.slurm} of its nodes, the rendering has ${r.nodeSets[p.poolName].replicas})`);
    if (unowned.length > 0) {
      throw new Error(`SlurmCluster ${r.clusterName}: pools ${unowned.join(', ')}; give the pools' ownership the nodes the Slurm rendering was made for`);
    }
    this.clusterName = r.clusterName;
    const namespace = props.namespace ?? CHARTS.slurm.namespace;
    const base = slinkyChartValues(r);

    const nodesets: Record<string, SlurmNodeset> = {};
    for (const pool of props.pools.filter((p) => p.poolName in r.nodeSets)) {
      const perNode = pool.acceleratorsPerNode * pool.unitsPerAccelerator;
      nodesets[pool.poolName] = {
        scalingMode: 'DaemonSet',
        replicas: base.nodesets[pool.poolName].replicas,
        extraConfMap: base.nodesets[pool.poolName].extraConfMap,
        slurmd: { resources: { limits: { [pool.resourceName]: String(perNode) } } },
        // slurmd is the pool's node agent in DaemonSet mode: it must tolerate its pool's taint
        // to get a pod on every node the selector picks.
        podSpec: { nodeSelector: pool.nodeSelectorFor('slurm'), tolerations: pool.nodeAgentTolerations },
      };
    }

    const loginNodes = props.loginNodes ?? 1;
    const accounting = props.accounting;
    const values: SlurmValues = {
      clusterName: r.clusterName,
      controller: {
        extraConf: base.controller.extraConf,
        persistence: { enabled: true },
        metrics: { enabled: true, serviceMonitor: { enabled: true } },
        logfile: { image: SLURM_HELPER_IMAGE },
      },
      // The chart defaults its helper containers to alpine:latest.
      nodesetDefaults: { logfile: { image: SLURM_HELPER_IMAGE } },
      loginsetDefaults: { initconf: { image: SLURM_HELPER_IMAGE } },
      configFiles: base.configFiles,
      nodesets,
      loginsets: loginNodes > 0 ? { login: { enabled: true, replicas: loginNodes } } : {},
      restapi: { replicas: props.restApi ? 1 : 0 },
      accounting: accounting
        ? {
            enabled: true,
            storageConfig: {
              host: accounting.host,
              port: accounting.port,
              database: accounting.database,
              username: accounting.user,
              passwordKeyRef: { name: accounting.passwordSecret.name, key: accounting.passwordSecret.key },
            },
          }
        : { enabled: false },
      ...(props.pools.some((p) => p.model.vendor === 'NVIDIA') ? { vendor: { nvidia: { dcgm: { enabled: true } } } } : {}),
      ...(accounting ? { extraObjects: accountObjects(r, namespace, props.mirror) } : {}),
    };

    this.chart = new PinnedChart(this, 'Slurm', { target: props.target, chart: 'slurm', namespace, mirror: props.mirror, values });
  }
}

/**
 * The accounts ConfigMap and the Helm hook Job that loads it: the Job reads the cluster's
 * configuration from slurmctld (configless sackd, authenticated with the chart's Slurm key),
 * creates the partition QOS, then loads the accounts file.
 */
function accountObjects(r: SlurmRendering, namespace: string, mirror?: RegistryMirror): KubernetesObject[] {
  const script = [
    'set -eu',
    `sackd --conf-server slurm-controller.${namespace}.svc:6817`,
    'until scontrol ping >/dev/null 2>&1; do sleep 5; done',
    ...r.partitionQos.map((q) => `sacctmgr -i add qos ${q} || true`),
    'sacctmgr -i load file=/etc/aif/accounts.cfg',
  ].join('\n');
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ACCOUNTS_CONFIG_MAP }, data: { 'accounts.cfg': r.accounts } },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: ACCOUNTS_CONFIG_MAP,
        annotations: {
          // Runs after every install and upgrade; the previous run's Job is replaced first.
          'helm.sh/hook': 'post-install,post-upgrade',
          'helm.sh/hook-delete-policy': 'before-hook-creation',
          // Changes with the accounts file, so the plan shows when accounts change.
          'ai-factory.eu/accounts-sha256': createHash('sha256').update(r.accounts).digest('hex').slice(0, 16),
        },
      },
      spec: {
        backoffLimit: 20,
        template: {
          spec: {
            restartPolicy: 'OnFailure',
            containers: [
              {
                name: 'sacctmgr',
                image: mirror ? mirrorImage(SLURM_LOGIN_IMAGE, mirror.imageRegistry) : SLURM_LOGIN_IMAGE,
                command: ['/bin/bash', '-c', script],
                volumeMounts: [
                  { name: 'accounts', mountPath: '/etc/aif' },
                  { name: 'slurm-key', mountPath: '/etc/slurm/slurm.key', subPath: 'slurm.key' },
                ],
              },
            ],
            volumes: [
              { name: 'accounts', configMap: { name: ACCOUNTS_CONFIG_MAP } },
              { name: 'slurm-key', secret: { secretName: 'slurm-auth-slurm' } },
            ],
          },
        },
      },
    },
  ];
}
