import * as fs from 'fs';
import { renderSchema, SCHEMA_FILE } from '../../cli/write-schema';
import { checkSiteFile, loadCatalogue } from '../../site-model/loader';
import { formatProblem } from '../../site-model/problems';
import type { SiteSpec } from '../../site-model/schema';
import * as path from 'path';
import { parse } from 'yaml';
import { CHARTS, type ChartId } from '../../constructs/charts/registry';
import { unknownChartKeys } from '../constructs/charts/chart-keys';
import { catalogueSynth } from '../catalogue-synth';
import { AI_FACTORIES, buildSite, CATALOGUE, REFERENCE_GIGAFACTORY, resources, SITES_DIR } from '../helpers';

/** Chart id of a synthesized helm_release, from its chart name and version. */
function chartIdOf(release: Record<string, unknown>): ChartId {
  const id = (Object.keys(CHARTS) as ChartId[]).find((c) => CHARTS[c].chart === release.chart && CHARTS[c].version === release.version);
  if (!id) throw new Error(`helm_release ${String(release.name)} uses chart ${String(release.chart)} ${String(release.version)}, which is not in the registry`);
  return id;
}

/** AI factory antennas and the factories they are linked to (selected 13 Oct 2025). */
const ANTENNAS: Record<string, string[]> = {
  'be-aifa': ['fi-lumi-ai-factory', 'de-jaif'],
  'cy-pharos-cy': ['gr-pharos'],
  'hu-hunaifa': ['de-jaif'],
  'ie-aif-irl-antenna': ['fr-ai2f', 'lu-meluxina-ai'],
  'lv-aifa-lat': ['fi-lumi-ai-factory'],
  'mt-calypso': ['gr-pharos'],
  'is-ai-factory-antenna': ['fi-lumi-ai-factory'],
  'md-faima': ['pl-piast-ai'],
  'ch-hearts': ['fi-lumi-ai-factory'],
  'gb-epcc-ai-factory-antenna': ['de-hammerhai'],
  'mk-vezilka': ['gr-pharos'],
  'rs-saifa': ['gr-pharos', 'it-it4lia'],
};

const accelerators = (s: SiteSpec) => Object.values(s.gpuPools).reduce((n, p) => n + p.nodes * p.acceleratorsPerNode, 0);

describe('the default catalogue', () => {
  const sites = loadCatalogue(SITES_DIR).map((s) => s.spec);
  const byId = new Map(sites.map((s) => [s.id, s]));

  test('holds every AI factory, as a factory', () => {
    for (const id of AI_FACTORIES) expect(byId.get(id)?.kind).toBe('factory');
  });

  test('holds a reference gigafactory of about 100,000 accelerators', () => {
    const giga = byId.get(REFERENCE_GIGAFACTORY);
    expect(giga?.kind).toBe('gigafactory');
    expect(Math.abs(accelerators(giga!) - 100_000)).toBeLessThanOrEqual(5_000);
  });

  test('every antenna is a tenant of each factory it is linked to, and of no other catalogue site', () => {
    const catalogue = sites.filter((s) => CATALOGUE.includes(s.id));
    for (const [antenna, factories] of Object.entries(ANTENNAS)) {
      const hosts = catalogue.filter((s) => Object.values(s.tenants).some((t) => t.antenna?.id === antenna)).map((s) => s.id);
      expect({ antenna, hosts: hosts.sort() }).toEqual({ antenna, hosts: [...factories].sort() });
    }
  });

  test('no hardware number is presented as fact without a source: validation finds each sourced in a comment or listed as an assumption', () => {
    // The rule is validation's (site-model/rules/site.ts, a warning for any site that cites
    // sources); the catalogue's own sites must not trip it.
    const unsourced = CATALOGUE.flatMap((id) => (checkSiteFile(path.join(SITES_DIR, `${id}.yaml`)).warnings ?? []).map(formatProblem)).filter((w) =>
      w.includes('is presented as a fact without a source'),
    );
    expect(unsourced).toEqual([]);
  });

  test('every reference-design value is declared as an assumption with a reason', () => {
    for (const site of sites.filter((s) => CATALOGUE.includes(s.id))) {
      for (const [field, reason] of Object.entries(site.assumptions)) {
        expect({ site: site.id, field, reason: reason.length > 10 }).toEqual({ site: site.id, field, reason: true });
      }
    }
  });

  test('the committed JSON Schema matches the zod schema (run npm run schema)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });

  describe.each(sites.map((s) => [s.id, s] as const))('%s', (id, site) => {
    const { platform, workloads } = catalogueSynth(id);
    const { stacks } = buildSite(site);

    test('has its stacks, workloads after platform', () => {
      expect([stacks.platform.node.id, stacks.workloads.node.id]).toEqual([`${id}-platform`, `${id}-workloads`]);
      expect(stacks.workloads.dependencies).toContain(stacks.platform);
    });

    test('every Helm value written is a real key of the pinned chart', () => {
      for (const json of [platform, workloads]) {
        for (const release of resources(json, 'helm_release')) {
          const values = parse((release.values as string[])[0]) as object;
          expect({ release: release.name, unknown: unknownChartKeys(chartIdOf(release), values) }).toEqual({ release: release.name, unknown: [] });
        }
      }
    });

    test('providers and backend come from its file', () => {
      const clusters = Object.values(site.clusters);
      for (const [layer, json] of [
        ['platform', platform],
        ['workloads', workloads],
      ] as const) {
        const name = `${id}-${layer}`;
        const state = site.state;
        const expected =
          state.backend === 's3'
            ? {
                s3: expect.objectContaining({
                  bucket: state.bucket,
                  key: `${state.keyPrefix ?? id}/${name}.tfstate`,
                  endpoints: { s3: state.endpoint },
                  use_lockfile: true,
                }) as unknown,
              }
            : state.backend === 'kubernetes'
              ? { kubernetes: expect.objectContaining({ secret_suffix: name, namespace: state.namespace }) as unknown }
              : state.backend === 'pg'
                ? { pg: { schema_name: name.replace(/-/g, '_') } }
                : { local: { path: `terraform.${name}.tfstate` } };
        expect(json.terraform.backend).toEqual(expected);
        expect(json.provider.kubernetes.map((p) => [p.config_path, p.config_context])).toEqual(clusters.map((c) => [c.kubeconfigPath, c.context]));
      }
    });
  });
});
