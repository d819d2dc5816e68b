/**
 * What each chart folder (`constructs/charts/<chart-id>/chart.ts`) declares: the chart's pin
 * and how its images are mirrored, with helpers for the usual image and pull Secret key forms.
 * This file imports no chart, so chart folders can import it while `CHARTS` (registry.ts)
 * and `MIRROR_SPECS` (mirror.ts) import the chart folders.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */
import type { JsonObject, JsonValue } from './json';

/**
 * Where a chart is installed from, as the Helm Terraform provider takes it: for an OCI chart
 * `repository` is the `oci://` parent and `chart` the last path segment.
 *
 * @see https://registry.terraform.io/providers/hashicorp/helm/latest/docs/resources/release#example-usage---chart-repository
 */
export interface ChartRef {
  /** Chart name inside the repository (`helm_release.chart`). */
  readonly chart: string;
  /** Helm repository URL, or the `oci://` parent of an OCI chart (`helm_release.repository`). */
  readonly repository: string;
  /** Exact published chart version (`helm_release.version`). */
  readonly version: string;
  /** Suggested namespace; callers may override it. */
  readonly namespace: string;
  /** Upstream source the pinned values were read from: `owner/repo @ ref (commit) : path`. */
  readonly source: string;
  /**
   * The `kubeVersion` constraint of the chart's `Chart.yaml` at {@link source}, verbatim
   * (e.g. `>= 1.29.0-0`); Helm refuses to install the chart on an older cluster. `null`
   * when the chart states none.
   *
   * @see https://helm.sh/docs/topics/charts/#the-kubeversion-field
   */
  readonly kubeVersion: string | null;
}

/**
 * One image key of a chart, in the chart's own form:
 * - `reference`: one key holds the image with its registry host (`repository`, jupyterhub
 *   `name`, full `repo:tag` strings); `*` in the path matches every entry of a map the caller set;
 * - `registry`: an image map with separate `registry` and `repository` keys;
 * - `prefix`: an image map with `repository` (registry and path prefix) and a name key
 *   (`image` or `name`), as in the NVIDIA operators;
 * - `host`: one key holds a registry host that the chart prefixes to other repositories.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export type ImageSlot =
  | {
      readonly kind: 'reference';
      /** Dotted key path. */
      readonly path: string;
      /** Chart default (from values.yaml or, where noted, its templates); a function when it depends on other values. @default - none: only what the caller set is rewritten */
      readonly upstream?: string | ((values: JsonObject) => string);
      /** Only rewrite what the caller set (the chart has no default, or the path has `*`). @default false */
      readonly optional?: boolean;
      /** Keys written with the image when the caller didn't set them (a tag the chart doesn't default). @default - none */
      readonly defaults?: Readonly<Record<string, JsonValue>>;
    }
  | { readonly kind: 'registry'; readonly path: string; readonly upstreamRegistry: string; readonly upstreamRepository: string }
  | { readonly kind: 'prefix'; readonly path: string; readonly nameKey: 'image' | 'name'; readonly upstreamPrefix: string; readonly upstreamName: string }
  | { readonly kind: 'host'; readonly path: string; readonly upstream: string };

/**
 * Where a chart takes image pull Secrets, and in which form.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface PullSecretSlot {
  /** Dotted key path. */
  readonly path: string;
  /** `names`: list of names; `refs`: list of `{ name }`; `ref`: one `{ name }`; `name`: one string. */
  readonly form: 'names' | 'refs' | 'ref' | 'name';
  /** Only add the Secret when the caller already set this key (it would shadow another one). @default false */
  readonly ifSet?: boolean;
  /** Keys that must be set for the Secret to be used. @default - none */
  readonly with?: Readonly<Record<string, JsonValue>>;
}

/**
 * A value that pulls images the mirror can't rewrite; a mirrored install must leave it unset.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface MirrorBlocker {
  /** Dotted key path; blocked when the caller sets it to anything but false, '' or null. */
  readonly path: string;
  /** What it would pull from upstream. */
  readonly reason: string;
  /** What to do instead. */
  readonly fix: string;
}

/**
 * How one chart is mirrored.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface ChartMirrorSpec {
  /** Every image key of the chart and its sub-charts. */
  readonly images: readonly ImageSlot[];
  /** Where the pull Secret goes. */
  readonly pullSecrets: readonly PullSecretSlot[];
  /** Values that can't be mirrored. */
  readonly blockers: readonly MirrorBlocker[];
  /** Image keys deliberately left alone, with the reason. */
  readonly notMirrored: Readonly<Record<string, string>>;
}

/**
 * Values that turn some of a chart's images on: a sub-chart's `condition` in `Chart.yaml`, an
 * operand's `enable` flag. The images are deployed when any of the values is on: `true`, or a
 * non-empty string, list or map.
 *
 * @see https://helm.sh/docs/topics/charts/#tags-and-condition-fields-in-dependencies
 */
export interface ImageSwitch {
  /** Dotted value paths, with the chart's default for each. */
  readonly anyOf: Readonly<Record<string, JsonValue>>;
  /** Dotted paths of the images (or of whole sub-trees of image keys) the switch governs. */
  readonly images: readonly string[];
  /** Where the condition is read, e.g. `Chart.yaml dependencies[kmm].condition`. */
  readonly source: string;
}

/**
 * The images a chart deploys when the caller sets nothing, carried from the pinned chart as
 * data: the default value of every key its {@link ChartMirrorSpec} names, with the tag,
 * digest, version and registry keys beside it, and the switches that leave images out. Helm
 * merges the caller's values over these, so the merge is what the cluster pulls (see
 * `deployed-images.ts`). Images whose default lives in the chart's templates rather than its
 * values come from the mirror slot's `upstream`.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export interface ChartImageDefaults {
  /** The values files read, `owner/repo @ ref (commit) : path`: the chart's, then its sub-charts' (under their alias). */
  readonly sources: readonly string[];
  /** Default values of the image keys, nested as in the chart's values. */
  readonly values: JsonObject;
  /** Images deployed only when a value is on. @default - every image is deployed */
  readonly switches: readonly ImageSwitch[];
}

/**
 * Everything the project pins about one chart, exported by its folder's `chart.ts`. The
 * chart's typed values sit beside it in `values.ts`, its default images in `default-images.ts`.
 *
 * @see https://helm.sh/docs/topics/charts/#the-chartyaml-file
 */
export interface ChartDefinition {
  /** Where the chart is installed from, at which version. */
  readonly ref: ChartRef;
  /** Every image key of the chart and its sub-charts, and where pull Secrets go. */
  readonly mirror: ChartMirrorSpec;
  /** The image values of the pinned chart's defaults, and the switches that leave images out. */
  readonly defaultImages: ChartImageDefaults;
}

/**
 * A `reference` image slot with the chart default it is mirrored from when the caller sets
 * nothing.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export function referenceImage(path: string, upstream: string): ImageSlot {
  return { kind: 'reference', path, upstream };
}

/**
 * A `reference` image slot with no chart default: only an image the caller set is mirrored.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export function optionalReferenceImage(path: string): ImageSlot {
  return { kind: 'reference', path, optional: true };
}

/**
 * A `registry` image slot: an image map with separate `registry` and `repository` keys.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export function registryImage(path: string, upstreamRegistry: string, upstreamRepository: string): ImageSlot {
  return { kind: 'registry', path, upstreamRegistry, upstreamRepository };
}

/**
 * A `prefix` image slot whose name key is `image`, as in the NVIDIA GPU Operator's
 * `<repository>/<image>:<version>`.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export function prefixImage(path: string, upstreamPrefix: string, upstreamName: string): ImageSlot {
  return { kind: 'prefix', path, nameKey: 'image', upstreamPrefix, upstreamName };
}

/**
 * A pull Secret slot that takes a list of Secret names.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
 */
export function pullSecretNames(path: string): PullSecretSlot {
  return { path, form: 'names' };
}

/**
 * A pull Secret slot that takes a list of `{ name }` references.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
 */
export function pullSecretRefs(path: string): PullSecretSlot {
  return { path, form: 'refs' };
}
