/**
 * The hardware behind a Ceph cluster, as a site states it, and what Rook's CephCluster is
 * given for it: the storage nodes (by label or name), the devices, the monitor count; and
 * the arithmetic that says whether the tiers fit.
 *
 * @see https://rook.io/docs/rook/v1.20/CRDs/Cluster/ceph-cluster-crd/#storage-selection-settings
 */
import type { KubernetesObject } from '../charts/common-values';

/** Ceph's default `mon_osd_nearfull_ratio`: past it, the cluster warns and should not be planned into. */
export const CEPH_NEARFULL_RATIO = 0.85;

/** Raw bytes per usable byte of the erasure-coded 2+1 object data pools ({@link CephCluster.addObjectStore}). */
export const OBJECT_EC_OVERHEAD = 1.5;

/** The storage hardware of one cluster's Ceph. */
export interface CephHardware {
  readonly nodes: { readonly label: string; readonly count: number } | { readonly names: readonly string[] };
  readonly devices: { readonly filter: string } | { readonly names: readonly string[] };
  /** Devices per node, when the site declares it. */
  readonly devicesPerNode?: number;
  /** Size of a device, TiB, when the site declares it. */
  readonly deviceSizeTiB?: number;
  readonly failureDomain: 'host' | 'rack' | 'zone';
  readonly replicas: number;
  /** @default - {@link defaultMonitors} */
  readonly monitors?: number;
  /** Active MDS per filesystem. @default - {@link defaultMetadataServers} */
  readonly metadataServers?: number;
}

/** Storage nodes the hardware names or counts. */
export const storageNodeCount = (hw: Pick<CephHardware, 'nodes'>): number => ('names' in hw.nodes ? hw.nodes.names.length : hw.nodes.count);

/** Devices per node: the stated figure, else the number of device names; undefined with a filter alone. */
export const devicesPerNode = (hw: Pick<CephHardware, 'devices' | 'devicesPerNode'>): number | undefined =>
  hw.devicesPerNode ?? ('names' in hw.devices ? hw.devices.names.length : undefined);

/** The project's default monitor count: 3, or 5 from 10 storage nodes on (a project default, not a Ceph rule). */
export const defaultMonitors = (nodes: number): number => (nodes >= 10 ? 5 : 3);

/** The project's default active MDS count of a filesystem: one per 2,000 TiB, from 1 to 16 (a project default). */
export const defaultMetadataServers = (capacityTiB: number): number => Math.min(16, Math.max(1, Math.ceil(capacityTiB / 2000)));

/** Raw capacity the hardware declares, TiB; undefined when devices per node or their size is not stated. */
export function rawCapacityTiB(hw: CephHardware): number | undefined {
  const per = devicesPerNode(hw);
  return per === undefined || hw.deviceSizeTiB === undefined ? undefined : storageNodeCount(hw) * per * hw.deviceSizeTiB;
}

/** Raw capacity tiers need, TiB: replicated pools and filesystems times the replicas, object data times 1.5. */
export function requiredRawTiB(
  tiers: readonly { readonly service: 'block' | 'filesystem' | 'object'; readonly capacityTiB: number }[],
  replicas: number,
): number {
  return tiers.reduce((sum, t) => sum + t.capacityTiB * (t.service === 'object' ? OBJECT_EC_OVERHEAD : replicas), 0);
}

/**
 * The CephCluster spec fields for the hardware: `storage` (nodes and devices; nothing else is
 * used) and the monitor count. With a node label, OSDs and the other daemons are placed on
 * the labelled nodes by node affinity.
 */
export function cephClusterSpec(hw: CephHardware): KubernetesObject {
  const deviceSelection = 'filter' in hw.devices ? { deviceFilter: hw.devices.filter } : { devices: hw.devices.names.map((name) => ({ name })) };
  const byLabel = 'label' in hw.nodes ? hw.nodes : undefined;
  const [key, value] = byLabel ? byLabel.label.split('=') : [];
  return {
    mon: { count: hw.monitors ?? defaultMonitors(storageNodeCount(hw)), allowMultiplePerNode: false },
    storage: byLabel
      ? { useAllNodes: true, useAllDevices: false, ...deviceSelection }
      : { useAllNodes: false, useAllDevices: false, nodes: (hw.nodes as { names: readonly string[] }).names.map((name) => ({ name, ...deviceSelection })) },
    ...(byLabel
      ? {
          placement: {
            all: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values: [value] }] }] },
              },
            },
          },
        }
      : {}),
  };
}
