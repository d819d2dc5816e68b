import { imageRefs, isMovingTag } from '../images';
import { nonCompliant, type PolicyRule } from '../rule';

/**
 * AIF-IMG-1: no image uses the `latest` tag (or a tag such as `labeller-latest`), including
 * images a chart deploys by default that the project never writes.
 */
export const NoLatestImages: PolicyRule = {
  id: 'AIF-IMG-1',
  level: 'error',
  info: 'An image uses the latest tag.',
  explanation:
    '`latest` names a different image every time it is pushed. Nodes of one pool then run different code, a rollback cannot return to what ran before, and a mirror cannot hold a fixed copy.',
  check: (resource) =>
    nonCompliant(
      imageRefs(resource)
        .filter((ref) => ref.digest === undefined && (isMovingTag(ref.tag) || (resource.type !== 'helm_release' && ref.tag === undefined)))
        .map((ref) => `${ref.path} is ${ref.repository}:${ref.tag ?? '(no tag, so latest)'}${ref.origin ? ` (${ref.origin})` : ''}`),
    ),
};
