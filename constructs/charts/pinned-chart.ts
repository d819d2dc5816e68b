import { DNS_LABEL_PATTERN, DNS_SUBDOMAIN_PATTERN } from '../core/names';
import { Release } from '@cdktf/provider-helm/lib/release';
import { TerraformStack, Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Scalar, stringify, type ScalarTag, type ToStringOptions } from 'yaml';
import type { StringifyContext } from 'yaml/dist/util';
import { deepMerge, jsonCopy, toJsonObject, type JsonObject, type JsonValue } from './json';
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
 * The text is `yaml`'s `stringify(values, VALUES_YAML_OPTIONS)` to the byte; see
 * {@link blockYaml} for how it is written without building a YAML document first.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 * @see https://yaml.org/spec/1.2.2/#812-literal-style
 */
export function valuesYaml(values: JsonObject): string {
  const written = blockYaml(values);
  return written ?? stringify(values, VALUES_YAML_OPTIONS);
}

/** How {@link valuesYaml} writes: YAML 1.1, literal blocks for multi-line strings, no folding. */
const VALUES_YAML_OPTIONS: ToStringOptions & { readonly version: '1.1' } = { version: '1.1', blockQuote: 'literal', lineWidth: 0 };

/**
 * `stringify(value, VALUES_YAML_OPTIONS)` for plain JSON data, written directly: a synth writes
 * some 400 values documents, and `yaml` builds a document of nodes for each, with its pairs,
 * anchors and tags, before it writes a line (a tenth of a synth's CPU). Here the block layout
 * (`key: value`, `- item`, two spaces a level, `{}` and `[]` for empty collections) is written
 * as `yaml` writes it, and every string goes through `yaml`'s own `stringifyString`, with the
 * context its `stringify` would give it, so that quoting, literal blocks and YAML 1.1's special
 * words follow `yaml` exactly; a single-line string is written the same at any depth, so each
 * is worked out once. Undefined (`yaml` takes it) for anything else: a value that is not plain
 * JSON data (a class instance, `undefined` in a list, a number that is not finite), an object
 * met twice (`yaml` writes an anchor and an alias), a key longer than 1024 characters (`yaml`
 * writes an explicit `? key`).
 *
 * @see https://eemeli.org/yaml/#creating-documents
 * @see https://yaml.org/spec/1.2.2/#chapter-8-block-style-productions
 */
function blockYaml(values: JsonValue): string | undefined {
  try {
    return `${blockNode(values, '', new Set())}\n`;
  } catch (e) {
    if (e instanceof NotPlainJson) return undefined;
    throw e;
  }
}

/** Thrown inside {@link blockYaml} to hand the document to `yaml`. */
class NotPlainJson extends Error {}

/** `yaml`'s indentation step for map entries; list items are indented by two spaces in any case. */
const INDENT_STEP = '  ';

function blockNode(value: JsonValue | undefined, indent: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return yamlString(value, indent, false);
    case 'number':
      if (!Number.isFinite(value)) throw new NotPlainJson();
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (seen.has(value)) throw new NotPlainJson();
      seen.add(value);
      if (Array.isArray(value)) return blockList(value, indent, seen);
      if (Object.getPrototypeOf(value) !== Object.prototype) throw new NotPlainJson();
      return blockMap(value as JsonObject, indent, seen);
    default:
      throw new NotPlainJson();
  }
}

function blockMap(map: JsonObject, indent: string, seen: Set<object>): string {
  const inner = indent + INDENT_STEP;
  let text = '';
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    const written = yamlString(key, inner, true);
    if (written.length > 1024) throw new NotPlainJson();
    const body = blockNode(value, inner, seen);
    const nested = typeof value === 'object' && value !== null && !isEmptyCollection(value);
    const entry = `${written}:${nested ? `\n${inner}` : ' '}${body}`;
    text += text === '' ? entry : `\n${indent}${entry}`;
  }
  return text === '' ? '{}' : text;
}

function blockList(list: readonly JsonValue[], indent: string, seen: Set<object>): string {
  if (list.length === 0) return '[]';
  const inner = `${indent}  `;
  let text = '';
  for (let i = 0; i < list.length; i++) {
    if (!(i in list) || list[i] === undefined) throw new NotPlainJson();
    const entry = `- ${blockNode(list[i], inner, seen)}`;
    text += i === 0 ? entry : `\n${indent}${entry}`;
  }
  return text;
}

function isEmptyCollection(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/**
 * A string as `yaml` writes it at `indent` (a key when `key`): `stringifyString` with the
 * context `yaml` gives it there. A string of one line is written the same at any depth but the
 * first (where `yaml` treats a line starting `---`, `...` or `%` specially), so it is looked
 * up first.
 *
 * @see https://yaml.org/type/merge.html
 */
function yamlString(value: string, indent: string, key: boolean): string {
  // YAML 1.1's merge key: `yaml` writes the string `<<` with its merge tag, as it is.
  if (value === '<<') return value;
  const cacheable = !value.includes('\n');
  const cache = key ? (indent === INDENT_STEP ? WRITTEN_TOP_KEYS : WRITTEN_KEYS) : indent === '' ? undefined : WRITTEN_VALUES;
  const cached = cacheable ? cache?.get(value) : undefined;
  if (cached !== undefined) return cached;
  const context: StringifyContext = Object.create(stringContext()) as StringifyContext;
  context.indent = indent;
  context.implicitKey = key;
  context.forceBlockIndent = false;
  const written = stringifyString(new Scalar(value), context);
  if (cacheable && cache !== undefined) {
    if (cache.size >= MAX_WRITTEN_STRINGS) cache.clear();
    cache.set(value, written);
  }
  return written;
}

/** Strings written by {@link yamlString}, by text: values, keys of the top-level map, deeper keys. */
const WRITTEN_VALUES = new Map<string, string>();
const WRITTEN_TOP_KEYS = new Map<string, string>();
const WRITTEN_KEYS = new Map<string, string>();
/** Entries a cache keeps before it starts again: far more than the distinct strings of a catalogue. */
const MAX_WRITTEN_STRINGS = 100_000;

let STRING_CONTEXT: StringifyContext | undefined;

/**
 * The context `yaml`'s `stringify` gives a string with {@link VALUES_YAML_OPTIONS} (its options
 * with `yaml`'s defaults, its YAML 1.1 schema), as a custom tag receives it: taken from one
 * stringify, with a tag for a marker value, and used as the prototype of each string's context.
 *
 * @see https://eemeli.org/yaml/#writing-custom-tags
 */
function stringContext(): StringifyContext {
  if (STRING_CONTEXT === undefined) {
    const marker = Symbol('context');
    const capture: ScalarTag = {
      tag: '!ai-factory-cdk-context',
      identify: (v) => v === marker,
      resolve: (s) => s,
      stringify: (_item, context) => {
        STRING_CONTEXT = { ...context, actualString: true, inFlow: null };
        return '';
      },
    };
    stringify({ marker }, { ...VALUES_YAML_OPTIONS, customTags: [capture] });
  }
  if (STRING_CONTEXT === undefined) throw new Error('valuesYaml: yaml did not stringify the marker value with its custom tag');
  return STRING_CONTEXT;
}

/** `yaml`'s `stringifyString` (its public `yaml/util` export; its types are read from the file `yaml/dist/util`). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stringifyString } = require('yaml/util') as typeof import('yaml/dist/util');

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
        return { text: valuesYaml(rendered), documents: () => [jsonCopy(rendered)] };
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
