import type { IConstruct } from 'constructs';

/** A Terraform resource as a rule sees it: its type, construct and final configuration. */
export interface ResourceView {
  /** Terraform resource type, e.g. `kubernetes_namespace_v1`. */
  readonly type: string;
  /** Construct path, e.g. `de-jaif-workloads/Tenant-main-acme/Namespace/Namespace`. */
  readonly path: string;
  /** The construct, for suppressions and annotations. */
  readonly construct: IConstruct;
  /** The synthesized configuration, escape-hatch overrides included. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * The data of a document the stack generated (a Helm values file), by its text, when the
   * synth knows it: what parsing the text gives, without parsing it again. Shared: do not
   * change it. @default - every document is parsed
   */
  readonly documents?: (text: string) => readonly unknown[] | undefined;
}

/** Everything a rule may look at: the resource under check and its whole stack. */
export interface RuleContext {
  readonly resources: readonly ResourceView[];
  /** Image registry every image must come from, when the site has a mirror. */
  readonly imageRegistry?: string;
  /** Chart repository every chart must come from, when the site has a mirror. */
  readonly chartRepository?: string;
}

/** What a rule answers for one resource. */
export type RuleResult =
  { readonly status: 'not-applicable' } | { readonly status: 'compliant' } | { readonly status: 'non-compliant'; readonly details: readonly string[] };

export const NOT_APPLICABLE: RuleResult = { status: 'not-applicable' };
export const COMPLIANT: RuleResult = { status: 'compliant' };
/** Non-compliant with one line per offending detail; compliant when there is none. */
export function nonCompliant(details: readonly string[]): RuleResult {
  return details.length === 0 ? COMPLIANT : { status: 'non-compliant', details };
}

/**
 * One policy rule: a pure function of a resource and its stack.
 * @see https://github.com/cdklabs/cdk-nag/blob/main/RULES.md for the pattern
 */
export interface PolicyRule {
  /** Stable id, e.g. `AIF-TEN-1`. Never reused for another meaning. */
  readonly id: string;
  /** `error` fails the synth; `warning` is reported only. */
  readonly level: 'error' | 'warning';
  /** What is wrong, in one line. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  readonly check: (resource: ResourceView, context: RuleContext) => RuleResult;
}
