import { NOT_APPLICABLE, nonCompliant, type PolicyRule } from '../rule';

/** An exact SemVer version, optionally with a leading v. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** AIF-CHT-1: every Helm release pins an exact chart version. */
export const PinnedChartVersions: PolicyRule = {
  id: 'AIF-CHT-1',
  level: 'error',
  info: 'A Helm release does not pin an exact chart version.',
  explanation:
    'Without an exact version, the chart that is installed depends on the day of the apply. A review of the plan then says nothing about what will run, and a mirror for sovereign sites cannot know which chart to hold.',
  check: (resource) => {
    if (resource.type !== 'helm_release') return NOT_APPLICABLE;
    const version = resource.config.version;
    return nonCompliant(
      typeof version === 'string' && EXACT_VERSION.test(version)
        ? []
        : [`chart ${String(resource.config.chart)} has version ${JSON.stringify(version ?? null)}`],
    );
  },
};
