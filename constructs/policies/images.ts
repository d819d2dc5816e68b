/**
 * Image references a resource deploys, for the image rules: containers of Kubernetes
 * resources, and for a Helm release of a pinned chart every image the chart deploys (its
 * defaults merged with the values written, see `deployed-images.ts`), so an image the project
 * never writes is still checked.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
import { deployedImages } from '../charts/deployed-images';
import { deepMerge, isJsonObject, toJsonValue, type JsonObject } from '../charts/json';
import { chartIdOf, type ChartId } from '../charts/registry';
import { allLeaves, helmValues, perResource, type Leaf } from './values';
import type { ResourceView } from './rule';

/**
 * An image reference a resource deploys, with where it was found.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
export interface ImageRef {
  readonly path: string;
  /** Repository, with registry host when given. */
  readonly repository: string;
  /** Tag, when one is given alongside or inside the reference. */
  readonly tag?: string;
  /** Digest (`sha256:…`), when one is given: it pins the image whatever the tag. */
  readonly digest?: string;
  /** Where a chart's image comes from when not all from the values written, e.g. `chart default`. @default - the values written */
  readonly origin?: string;
}

/** Keys that hold an image reference: `image`, `repository`, and names such as `devicePluginImage`. */
const IMAGE_KEY = /^(image|repository)$|Image$|^relatedImage/;
const TAG_KEY = /^(tag|version)$/;

/**
 * Whether a tag names whatever was pushed last: `latest`, or a tag with `latest` as one of its
 * parts (`labeller-latest`, `rhubi-latest`, `main-latest`).
 *
 * @see https://docs.docker.com/reference/cli/docker/image/tag/
 */
export function isMovingTag(tag: string | undefined): boolean {
  return tag !== undefined && /(^|[-_.])latest($|[-_.])/i.test(tag);
}

/**
 * Image references in leaves found by their key: Kubernetes container `image` fields, Helm
 * values of the form `image: repo:tag`, and `repository` keys with a sibling `tag` (or
 * `version`, as the GPU Operator writes it).
 */
function refsInLeaves(all: readonly Leaf[]): ImageRef[] {
  const parentOf = (leaf: Leaf) => leaf.path.slice(0, leaf.path.length - leaf.key.length - 1);
  const images = all.filter((leaf) => {
    // jupyterhub writes images as image.name + image.tag.
    const isImageKey = IMAGE_KEY.test(leaf.key) || (leaf.key === 'name' && /(^|\.)image$/.test(parentOf(leaf)));
    return isImageKey && typeof leaf.value === 'string' && leaf.value.includes('/') && !/^(oci|https?):\/\//.test(leaf.value);
  });
  // Most resources name no image: their leaves are not grouped by parent.
  if (images.length === 0) return [];
  const byParent = new Map<string, Leaf[]>();
  for (const leaf of all) {
    const parent = parentOf(leaf);
    const siblings = byParent.get(parent);
    if (siblings === undefined) byParent.set(parent, [leaf]);
    else siblings.push(leaf);
  }
  return images.map((leaf): ImageRef => {
    const value = leaf.value as string;
    const siblings = byParent.get(parentOf(leaf)) ?? [];
    const sibling = siblings.find((l) => TAG_KEY.test(l.key));
    // kube-prometheus-stack and others split the registry host from the repository.
    const registry = siblings.find((l) => l.key === 'registry' && typeof l.value === 'string' && l.value !== '');
    const m = /^(.*?)(?::([\w][\w.-]*))?(?:@(sha256:[a-f0-9]+))?$/.exec(value);
    const repository = registry ? `${String(registry.value)}/${m?.[1] ?? value}` : (m?.[1] ?? value);
    const tag = m?.[2] ?? (sibling !== undefined ? String(sibling.value) : undefined);
    return { path: leaf.path, repository, tag, ...(m?.[3] ? { digest: m[3] } : {}) };
  });
}

/** The values of a Helm release, its documents merged in order as Helm merges `-f` files. */
function releaseValues(resource: ResourceView): JsonObject {
  return helmValues(resource).reduce<JsonObject>((acc, doc) => (isJsonObject(doc) ? deepMerge(acc, toJsonValue(doc) as JsonObject) : acc), {});
}

/**
 * Image references in a resource (found once per resource view). For a `helm_release` of a pinned chart: every image the
 * chart deploys with the values written ({@link deployedImages}: its defaults merged with
 * those values, switched-off images left out), plus image-like values at keys the chart's
 * image list does not name. For anything else: Kubernetes container `image` fields and
 * image-like keys of its configuration and Helm values.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function imageRefs(resource: ResourceView): readonly ImageRef[] {
  return perResource(IMAGE_REFS, resource, () => findImageRefs(resource));
}

const IMAGE_REFS = new WeakMap<ResourceView, readonly ImageRef[]>();

/** What {@link deployedImages} finds for a release, as image references. */
interface ChartImages {
  readonly deployed: readonly ImageRef[];
  readonly keys: ReadonlySet<string>;
}

/**
 * The images a release of `chart` deploys ({@link deployedImages} of its values), found once
 * per chart and values text: the values are a function of the text, and a catalogue writes
 * the same values for many releases (a chart with its defaults at every site).
 */
function chartImages(resource: ResourceView, chart: ChartId): ChartImages {
  const texts = resource.config.values;
  const key = Array.isArray(texts) && texts.every((t) => typeof t === 'string') ? `${chart}\u0000${texts.join('\u0000')}` : undefined;
  const known = key === undefined ? undefined : CHART_IMAGES.get(key);
  if (known !== undefined) return known;
  const { images, keys } = deployedImages(chart, releaseValues(resource));
  const deployed = images.map((image): ImageRef => ({
    path: `values.${image.path}`,
    repository: image.repository,
    tag: image.tag,
    ...(image.digest !== undefined ? { digest: image.digest } : {}),
    ...(image.origin === 'chart default' ? { origin: 'chart default' } : image.tagFromDefault ? { origin: 'tag from the chart default' } : {}),
  }));
  const found: ChartImages = { deployed, keys };
  if (key !== undefined) {
    if (CHART_IMAGES.size >= MAX_CHART_IMAGES) CHART_IMAGES.clear();
    CHART_IMAGES.set(key, found);
  }
  return found;
}

/** {@link chartImages} by chart and values text; shared, so never changed. */
const CHART_IMAGES = new Map<string, ChartImages>();
/** Releases' values a process keeps images of before it starts again: a catalogue has a few hundred. */
const MAX_CHART_IMAGES = 2000;

function findImageRefs(resource: ResourceView): ImageRef[] {
  const chart = resource.type === 'helm_release' ? chartIdOf(resource.config.chart, resource.config.version) : undefined;
  if (chart === undefined) return refsInLeaves(allLeaves(resource));
  const { deployed, keys } = chartImages(resource, chart);
  // Values the chart's image list reads are covered above (or switched off).
  const others = allLeaves(resource).filter((leaf) => !keys.has(leaf.path.replace(/^values\[\d+\]\./, '')));
  return [...deployed, ...refsInLeaves(others)];
}
