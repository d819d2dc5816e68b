import { imageRefs } from '../images';
import { NOT_APPLICABLE, nonCompliant, type PolicyRule } from '../rule';

/**
 * AIF-MIR-1: with a registry mirror, every chart and every image comes from it, including
 * images a chart deploys by default that the project never writes.
 */
export const MirroredArtifacts: PolicyRule = {
  id: 'AIF-MIR-1',
  level: 'error',
  info: "A chart or image is pulled from outside the site's registry mirror.",
  explanation:
    'A sovereign or air-gapped site must not depend on registries outside its control: an install that reaches the internet fails there, or silently pulls artifacts that were never reviewed.',
  check: (resource, context) => {
    if (!context.imageRegistry) return NOT_APPLICABLE;
    const details: string[] = [];
    if (resource.type === 'helm_release') {
      const repo = typeof resource.config.repository === 'string' ? resource.config.repository : '';
      if (repo !== context.chartRepository) details.push(`chart ${String(resource.config.chart)} comes from ${repo || '(no repository)'}`);
    }
    for (const ref of imageRefs(resource)) {
      if (!ref.repository.startsWith(`${context.imageRegistry}/`))
        details.push(`${ref.path} is ${ref.repository}${ref.origin === 'chart default' ? ' (chart default)' : ''}`);
    }
    return nonCompliant(details);
  },
};
