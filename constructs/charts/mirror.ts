/**
 * Image mirroring for sovereign and air-gapped installs. A mirror holds every upstream image
 * under `<imageRegistry>/<upstream registry host>/<upstream path>` (the layout of a Harbor
 * proxy-cache project per upstream or of `crane copy`/`skopeo sync` with the host kept).
 * Each chart's folder lists every image key in the chart's own form (sub-charts included)
 * and where pull Secrets go; {@link MIRROR_SPECS} collects them and {@link mirrorOverrides}
 * turns them into Helm values.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
import type { ChartMirrorSpec, ImageSlot, PullSecretSlot } from './chart-definition';
import { getPath, isJsonArray, isJsonObject, setPath, toJsonObject, type JsonObject, type JsonValue } from './json';
import { perChart, type ChartId } from './registry';
import type { ChartValues } from './values';

/** The slot types of a mirror specification (defined with the chart definitions, re-exported for importers). */
export type { ChartMirrorSpec, ImageSlot, MirrorBlocker, PullSecretSlot } from './chart-definition';

/**
 * Where images come from in a mirrored install.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface ImageMirror {
  /** Registry host and optional path that mirrors every upstream image, e.g. `harbor.example.eu/mirror`. */
  readonly imageRegistry: string;
  /** Image pull Secret present in the release namespace. @default - anonymous pulls */
  readonly pullSecretName?: string;
}

/**
 * A full registry mirror: images plus a Helm repository that mirrors every chart.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface RegistryMirror extends ImageMirror {
  /** Helm repository (`https://…`) or OCI parent (`oci://…`) that holds every pinned chart under its upstream name. */
  readonly chartRepository: string;
}

/**
 * An image reference split into its parts, with Docker Hub made explicit.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export interface ParsedImage {
  /** Registry host (`docker.io` for Docker Hub). */
  readonly host: string;
  /** Repository path inside the registry (`library/<name>` for Docker Hub official images). */
  readonly path: string;
  /** `:tag` suffix, or ''. */
  readonly tag: string;
  /** `@sha256:…` suffix, or ''. */
  readonly digest: string;
}

const REGISTRY = /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/;
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Splits an image reference. A first path segment is a registry host when it has a `.` or a
 * `:` or is `localhost`; otherwise the image is on Docker Hub (`docker.io`, with `library/`
 * for single-segment names).
 *
 * @see https://github.com/distribution/reference/blob/main/reference.go
 */
export function parseImage(ref: string): ParsedImage {
  if (ref.trim() === '' || /\s/.test(ref)) throw new Error(`"${ref}" is not an image reference`);
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at) : '';
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > slash ? named.slice(colon) : '';
  const name = colon > slash ? named.slice(0, colon) : named;
  const [first, ...rest] = name.split('/');
  const isHost = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = isHost ? (DOCKER_HUB_ALIASES.has(first) ? 'docker.io' : first) : 'docker.io';
  const segments = isHost ? rest : [first, ...rest];
  const path = host === 'docker.io' && segments.length === 1 ? `library/${segments[0]}` : segments.join('/');
  return { host, path, tag, digest };
}

function checkRegistry(imageRegistry: string): void {
  if (!REGISTRY.test(imageRegistry)) {
    throw new Error(`image registry "${imageRegistry}" must be a registry host with optional path and no scheme, e.g. registry.example.eu/mirror`);
  }
}

/**
 * The mirrored reference of an upstream image: `<imageRegistry>/<host>/<path>[:tag][@digest]`.
 * Images without a registry host are Docker Hub (`docker.io/library/<name>` or
 * `docker.io/<org>/<name>`). A reference already under `imageRegistry` is returned unchanged.
 *
 * @example mirrorImage('nvcr.io/nvidia/gpu-operator:v26.7.0', 'harbor.eu/m') // 'harbor.eu/m/nvcr.io/nvidia/gpu-operator:v26.7.0'
 * @example mirrorImage('busybox:1.36', 'harbor.eu/m') // 'harbor.eu/m/docker.io/library/busybox:1.36'
 * @see https://docs.docker.com/reference/cli/docker/image/tag/#description
 */
export function mirrorImage(upstream: string, imageRegistry: string): string {
  checkRegistry(imageRegistry);
  if (upstream.startsWith(`${imageRegistry}/`)) return upstream;
  const { host, path, tag, digest } = parseImage(upstream);
  return `${imageRegistry}/${host}/${path}${tag}${digest}`;
}

/**
 * Mirror specification of every pinned chart, from each chart's folder
 * (`constructs/charts/<chart-id>/chart.ts`). Upstream defaults are the published chart's.
 *
 * @see https://helm.sh/docs/chart_template_guide/subcharts_and_globals/
 */
export const MIRROR_SPECS: Readonly<Record<ChartId, ChartMirrorSpec>> = perChart((definition) => definition.mirror);

function isSet(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (isJsonObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Concrete paths of a slot path, expanding `*` over the keys of maps the caller set. */
export function expand(values: JsonObject, path: string): string[] {
  const star = path.indexOf('*');
  if (star < 0) return [path];
  const parent = path.slice(0, star - 1);
  const rest = path.slice(star + 1);
  const map = getPath(values, parent);
  if (!isJsonObject(map)) return [];
  return Object.keys(map).flatMap((key) => expand(values, `${parent}.${key}${rest}`));
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Splits a mirrored reference into `<imageRegistry>/<host>` and the path after it. */
function splitMirrored(mirrored: string, imageRegistry: string): { registry: string; repository: string } {
  const rest = mirrored.slice(imageRegistry.length + 1);
  const slash = rest.indexOf('/');
  return { registry: `${imageRegistry}/${rest.slice(0, slash)}`, repository: rest.slice(slash + 1) };
}

function imageWrites(slot: ImageSlot, values: JsonObject, imageRegistry: string): [string, JsonValue][] {
  switch (slot.kind) {
    case 'reference': {
      return expand(values, slot.path).flatMap((path): [string, JsonValue][] => {
        const current = str(getPath(values, path));
        // A repository starting with '/' is relative to a host key rewritten by a `host` slot.
        if (current?.startsWith('/')) return [];
        const upstream = typeof slot.upstream === 'function' ? slot.upstream(values) : slot.upstream;
        const image = current ?? (slot.optional ? undefined : upstream);
        if (image === undefined) return [];
        const extra = Object.entries(slot.defaults ?? {}).filter(([p]) => getPath(values, p) === undefined);
        return [[path, mirrorImage(image, imageRegistry)], ...extra];
      });
    }
    case 'registry': {
      const registry = str(getPath(values, `${slot.path}.registry`)) ?? slot.upstreamRegistry;
      const repository = str(getPath(values, `${slot.path}.repository`)) ?? slot.upstreamRepository;
      const split = splitMirrored(mirrorImage(`${registry}/${repository}`, imageRegistry), imageRegistry);
      return [
        [`${slot.path}.registry`, split.registry],
        [`${slot.path}.repository`, split.repository],
      ];
    }
    case 'prefix': {
      const prefix = str(getPath(values, `${slot.path}.repository`)) ?? slot.upstreamPrefix;
      const name = str(getPath(values, `${slot.path}.${slot.nameKey}`)) ?? slot.upstreamName;
      const mirrored = mirrorImage(`${prefix}/${name}`, imageRegistry);
      return [[`${slot.path}.repository`, mirrored.slice(0, -(name.length + 1))]];
    }
    case 'host': {
      const current = str(getPath(values, slot.path)) ?? slot.upstream;
      return [[slot.path, current.startsWith(`${imageRegistry}/`) ? current : `${imageRegistry}/${current}`]];
    }
  }
}

function pullSecretWrites(slot: PullSecretSlot, values: JsonObject, name: string): [string, JsonValue][] {
  const current = getPath(values, slot.path);
  if (slot.ifSet && current === undefined) return [];
  const list = isJsonArray(current) ? current : [];
  const has = (entry: JsonValue): boolean => entry === name || (isJsonObject(entry) && entry.name === name);
  const withKeys = Object.entries(slot.with ?? {});
  switch (slot.form) {
    case 'names':
      return [[slot.path, list.some(has) ? list : [...list, name]]];
    case 'refs':
      return [[slot.path, list.some(has) ? list : [...list, { name }]]];
    case 'ref':
      return [[slot.path, { name }]];
    case 'name':
      return [[slot.path, name], ...withKeys];
  }
}

/**
 * Problems that keep a chart from being mirrored with these values (see
 * {@link ChartMirrorSpec.blockers}), as `<path>: <problem>, got <value>; <fix>`.
 *
 * @see https://goharbor.io/docs/main/administration/configure-proxy-cache/
 */
export function mirrorProblems<C extends ChartId>(chart: C, values: ChartValues[C]): string[] {
  const json = toJsonObject(values);
  return MIRROR_SPECS[chart].blockers
    .filter((b) => isSet(getPath(json, b.path)))
    .map((b) => `${b.path}: ${b.reason}, got ${JSON.stringify(getPath(json, b.path))}; ${b.fix}`);
}

/**
 * The values overrides that point every image of `chart` (sub-charts included) at the mirror
 * and add the pull Secret. Image keys the caller set are mirrored from the caller's value,
 * the others from the chart default, so deep-merging the result over the caller's values
 * keeps the caller's choices. Lists of pull Secrets keep the caller's entries.
 *
 * @see https://helm.sh/docs/chart_template_guide/subcharts_and_globals/
 */
export function mirrorOverrides<C extends ChartId>(chart: C, values: ChartValues[C], mirror: ImageMirror): JsonObject {
  checkRegistry(mirror.imageRegistry);
  const json = toJsonObject(values);
  const spec = MIRROR_SPECS[chart];
  const writes = spec.images.flatMap((slot) => imageWrites(slot, json, mirror.imageRegistry));
  if (mirror.pullSecretName) {
    const secret = mirror.pullSecretName;
    writes.push(...spec.pullSecrets.flatMap((slot) => pullSecretWrites(slot, json, secret)));
  }
  return writes.reduce<JsonObject>((acc, [path, value]) => setPath(acc, path, value), {});
}
