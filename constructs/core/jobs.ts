/**
 * Jobs that run once per change of what they do.
 */
import { createHash } from 'crypto';
import type { KubernetesObject } from '../charts/common-values';
import type { JsonObject } from '../charts/json';

/** Props of {@link jobNamedByContent}. */
export interface ContentNamedJobProps {
  /** Name prefix; the Job is `<name>-<hash>`. */
  readonly name: string;
  /** Namespace. @default - the release's or provider's namespace */
  readonly namespace?: string;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotation that holds the hash too, e.g. `ai-factory.eu/bucket-quotas-sha256`. */
  readonly annotation: string;
  /** The Job's spec, whole. */
  readonly spec: JsonObject;
  /** What the Job reads that its spec only names, e.g. a ConfigMap's data. @default - none */
  readonly inputs?: readonly string[];
}

/**
 * A `batch/v1` Job named for everything it runs: `<name>-<hash>`, the hash (10 hex digits of
 * SHA-256) over its whole spec and its `inputs`, also in the annotation `annotation`. A Job's
 * pod template cannot change once the Job exists: the API server refuses the patch, so an
 * upgrade (Helm's or Terraform's) of a Job of the same name with another script, image or
 * mirror fails. Any change is therefore a Job of another name, which runs once, and whoever
 * owns the previous one (Helm, Terraform) deletes it.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export function jobNamedByContent(props: ContentNamedJobProps): KubernetesObject {
  const hash = createHash('sha256').update(JSON.stringify(props.spec));
  for (const input of props.inputs ?? []) hash.update(input);
  const digest = hash.digest('hex').slice(0, 10);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${props.name}-${digest}`,
      ...(props.namespace !== undefined ? { namespace: props.namespace } : {}),
      ...(props.labels !== undefined ? { labels: { ...props.labels } } : {}),
      annotations: { [props.annotation]: digest },
    },
    spec: props.spec,
  };
}
