import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterTarget } from '../../core/cluster-target';
import { PinnedChart, type RegistryMirror } from '../../charts/pinned-chart';

/** Props of {@link SlurmOperator}. */
export interface SlurmOperatorProps {
  readonly target: ClusterTarget;
  /** @default - upstream registries */
  readonly mirror?: RegistryMirror;
  /** @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Slinky's operator for Slurm on Kubernetes, in the platform stack: cert-manager (the
 * operator's webhook needs it), the Slurm CRDs, then the operator. The Slurm cluster itself
 * is made of custom resources and lives in the workloads stack ({@link SlurmCluster}).
 * @see https://github.com/SlinkyProject/slurm-operator/blob/v1.2.1/docs/installation.md
 */
export class SlurmOperator extends Construct {
  readonly certManager: PinnedChart<'cert-manager'>;
  readonly crds: PinnedChart<'slurm-operator-crds'>;
  readonly operator: PinnedChart<'slurm-operator'>;

  constructor(scope: Construct, id: string, props: SlurmOperatorProps) {
    super(scope, id);
    const after = props.dependsOn ?? [];
    this.certManager = new PinnedChart(this, 'CertManager', {
      target: props.target,
      chart: 'cert-manager',
      mirror: props.mirror,
      dependsOn: after,
      values: { crds: { enabled: true, keep: true } },
    });
    this.crds = new PinnedChart(this, 'Crds', { target: props.target, chart: 'slurm-operator-crds', mirror: props.mirror, dependsOn: after, values: {} });
    this.operator = new PinnedChart(this, 'Operator', {
      target: props.target,
      chart: 'slurm-operator',
      mirror: props.mirror,
      dependsOn: [this.certManager.release, this.crds.release],
      // CRDs come from their own release, so upgrades of the operator never drop them.
      values: { crds: { enabled: false }, certManager: { enabled: true } },
    });
  }
}
