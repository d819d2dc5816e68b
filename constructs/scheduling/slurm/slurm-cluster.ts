import { SLURM_HELPER_IMAGE } from '../../charts/slurm/chart';
import { Construct } from 'constructs';
import { jobNamedByContent } from '../../core/jobs';
import { CHARTS } from '../../charts/registry';
import { mirrorImage } from '../../charts/mirror';
import type { KubernetesObject } from '../../charts/common-values';
import type { SlurmNodeset, SlurmValues } from '../../charts/slurm/values';
import type { ClusterTarget } from '../../core/cluster-target';
import type { GpuNodePool } from '../../gpu/gpu-node-pool';
import { PinnedChart, type RegistryMirror } from '../../charts/pinned-chart';
import { slinkyChartValues, type SlurmRendering } from './render';
import {
  DIRECTORY_SSHD_CONFIG,
  ldapSssdConf,
  mountClaims,
  mountVolumes,
  SLURMD_LOGFILE_RESOURCES,
  slurmdResources,
  type NodeReserve,
  type SlurmDirectory,
  type SlurmMount,
} from './site-access';

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
  /**
   * Where login and slurmd pods find the site's users. Without it, login pods keep the chart's
   * local-files SSSD, which knows no site user. @default - none
   */
  readonly directory?: SlurmDirectory;
  /** Type of the login Service. @default 'ClusterIP' */
  readonly loginService?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Storage tiers mounted into every slurmd and login pod. @default - none */
  readonly mounts?: readonly SlurmMount[];
  /** CPU and memory of each node that slurmd leaves to the system and node agents. @default - 4 CPUs and 32 GiB */
  readonly nodeReserve?: NodeReserve;
}

/** What slurmd leaves of each node when the site states no reserve: the schema's default. */
export const DEFAULT_NODE_RESERVE: NodeReserve = { cpus: 4, memoryGiB: 32 };

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

    const reserve = props.nodeReserve ?? DEFAULT_NODE_RESERVE;
    const short = props.pools.filter((p) => p.poolName in r.nodeSets && (p.cpusPerNode <= reserve.cpus || p.memoryGiBPerNode <= reserve.memoryGiB));
    if (short.length > 0) {
      throw new Error(
        `SlurmCluster ${r.clusterName}: nodeReserve (${reserve.cpus} CPUs, ${reserve.memoryGiB} GiB) leaves slurmd nothing on pools ${short.map((p) => p.poolName).join(', ')}; lower it`,
      );
    }
    const mounts = props.mounts ?? [];
    const { volumes, volumeMounts } = mountVolumes(mounts);
    const directory = props.directory;

    const nodesets: Record<string, SlurmNodeset> = {};
    for (const pool of props.pools.filter((p) => p.poolName in r.nodeSets)) {
      const perNode = pool.acceleratorsPerNode * pool.unitsPerAccelerator;
      nodesets[pool.poolName] = {
        scalingMode: 'DaemonSet',
        replicas: base.nodesets[pool.poolName].replicas,
        extraConfMap: base.nodesets[pool.poolName].extraConfMap,
        // Guaranteed: the node less the reserve, which the slurmd image tells Slurm as
        // CoreSpecCount and MemSpecLimit, and every GPU unit of the node.
        slurmd: {
          resources: slurmdResources({ cpus: pool.cpusPerNode, memoryGiB: pool.memoryGiBPerNode }, reserve, { resource: pool.resourceName, units: perNode }),
          ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
        },
        logfile: { resources: SLURMD_LOGFILE_RESOURCES },
        // With ssh, Slinky mounts the cluster's sssd.conf into slurmd pods: jobs run as site users.
        ...(directory ? { ssh: { enabled: true, ...('ldap' in directory ? { extraSshdConfig: DIRECTORY_SSHD_CONFIG } : {}) } } : {}),
        // slurmd is the pool's node agent in DaemonSet mode: it must tolerate its pool's taint
        // to get a pod on every node the selector picks.
        podSpec: { nodeSelector: pool.nodeSelectorFor('slurm'), tolerations: pool.nodeAgentTolerations, ...(volumes.length > 0 ? { volumes } : {}) },
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
      loginsets:
        loginNodes > 0
          ? {
              login: {
                enabled: true,
                replicas: loginNodes,
                service: { spec: { type: props.loginService ?? 'ClusterIP' } },
                ...(directory && 'ldap' in directory ? { extraSshdConfig: DIRECTORY_SSHD_CONFIG } : {}),
                ...(volumeMounts.length > 0 ? { login: { volumeMounts }, podSpec: { volumes } } : {}),
              },
            }
          : {},
      ...(directory
        ? { sssd: 'ldap' in directory ? { conf: ldapSssdConf(directory.ldap.uri, directory.ldap.searchBase) } : { secretRef: { ...directory.sssdConfSecret } } }
        : {}),
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
      ...(accounting || mounts.length > 0 ? { extraObjects: [...mountClaims(mounts), ...(accounting ? accountObjects(r, namespace, props.mirror) : [])] } : {}),
    };

    this.chart = new PinnedChart(this, 'Slurm', { target: props.target, chart: 'slurm', namespace, mirror: props.mirror, values });
  }
}

/**
 * The accounts ConfigMap and the Job that loads it, in two steps that follow what Slurm
 * needs (tested on a real slurmctld and slurmdbd, tests/constructs/scheduling/slurm/slurmdbd.test.ts):
 * 1. the QOS, straight into slurmdbd: slurmctld refuses to start while a partition's QOS is
 *    missing there, so this cannot wait for it;
 * 2. once slurmctld answers (configless sackd, the chart's Slurm key) and has registered its
 *    TRES, the QOS limits (which name `gres/gpu`) and the accounts file.
 * A plain Job, not a Helm hook, so that the release never waits on it while slurmctld waits on
 * the QOS; named by its content ({@link jobNamedByContent}: the accounts, the QOS, the image),
 * since a Job's template cannot change: each change is a new Job, and Helm deletes the
 * previous one.
 */
function accountObjects(r: SlurmRendering, namespace: string, mirror?: RegistryMirror): KubernetesObject[] {
  const slurmdbd = `slurm-accounting.${namespace}.svc`;
  const script = [
    'set -eu',
    '# 1. The QOS, in slurmdbd directly.',
    'cat > /tmp/slurmdbd-client.conf <<EOF',
    `ClusterName=${r.clusterName}`,
    'AuthType=auth/slurm',
    'AccountingStorageType=accounting_storage/slurmdbd',
    `AccountingStorageHost=${slurmdbd}`,
    'AccountingStoragePort=6819',
    'EOF',
    'export SLURM_CONF=/tmp/slurmdbd-client.conf',
    'until sacctmgr -n show cluster >/dev/null 2>&1; do sleep 5; done',
    ...r.qos.create,
    'unset SLURM_CONF',
    '# 2. Once slurmctld is up: the QOS limits and the accounts.',
    `sackd --conf-server slurm-controller.${namespace}.svc:6817`,
    'until scontrol ping >/dev/null 2>&1; do sleep 5; done',
    ...r.qos.limits,
    'sacctmgr -i load file=/etc/aif/accounts.cfg',
  ].join('\n');
  const job = jobNamedByContent({
    name: ACCOUNTS_CONFIG_MAP,
    annotation: 'ai-factory.eu/accounts-sha256',
    // The accounts file is mounted from the ConfigMap: a change of it is a new Job too.
    inputs: [r.accounts],
    spec: {
      // slurmdbd and slurmctld may take minutes to come up on a first install.
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
  });
  return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ACCOUNTS_CONFIG_MAP }, data: { 'accounts.cfg': r.accounts } }, job];
}
