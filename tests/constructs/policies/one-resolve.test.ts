/**
 * A synth resolves each stack once for the policy pack and the writer, and the pack parses
 * each Helm values document once; what is written is still what the stack holds.
 */
import { TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'yaml';
import { readSynthesizedStack } from '../../../constructs/charts/stack-file';
import { synthCatalogue } from '../../../stacks/synth';
import { buildSite, fixtureText, siteSpec, synthJson } from '../../helpers';
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

  test('synthCatalogue resolves each stack once (the policy pack and the writer share it) and parses each values document once', () => {
    const resolves = jest.spyOn(TerraformStack.prototype, 'toTerraform');
    const parses = yaml.parseAllDocuments as jest.MockedFunction<typeof yaml.parseAllDocuments>;
    parses.mockClear();
    const result = synthCatalogue({ sitesDir: path.join(dir, 'sites'), outdir: path.join(dir, 'out') });
    const stacks = resolves.mock.contexts.map((s) => (s as TerraformStack).node.id);
    expect(stacks.sort()).toEqual([...result.stacks].sort());
    // Each release's values, once each: as many parses as documents the pack read.
    const written = result.stacks.map(
      (s) => readSynthesizedStack(path.join(dir, 'out', 'stacks', s, 'cdk.tf.json')) as { resource?: Record<string, Record<string, { values?: string[] }>> },
    );
    const documents = written.flatMap((j) => Object.values(j.resource?.helm_release ?? {}).flatMap((r) => r.values ?? []));
    expect(documents.length).toBeGreaterThanOrEqual(5);
    expect(parses).toHaveBeenCalledTimes(documents.length);
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
