import { DNS_LABEL_PATTERN, DNS_SUBDOMAIN_PATTERN } from '../core/names';
import { Release } from '@cdktf/provider-helm/lib/release';
import { TerraformStack, Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { deepMerge, toJsonObject, type JsonObject } from './json';
import { mirrorOverrides, mirrorProblems, type RegistryMirror } from './mirror';
import { CHARTS, type ChartId, type ChartRef } from './registry';
import { StackFile } from './stack-file';
import type { ChartValues } from './values';
import type { ClusterTarget } from '../core/cluster-target';

/** Registry mirror of a sovereign install (re-exported for constructs that take one). */
export type { RegistryMirror } from './mirror';

/** Helm release names: a DNS-1123 subdomain of at most 53 characters. */
const RELEASE_NAME = DNS_SUBDOMAIN_PATTERN;
const DNS_LABEL = DNS_LABEL_PATTERN;
const DNS_SUBDOMAIN = DNS_SUBDOMAIN_PATTERN;
const IMAGE_REGISTRY = /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/;

/**
 * Props of a {@link PinnedChart}.
 *
 * @see https://registry.terraform.io/providers/hashicorp/helm/latest/docs/resources/release
 */
export interface PinnedChartProps<C extends ChartId> {
  /** Cluster whose Helm provider installs the release. */
  readonly target: ClusterTarget;
  /** Pinned chart; the version comes from the registry. */
  readonly chart: C;
  /** Helm release name (at most 53 characters). @default - the chart id, e.g. `gpu-operator` */
  readonly releaseName?: string;
  /** Namespace of the release. @default - the registry's suggested namespace for the chart */
  readonly namespace?: string;
  /** Let Helm create the namespace. Set false when a construct owns the namespace. @default true */
  readonly createNamespace?: boolean;
  /** Helm values, typed per chart. Only real keys of the pinned chart. */
  readonly values: NoInfer<ChartValues[C]>;
  /**
   * Registry mirror for sovereign installs: the chart comes from `chartRepository` (same chart
   * name) and every image of the chart and its sub-charts from `imageRegistry`.
   * @default - upstream chart repository and images
   */
  readonly mirror?: RegistryMirror;
  /** Resources the release waits for (its namespace, CRD charts, cert-manager …). @default - none */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Seconds Helm waits for the release to become ready. Operators pull large images (GPU
   * drivers, Ceph), so the default is above Helm's 300.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /** Wait until every resource of the release is ready. @default true */
  readonly wait?: boolean;
}

/**
 * Helm values as the YAML document Helm receives: YAML 1.1, so strings such as `YES`, `on` or
 * `0755` stay strings for Helm, whose parser still follows YAML 1.1; block style, multi-line
 * strings (rendered Slurm files, scripts) as literal `|` blocks and no folding of long lines,
 * so that a changed value is a changed line in a diff.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 * @see https://yaml.org/spec/1.2.2/#812-literal-style
 */
export function valuesYaml(values: JsonObject): string {
  return stringify(values, { version: '1.1', blockQuote: 'literal', lineWidth: 0 });
}

/**
 * A `helm_release` of a chart pinned in the chart registry: the version is never chosen at
 * the call site, values are typed per chart and written as one YAML document, and a registry
 * mirror rewrites the chart repository and every image (sub-charts included).
 *
 * The values document ({@link valuesYaml}) is a file beside the stack's JSON,
 * `values/<construct path in the stack>.yaml` (e.g. `values/Slurm-main/Slurm.yaml`), that the
 * release reads with `file()`: a change of values is a change of lines in a diff.
 *
 * @see https://registry.terraform.io/providers/hashicorp/helm/latest/docs/resources/release
 */
export class PinnedChart<C extends ChartId = ChartId> extends Construct {
  /** The `helm_release` resource. */
  readonly release: Release;
  /** Helm release name. */
  readonly releaseName: string;
  /** Namespace of the release. */
  readonly namespace: string;
  /** The pinned chart, as in the registry (upstream repository). */
  readonly chartRef: ChartRef;
  /** Chart id. */
  readonly chart: C;
  /** Repository the chart is installed from: the mirror's when one is given. */
  readonly repository: string;
  /**
   * The values given at construction: the caller's values with the mirror overrides merged
   * over them. Helm receives these, with what {@link PinnedChart.produceValuesAtSynth} adds.
   */
  readonly values: JsonObject;
  /** The values document, written beside the stack's JSON. */
  readonly valuesFile: StackFile;
  private produceValues: () => JsonObject = () => this.values;

  constructor(scope: Construct, id: string, props: PinnedChartProps<C>) {
    super(scope, id);
    this.chart = props.chart;
    this.chartRef = CHARTS[props.chart];
    this.releaseName = props.releaseName ?? props.chart;
    this.namespace = props.namespace ?? this.chartRef.namespace;
    const timeout = props.timeoutSeconds ?? 600;

    const problems = validate(props, this.releaseName, this.namespace, timeout);
    if (problems.length > 0) {
      throw new Error(`PinnedChart ${this.node.path} (${props.chart} ${this.chartRef.version}):\n  ${problems.join('\n  ')}`);
    }

    const values = toJsonObject(props.values);
    this.values = props.mirror ? deepMerge(values, mirrorOverrides(props.chart, props.values, props.mirror)) : values;
    this.repository = props.mirror?.chartRepository ?? this.chartRef.repository;
    // Named by the construct path, which the Terraform address carries too: unique in the stack and stable.
    const inStack = this.node.scopes.slice(this.node.scopes.indexOf(TerraformStack.of(this)) + 1).map((c) => c.node.id);
    this.valuesFile = new StackFile(this, 'Values', {
      path: `values/${inStack.join('/')}.yaml`,
      content: () => {
        const rendered = this.renderedValues;
        // The policy pack reads the values as data: a copy (JSON drops undefined keys, as the
        // YAML does), so no rule sees or changes the construct's own objects.
        return { text: valuesYaml(rendered), documents: () => [JSON.parse(JSON.stringify(rendered)) as unknown] };
      },
    });

    this.release = new Release(this, 'Release', {
      provider: props.target.helm,
      name: this.releaseName,
      chart: this.chartRef.chart,
      repository: this.repository,
      version: this.chartRef.version,
      namespace: this.namespace,
      createNamespace: props.createNamespace ?? true,
      values: [this.valuesFile.reference],
      timeout,
      wait: props.wait ?? true,
      dependsOn: props.dependsOn,
    });
  }

  /**
   * Makes the values Helm receives lazy: `produce` runs at synth time and its result is what
   * the values file holds, so entries other constructs add after the chart was created still
   * reach Helm. See `renderValuesLazily`.
   *
   * @see https://developer.hashicorp.com/terraform/cdktf/concepts/tokens
   */
  produceValuesAtSynth(produce: () => JsonObject): void {
    this.produceValues = produce;
  }

  /** The values Helm receives, as they are at synth: {@link values} with what was added since. */
  get renderedValues(): JsonObject {
    return this.produceValues();
  }

  /** The values document Helm receives: the text of {@link valuesFile}. */
  get valuesDocument(): string {
    return this.valuesFile.content;
  }
}

function validate<C extends ChartId>(props: PinnedChartProps<C>, releaseName: string, namespace: string, timeout: number): string[] {
  const problems: string[] = [];
  // Names may be tokens (e.g. a namespace resource's metadata.name); Terraform checks those.
  if (!Token.isUnresolved(releaseName) && (releaseName.length > 53 || !RELEASE_NAME.test(releaseName))) {
    problems.push(
      `releaseName: is not a valid Helm release name (DNS-1123 subdomain, at most 53 characters), got "${releaseName}"; use lower-case letters, digits, "-" and "."`,
    );
  }
  if (!Token.isUnresolved(namespace) && !DNS_LABEL.test(namespace)) {
    problems.push(
      `namespace: is not a valid Kubernetes namespace (DNS-1123 label), got "${namespace}"; use lower-case letters, digits and "-", at most 63 characters`,
    );
  }
  if (!Number.isInteger(timeout) || timeout <= 0) {
    problems.push(`timeoutSeconds: must be a positive whole number of seconds, got ${timeout}; e.g. 600`);
  }
  const mirror = props.mirror;
  if (mirror) {
    if (!IMAGE_REGISTRY.test(mirror.imageRegistry)) {
      problems.push(
        `mirror.imageRegistry: must be a registry host with optional path and no scheme, got "${mirror.imageRegistry}"; e.g. registry.example.eu/mirror`,
      );
    }
    if (!/^(oci|https):\/\/\S+$/.test(mirror.chartRepository)) {
      problems.push(`mirror.chartRepository: must start with oci:// or https://, got "${mirror.chartRepository}"; e.g. oci://registry.example.eu/charts`);
    }
    if (mirror.pullSecretName !== undefined && (mirror.pullSecretName.length > 253 || !DNS_SUBDOMAIN.test(mirror.pullSecretName))) {
      problems.push(`mirror.pullSecretName: is not a valid Secret name, got "${mirror.pullSecretName}"; use a DNS-1123 subdomain`);
    }
    problems.push(...mirrorProblems(props.chart, props.values).map((p) => `values.${p}`));
  }
  return problems;
}
