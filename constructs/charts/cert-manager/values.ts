/**
 * Typed values of the cert-manager chart (v1.21.1). Images are built from the top-level
 * `imageRegistry` + `imageNamespace` + each component's `image.name`, unless a component sets
 * a full `image.repository`. The chart's schema rejects unknown top-level keys.
 *
 * @see https://github.com/cert-manager/cert-manager/blob/v1.21.1/deploy/charts/cert-manager/values.yaml
 */
import type { NodeSelector, Resources, SecretRef, Toleration } from '../common-values';

/**
 * A cert-manager component image.
 *
 * @see https://github.com/cert-manager/cert-manager/blob/v1.21.1/deploy/charts/cert-manager/values.yaml
 */
export interface CertManagerImage {
  /** Image name under `imageRegistry/imageNamespace`. @default - the component's */
  readonly name?: string;
  /** Full repository; wins over `imageRegistry`, `imageNamespace` and `name`. @default '' */
  readonly repository?: string;
  /** @default - the chart appVersion */
  readonly tag?: string;
  /** @default - none */
  readonly digest?: string;
  /** @default 'IfNotPresent' */
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/**
 * A cert-manager Deployment.
 *
 * @see https://github.com/cert-manager/cert-manager/blob/v1.21.1/deploy/charts/cert-manager/values.yaml
 */
export interface CertManagerComponent {
  /** @default - the chart's default */
  readonly image?: CertManagerImage;
  /** @default 1 */
  readonly replicaCount?: number;
  /** @default - the chart's default */
  readonly nodeSelector?: NodeSelector;
  /** @default - the chart's default */
  readonly tolerations?: readonly Toleration[];
  /** @default - the chart's default */
  readonly resources?: Resources;
}

/**
 * Values of the `cert-manager` chart that the project sets.
 *
 * @see https://cert-manager.io/docs/installation/helm/
 */
export interface CertManagerValues extends CertManagerComponent {
  /** Install and keep the CRDs. @default - not installed */
  readonly crds?: { readonly enabled?: boolean; readonly keep?: boolean };
  /** Registry (may include a path prefix) of every cert-manager image. @default 'quay.io' */
  readonly imageRegistry?: string;
  /** Repository namespace of every cert-manager image. @default 'jetstack' */
  readonly imageNamespace?: string;
  /** @default - none */
  readonly global?: {
    readonly imagePullSecrets?: readonly SecretRef[];
    readonly priorityClassName?: string;
    readonly leaderElection?: { readonly namespace?: string };
  };
  /** Extra controller arguments. @default - none */
  readonly extraArgs?: readonly string[];
  /** ServiceMonitor / PodMonitor. @default - disabled */
  readonly prometheus?: { readonly enabled?: boolean; readonly servicemonitor?: { readonly enabled?: boolean; readonly interval?: string } };
  /** @default - the chart's default */
  readonly webhook?: CertManagerComponent;
  /** @default - the chart's default */
  readonly cainjector?: CertManagerComponent & { readonly enabled?: boolean };
  /** @default - the chart's default */
  readonly acmesolver?: { readonly image?: CertManagerImage };
  /** @default - the chart's default */
  readonly startupapicheck?: { readonly enabled?: boolean; readonly image?: CertManagerImage };
}
