/**
 * A synth resolves each stack once for the policy pack and the writer, and the pack reads the
 * Helm values as the data the charts wrote them from, parsing none back (the same data, to the
 * last key and type, as parsing the written documents gives); what is written is still what
 * the stack holds.
 */
import { App, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'yaml';
import { readSynthesizedStack, resolvedDocuments, resolvedStack } from '../../../constructs/charts/stack-file';
import { helmValues } from '../../../constructs/policies/values';
import { loadSiteFile } from '../../../site-model/loader';
import { formatProblem, type SiteValidationError } from '../../../site-model/problems';
import { addSiteStacks, type SiteStacks } from '../../../stacks/site';
import { synthAppOptions, synthCatalogue } from '../../../stacks/synth';
import { buildSite, fixtureText, REFERENCE_GIGAFACTORY, siteModel, siteSpec, SITES_DIR, synthJson } from '../../helpers';
import { MINIMUM_TERRAFORM } from '../../../stacks/site-stack';

// Every module of this test reads YAML through this counter (yaml's exports cannot be spied on).
jest.mock('yaml', () => {
  const actual = jest.requireActual<typeof import('yaml')>('yaml');
  return { ...actual, parseAllDocuments: jest.fn(actual.parseAllDocuments) };
});

describe('one resolve per stack', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-one-resolve-'));
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.writeFileSync(path.join(dir, 'sites', 'xx-minimal.yaml'), fixtureText());
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => jest.restoreAllMocks());

  test('synthCatalogue resolves each stack once (the policy pack and the writer share it) and parses no values document', () => {
    const resolves = jest.spyOn(TerraformStack.prototype, 'toTerraform');
    const parses = yaml.parseAllDocuments as jest.MockedFunction<typeof yaml.parseAllDocuments>;
    parses.mockClear();
    const result = synthCatalogue({ sitesDir: path.join(dir, 'sites'), outdir: path.join(dir, 'out') });
    const stacks = resolves.mock.contexts.map((s) => (s as TerraformStack).node.id);
    expect(stacks.sort()).toEqual([...result.stacks].sort());
    // The pack reads every release's values (see the next test) without parsing one.
    const written = result.stacks.map(
      (s) => readSynthesizedStack(path.join(dir, 'out', 'stacks', s, 'cdk.tf.json')) as { resource?: Record<string, Record<string, { values?: string[] }>> },
    );
    const documents = written.flatMap((j) => Object.values(j.resource?.helm_release ?? {}).flatMap((r) => r.values ?? []));
    expect(documents.length).toBeGreaterThanOrEqual(5);
    expect(parses).toHaveBeenCalledTimes(0);
  });

  test.each(['es-1healthai', REFERENCE_GIGAFACTORY])(
    '%s: the values the pack reads without parsing are, key for key and type for type, the parsed documents',
    (site) => {
      const { stacks } = buildSite(loadSiteFile(path.join(SITES_DIR, `${site}.yaml`)));
      let releases = 0;
      for (const stack of stacks.all) {
        const json = resolvedStack(stack) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
        const documents = resolvedDocuments(stack);
        for (const [name, config] of Object.entries(json.resource?.helm_release ?? {})) {
          releases++;
          const view = { type: 'helm_release', path: name, construct: stack, config };
          const read = helmValues({ ...view, documents });
          expect(documents((config.values as string[])[0])).toBeDefined();
          expect([name, read]).toStrictEqual([name, helmValues(view)]);
        }
      }
      expect(releases).toBeGreaterThanOrEqual(10);
    },
  );

  test('the one resolve also prepares the stacks: a cross-stack reference is refused as in the synth of cdktf, and nothing is written', () => {
    // The workloads stack reads an attribute of a platform resource: a cross-stack reference,
    // which cdktf finds only while preparing the stacks and which the state backends refuse.
    const crossReference = (s: SiteStacks) => {
      const resource = s.platform.node.findAll().find((c): c is TerraformResource => TerraformResource.isTerraformResource(c))!;
      new TerraformOutput(s.workloads, 'cross', { value: resource.getStringAttribute('id') });
    };
    const native = new App(synthAppOptions(path.join(dir, 'out-native')));
    crossReference(addSiteStacks(native, siteModel()));
    expect(() => native.synth()).toThrow(/cross-stack references are not used in ai-factory-cdk/);
    const out = path.join(dir, 'out-cross');
    let problems: string[] = [];
    try {
      synthCatalogue({ sitesDir: path.join(dir, 'sites'), outdir: out, customize: crossReference });
    } catch (e) {
      problems = (e as SiteValidationError).problems.map(formatProblem);
    }
    expect(problems).toEqual([expect.stringMatching(/xx-minimal\.yaml:1 .*cross-stack references are not used/)]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('an override added after a policy check is in the next synthesis: a check outside a synth keeps nothing', () => {
    const { stacks } = buildSite(siteSpec());
    expect(stacks.policies.check(stacks.platform)).toEqual([]);
    const before = synthJson(stacks.platform) as unknown as { terraform: Record<string, unknown> };
    expect(before.terraform.required_version).toBe(MINIMUM_TERRAFORM);
    stacks.platform.addOverride('terraform.required_version', '>= 1.9.0');
    const after = synthJson(stacks.platform) as unknown as { terraform: Record<string, unknown> };
    expect(after.terraform.required_version).toBe('>= 1.9.0');
  });
});
