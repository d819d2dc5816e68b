import { allLeaves, type Leaf } from './values';
import type { ResourceView } from './rule';

/** An image reference a resource writes, with where it was found. */
export interface ImageRef {
  readonly path: string;
  /** Repository, with registry host when given. */
  readonly repository: string;
  /** Tag, when one is given alongside or inside the reference. */
  readonly tag?: string;
}

/** Keys that hold an image reference: `image`, `repository`, and names such as `devicePluginImage`. */
const IMAGE_KEY = /^(image|repository)$|Image$|^relatedImage/;
const TAG_KEY = /^(tag|version)$/;

/**
 * Image references in a resource: Kubernetes container `image` fields, Helm values of the
 * form `image: repo:tag`, and `repository` keys with a sibling `tag` (or `version`, as the
 * GPU Operator writes it).
 */
export function imageRefs(resource: ResourceView): ImageRef[] {
  const found: ImageRef[] = [];
  const all = allLeaves(resource);
  const byParent = new Map<string, Leaf[]>();
  for (const leaf of all) {
    const parent = leaf.path.slice(0, leaf.path.length - leaf.key.length - 1);
    byParent.set(parent, [...(byParent.get(parent) ?? []), leaf]);
  }
  for (const leaf of all) {
    const parent = leaf.path.slice(0, leaf.path.length - leaf.key.length - 1);
    // jupyterhub writes images as image.name + image.tag.
    const isImageKey = IMAGE_KEY.test(leaf.key) || (leaf.key === 'name' && /(^|\.)image$/.test(parent));
    if (!isImageKey || typeof leaf.value !== 'string' || !leaf.value.includes('/')) continue;
    if (/^(oci|https?):\/\//.test(leaf.value)) continue;
    const siblings = byParent.get(parent) ?? [];
    const sibling = siblings.find((l) => TAG_KEY.test(l.key));
    // kube-prometheus-stack and others split the registry host from the repository.
    const registry = siblings.find((l) => l.key === 'registry' && typeof l.value === 'string' && l.value !== '');
    const m = /^(.*?)(?::([\w][\w.-]*))?(@sha256:[a-f0-9]+)?$/.exec(leaf.value);
    const repository = registry ? `${String(registry.value)}/${m?.[1] ?? leaf.value}` : (m?.[1] ?? leaf.value);
    const tag = m?.[2] ?? (m?.[3] ? m[3] : sibling !== undefined ? String(sibling.value) : undefined);
    found.push({ path: leaf.path, repository, tag });
  }
  return found;
}
