import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { CHARTS } from '../charts/registry';
import { mirrorImage } from '../charts/mirror';
import type { ClusterTarget } from '../core/cluster-target';
import { siteLabels } from '../core/labels';
import { GpuNodePool } from './gpu-node-pool';

/** Upstream registry path of the Network Operator's component images. */
export const MELLANOX_REPOSITORY = 'nvcr.io/nvidia/mellanox';

/** Props of {@link NicClusterPolicy}. */
export interface NicClusterPolicyProps {
  readonly target: ClusterTarget;
  readonly siteId: string;
  /**
   * GPU pools of the cluster. Every DaemonSet the policy runs (the RDMA shared device plugin
   * and any component added later) tolerates their taints ({@link GpuNodePool.nodeAgentTolerations}),
   * so it reaches every pool node.
   */
  readonly pools: readonly GpuNodePool[];
  /** Registry that mirrors every upstream image. @default - upstream */
  readonly imageRegistry?: string;
  /** RDMA devices shared per node by the shared device plugin. @default 63 */
  readonly rdmaHcaMax?: number;
  /** @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The NicClusterPolicy that tells the NVIDIA Network Operator what to run on RDMA nodes.
 * Since chart 24.10 it is no longer part of the chart, so it is a custom resource in the
 * workloads stack. It runs the RDMA shared device plugin (resource
 * `rdma/rdma_shared_device_a` on Mellanox NICs, vendor 15b3) and expects DOCA-OFED from the
 * node image, matching the GPU Operator's `driver.rdma.useHostMofed`. `spec.tolerations`,
 * which the operator gives every DaemonSet it manages, holds the pools' node-agent tolerations.
 *
 * Component images are tagged `network-operator-v<chart version>` in NVIDIA's registry.
 * @see https://docs.nvidia.com/networking/display/kubernetes2610/customizations/crds.html
 */
export class NicClusterPolicy extends Construct {
  readonly manifest: Manifest;

  constructor(scope: Construct, id: string, props: NicClusterPolicyProps) {
    super(scope, id);
    const repository = props.imageRegistry ? mirrorImage(MELLANOX_REPOSITORY, props.imageRegistry) : MELLANOX_REPOSITORY;
    const version = `network-operator-v${CHARTS['network-operator'].version}`;
    this.manifest = new Manifest(this, 'Policy', {
      provider: props.target.kubernetes,
      dependsOn: props.dependsOn,
      manifest: {
        apiVersion: 'mellanox.com/v1alpha1',
        kind: 'NicClusterPolicy',
        metadata: { name: 'nic-cluster-policy', labels: siteLabels(props.siteId) },
        spec: {
          // Injected into every DaemonSet the operator manages (NicClusterPolicy CRD, 26.4.1).
          tolerations: GpuNodePool.nodeAgentTolerations(props.pools),
          rdmaSharedDevicePlugin: {
            image: 'k8s-rdma-shared-dev-plugin',
            repository,
            version,
            config: JSON.stringify({
              configList: [{ resourceName: 'rdma_shared_device_a', rdmaHcaMax: props.rdmaHcaMax ?? 63, selectors: { vendors: ['15b3'] } }],
            }),
          },
        },
      },
    });
  }
}
