/**
 * The images a pinned chart deploys with given values: the chart's default images
 * (`<chart>/default-images.ts`) with the caller's values merged over them, as Helm merges
 * them, minus the images whose switch is off. This is what a cluster pulls, so checks of
 * images (no `latest`, everything from the mirror) read it rather than only the values
 * written.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
import type { ImageSlot, ImageSwitch } from './chart-definition';
import { deepMerge, getPath, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from './json';
import { expand } from './mirror';
import { CHART_DEFINITIONS, type ChartId } from './registry';

/**
 * One image a chart deploys.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
export interface DeployedImage {
  /** Dotted values path of the image (its key, or its map of registry, repository and tag keys). */
  readonly path: string;
  /** Registry host and repository, as the chart composes them. */
  readonly repository: string;
  /** Tag; undefined when the values hold none and the chart picks it (its appVersion). */
  readonly tag?: string;
  /** Digest (`sha256:…`), when the values hold one. */
  readonly digest?: string;
  /** Where the values that name the image come from: all from the chart's defaults, all from the caller's values, or both. */
  readonly origin: 'chart default' | 'values' | 'values and chart default';
  /** Whether the tag (or digest) is the chart's default although the caller set part of the image, e.g. a mirrored repository. */
  readonly tagFromDefault: boolean;
}

/**
 * What {@link deployedImages} found.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export interface DeployedImages {
  /** The images the chart deploys, in the order of its mirror specification. */
  readonly images: readonly DeployedImage[];
  /** Every values path read to find images, deployed or switched off, so other checks can leave those keys alone. */
  readonly keys: ReadonlySet<string>;
}

/** Whether a switch value is on: `true`, or a non-empty string, list or map. */
function isOn(value: JsonValue | undefined): boolean {
  if (value === true) return true;
  if (typeof value === 'string') return value !== '';
  if (isJsonArray(value)) return value.length > 0;
  if (isJsonObject(value)) return Object.keys(value).length > 0;
  return false;
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/** Splits `repo[:tag][@digest]`; the tag is after the last `:` that follows the last `/`. */
function splitReference(ref: string): { repository: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return { repository: hasTag ? named.slice(0, colon) : named, tag: hasTag ? named.slice(colon + 1) : undefined, digest };
}

/** Reads values paths from the caller's values first, then the chart's defaults, recording what was read and from where. */
class Reader {
  readonly keys = new Set<string>();
  private fromValues = 0;
  private fromDefaults = 0;

  constructor(
    private readonly values: JsonObject,
    private readonly defaults: JsonObject,
  ) {}

  /** A non-empty string at `path`, and whether the caller set it. */
  read(path: string): { value?: string; written: boolean } {
    this.keys.add(path);
    const own = getPath(this.values, path);
    if (typeof own === 'string' && own !== '') {
      this.fromValues++;
      return { value: own, written: true };
    }
    const def = getPath(this.defaults, path);
    if (typeof def === 'string' && def !== '') {
      this.fromDefaults++;
      return { value: def, written: false };
    }
    return { written: false };
  }

  /** A value the chart supplies outside its values (a template default); counts as a chart default. */
  template(value: string | undefined): string | undefined {
    if (value !== undefined) this.fromDefaults++;
    return value;
  }

  /** Where everything read since the last call came from; resets the count. */
  origin(): DeployedImage['origin'] {
    const o = this.fromValues === 0 ? 'chart default' : this.fromDefaults === 0 ? 'values' : 'values and chart default';
    this.fromValues = 0;
    this.fromDefaults = 0;
    return o;
  }
}

function resolve(slot: ImageSlot, path: string, merged: JsonObject, reader: Reader, hosts: readonly { parent: string; host: string }[]): DeployedImage[] {
  const image = (p: string, repository: string, tag: { value?: string; written: boolean }, digest: { value?: string; written: boolean }): DeployedImage => {
    const pinnedBy = digest.value !== undefined ? digest : tag;
    const origin = reader.origin();
    return {
      path: p,
      repository,
      ...(tag.value !== undefined ? { tag: tag.value } : {}),
      ...(digest.value !== undefined ? { digest: digest.value } : {}),
      origin,
      tagFromDefault: origin !== 'chart default' && pinnedBy.value !== undefined && !pinnedBy.written,
    };
  };
  const digestOf = (map: string) => {
    const digest = reader.read(`${map}.digest`);
    return digest.value !== undefined ? digest : reader.read(`${map}.sha`);
  };
  switch (slot.kind) {
    case 'reference': {
      const split = /^(.*)\.(repository|name)$/.exec(path);
      const own = reader.read(path);
      const upstream = typeof slot.upstream === 'function' ? slot.upstream(merged) : slot.upstream;
      const reference = own.value ?? (slot.optional ? undefined : reader.template(upstream));
      if (reference === undefined) return [];
      if (!split) {
        const parts = splitReference(reference);
        return [image(path, parts.repository, { value: parts.tag, written: own.written }, { value: parts.digest, written: own.written })];
      }
      const map = split[1];
      const registry = reader.read(`${map}.registry`).value;
      const parts = splitReference(reference);
      // A repository starting with '/' is relative to a registry host key of the chart (csi-driver-nfs `image.baseRepo`).
      const host = parts.repository.startsWith('/') ? hosts.find((h) => under(map, h.parent) || h.parent === '')?.host : undefined;
      const repository = host !== undefined ? `${host}${parts.repository}` : registry !== undefined ? `${registry}/${parts.repository}` : parts.repository;
      const fallbackTag = slot.defaults?.[`${map}.tag`];
      let tag = parts.tag !== undefined ? { value: parts.tag, written: own.written } : reader.read(`${map}.tag`);
      if (tag.value === undefined && typeof fallbackTag === 'string') tag = { value: reader.template(fallbackTag), written: false };
      const digest = parts.digest !== undefined ? { value: parts.digest, written: own.written } : digestOf(map);
      return [image(map, repository, tag, digest)];
    }
    case 'registry': {
      const registry = reader.read(`${path}.registry`).value ?? reader.template(slot.upstreamRegistry);
      const repository = reader.read(`${path}.repository`).value ?? reader.template(slot.upstreamRepository);
      return [image(path, `${registry}/${repository}`, reader.read(`${path}.tag`), digestOf(path))];
    }
    case 'prefix': {
      const prefix = reader.read(`${path}.repository`).value ?? reader.template(slot.upstreamPrefix);
      const name = reader.read(`${path}.${slot.nameKey}`).value ?? reader.template(slot.upstreamName);
      const version = reader.read(`${path}.version`);
      return [image(path, `${prefix}/${name}`, version.value !== undefined ? version : reader.read(`${path}.tag`), digestOf(path))];
    }
    case 'host': {
      // The images are the maps beside the host key whose repository is relative to it.
      reader.read(path);
      reader.origin();
      const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
      const siblings = parent === '' ? merged : getPath(merged, parent);
      if (!isJsonObject(siblings)) return [];
      return Object.entries(siblings)
        .filter(([, v]) => isJsonObject(v) && typeof v.repository === 'string' && v.repository.startsWith('/'))
        .flatMap(([key]) =>
          resolve(
            { kind: 'reference', path: `${parent ? `${parent}.` : ''}${key}.repository`, optional: true },
            `${parent ? `${parent}.` : ''}${key}.repository`,
            merged,
            reader,
            hosts,
          ),
        );
    }
  }
}

/**
 * The images `chart` deploys with `values` (the values the caller writes, mirror overrides
 * included): every image of the chart's mirror specification, read from the caller's values
 * over the chart's defaults ({@link ChartImageDefaults}), except those a switch leaves out.
 * An image the caller names in a map the chart keys by the caller's names (`nodesets.*`) is
 * included too.
 *
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export function deployedImages(chart: ChartId, values: JsonObject): DeployedImages {
  const definition = CHART_DEFINITIONS[chart];
  const defaults = definition.defaultImages;
  const merged = deepMerge(defaults.values, values);
  const isOff = (s: ImageSwitch) =>
    !Object.entries(s.anyOf).some(([key, byDefault]) => {
      const own = getPath(values, key);
      return isOn(own === undefined ? byDefault : own);
    });
  const off = defaults.switches.filter(isOff).flatMap((s) => s.images);
  const reader = new Reader(values, defaults.values);
  const hosts = definition.mirror.images.flatMap((slot) => {
    if (slot.kind !== 'host') return [];
    const host = getPath(merged, slot.path);
    const parent = slot.path.includes('.') ? slot.path.slice(0, slot.path.lastIndexOf('.')) : '';
    return [{ parent, host: typeof host === 'string' && host !== '' ? host : slot.upstream }];
  });
  const images = new Map<string, DeployedImage>();
  for (const slot of definition.mirror.images) {
    for (const path of expand(merged, slot.path)) {
      for (const image of resolve(slot, path, merged, reader, hosts)) {
        // A relative repository is found through its own slot and through its host's; keep one.
        if (!off.some((p) => under(image.path, p) || under(path, p)) && !images.has(image.path)) images.set(image.path, image);
      }
    }
  }
  return { images: [...images.values()], keys: reader.keys };
}
