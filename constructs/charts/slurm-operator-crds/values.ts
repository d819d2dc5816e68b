/**
 * Typed values of the Slinky `slurm-operator-crds` chart (1.2.1): the chart has no values.
 *
 * @see https://github.com/SlinkyProject/slurm-operator/tree/v1.2.1/helm/slurm-operator-crds
 */
export type SlurmOperatorCrdsValues = Readonly<Record<string, never>>;
