import { Annotations, TerraformResource, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { resolvedDocuments, resolvedStack } from '../charts/stack-file';
import { MirroredArtifacts } from './rules/mirrored-artifacts';
import { NoLatestImages } from './rules/no-latest-images';
import { NoPlaintextSecrets } from './rules/no-plaintext-secrets';
import { PinnedChartVersions } from './rules/pinned-chart-versions';
import { RetainedStorage } from './rules/retained-storage';
import type { PolicyRule, ResourceView, RuleContext } from './rule';
import { TenantNetworkIsolation } from './rules/tenant-network-isolation';
import { TenantPodSecurity } from './rules/tenant-pod-security';
import { TenantQuota } from './rules/tenant-quota';

/** Every rule of the ai-factory-cdk pack. */
export const AI_FACTORY_RULES: readonly PolicyRule[] = [
  TenantNetworkIsolation,
  TenantQuota,
  TenantPodSecurity,
  NoPlaintextSecrets,
  PinnedChartVersions,
  NoLatestImages,
  MirroredArtifacts,
  RetainedStorage,
];

/** A rule's finding on one resource. */
export interface Finding {
  readonly ruleId: string;
  readonly level: 'error' | 'warning';
  readonly stack: string;
  readonly path: string;
  readonly info: string;
  readonly explanation: string;
  readonly details: readonly string[];
  /** The reason given when the finding was suppressed. */
  readonly suppressedBecause?: string;
}

const SUPPRESSIONS = Symbol.for('ai-factory-cdk.policy-suppressions');
type Suppressible = IConstruct & { [SUPPRESSIONS]?: Map<string, string> };

/**
 * Suppresses a rule on a construct and everything below it. The reason is printed with the
 * finding on every synth and validate run, so reviewers see what was waived and why.
 * @param ruleId a rule id of the pack, e.g. `AIF-TEN-1`
 * @param reason why the finding is acceptable here (at least 10 characters)
 */
export function suppressPolicy(scope: IConstruct, ruleId: string, reason: string): void {
  const problems: string[] = [];
  if (!AI_FACTORY_RULES.some((r) => r.id === ruleId)) problems.push(`unknown rule id ${ruleId}; use one of ${AI_FACTORY_RULES.map((r) => r.id).join(', ')}`);
  if (reason.trim().length < 10) problems.push(`the reason "${reason}" is too short; say why the finding is acceptable`);
  if (problems.length > 0) throw new Error(`suppressPolicy on ${scope.node.path}: ${problems.join('; ')}`);
  const target = scope as Suppressible;
  target[SUPPRESSIONS] ??= new Map();
  target[SUPPRESSIONS].set(ruleId, reason.trim());
}

function suppressionFor(construct: IConstruct, ruleId: string): string | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const reason = (scope as Suppressible)[SUPPRESSIONS]?.get(ruleId);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** Props of a {@link PolicyPack}. */
export interface PolicyPackProps {
  /** Registry every image must come from. @default - no mirror rule */
  readonly imageRegistry?: string;
  /** Chart repository every chart must come from. @default - no mirror rule */
  readonly chartRepository?: string;
  /** Rules to run. @default AI_FACTORY_RULES */
  readonly rules?: readonly PolicyRule[];
}

/**
 * The ai-factory-cdk policy pack, as an Aspect: on every synth it checks each resource of a
 * stack against every rule. Error-level findings become error annotations, which stop the
 * synth; suppressed findings become warnings that show the reason.
 */
export class PolicyPack implements IAspect {
  private readonly rules: readonly PolicyRule[];
  private readonly checked = new Map<TerraformStack, Finding[]>();

  constructor(private readonly props: PolicyPackProps = {}) {
    this.rules = props.rules ?? AI_FACTORY_RULES;
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.checked.has(node)) return;
    for (const f of this.check(node)) {
      const text = `[${f.ruleId}] ${f.info} ${f.details.join('; ')}`;
      const annotations = Annotations.of(findConstruct(node, f.path));
      if (f.suppressedBecause !== undefined) annotations.addWarning(`${text} (suppressed: ${f.suppressedBecause})`);
      else if (f.level === 'error') annotations.addError(text);
      else annotations.addWarning(text);
    }
  }

  /** Runs every rule on every resource of a stack (once; later calls return the same). */
  check(stack: TerraformStack): Finding[] {
    const cached = this.checked.get(stack);
    if (cached) return cached;
    // The stack's resolved JSON is exactly what will be written: overrides applied, tokens
    // turned into Terraform references, and the files it reads (Helm values) inlined.
    const json = resolvedStack(stack) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
    // The Helm values as the data they were written from, not parsed back from their YAML.
    const documents = resolvedDocuments(stack);
    const resources: ResourceView[] = stack.node
      .findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
      .map((r) => ({
        type: r.terraformResourceType,
        path: r.node.path,
        construct: r,
        config: json.resource?.[r.terraformResourceType]?.[stack.getLogicalId(r)] ?? {},
        documents,
      }));
    const context: RuleContext = { resources, imageRegistry: this.props.imageRegistry, chartRepository: this.props.chartRepository };
    const findings: Finding[] = [];
    for (const resource of resources) {
      for (const rule of this.rules) {
        const result = rule.check(resource, context);
        if (result.status !== 'non-compliant') continue;
        findings.push({
          ruleId: rule.id,
          level: rule.level,
          stack: stack.node.id,
          path: resource.path,
          info: rule.info,
          explanation: rule.explanation,
          details: result.details,
          suppressedBecause: suppressionFor(resource.construct, rule.id),
        });
      }
    }
    this.checked.set(stack, findings);
    return findings;
  }
}

function findConstruct(stack: TerraformStack, path: string): IConstruct {
  return stack.node.findAll().find((c) => c.node.path === path) ?? stack;
}

/** Findings that fail a synth: error level and not suppressed. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.level === 'error' && f.suppressedBecause === undefined);
}

/** Renders findings for a terminal, one block per finding. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const head = f.suppressedBecause !== undefined ? `suppressed ${f.ruleId}` : `${f.level} ${f.ruleId}`;
      const lines = [`${head} ${f.path}`, `  ${f.info}`, ...f.details.map((d) => `  - ${d}`)];
      if (f.suppressedBecause !== undefined) lines.push(`  reason: ${f.suppressedBecause}`);
      else lines.push(`  why: ${f.explanation}`);
      return lines.join('\n');
    })
    .join('\n');
}
