import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { z } from 'zod';
import { FIELD_REFERENCE_FILE, run } from '../../cli/write-schema';
import { ACCELERATOR_IDS } from '../../constructs/gpu/accelerators';
import { fieldSections, FieldReferenceError, renderFieldReference } from '../../site-model/field-reference';
import { siteJsonSchema, STORAGE_ROLES } from '../../site-model/schema';
import { CATALOGUE } from '../helpers';

const ROOT = path.join(__dirname, '..', '..');
const DOC = fs.readFileSync(FIELD_REFERENCE_FILE, 'utf8');

type Node = Record<string, unknown> & {
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
};

/**
 * Every leaf path of a JSON Schema, map keys as `*`, walked here on its own so the test does
 * not share the generator's walk: properties, map values, list items and each form of a union.
 */
function leafPaths(node: Node, at: string): string[] {
  const options = node.oneOf ?? node.anyOf;
  if (node.properties) return Object.entries(node.properties).flatMap(([k, v]) => leafPaths(v, at ? `${at}.${k}` : k));
  if (options?.some((o) => o.properties)) return options.flatMap((o) => (o.properties ? leafPaths(o, at) : [at]));
  // A map of objects is documented entry by entry; a map of plain values (or of maps of them) is one field.
  const value = node.additionalProperties;
  if (typeof value === 'object' && (value.properties || (value.oneOf ?? value.anyOf)?.some((o) => o.properties))) return leafPaths(value, `${at}.*`);
  if (node.items?.properties) return leafPaths(node.items, `${at}[]`);
  return [at];
}

/** The table rows of the reference, by field path with map keys as `*`. */
function rows(doc: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const m = /^\| \[?`([^`]+)`/.exec(line);
    if (!m) continue;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    out.set(m[1].replace(/<[^>]+>/g, '*'), cells);
  }
  return out;
}

/** The value at a path with `*` for any map key, in the first key that has one. */
function valueAt(data: unknown, steps: readonly string[]): unknown[] {
  if (steps.length === 0) return data === undefined ? [] : [data];
  if (data === null || typeof data !== 'object') return [];
  const [step, ...rest] = steps;
  const record = data as Record<string, unknown>;
  return (step === '*' ? Object.keys(record) : [step]).flatMap((k) => valueAt(record[k], rest));
}

describe('docs/site-file.md, the field reference', () => {
  const table = rows(DOC);

  test('is what npm run schema writes from the schema today', () => {
    // Stale after a change to site-model/schema.ts: run `npm run schema` and commit both files.
    expect(DOC).toBe(renderFieldReference());
  });

  test('documents every leaf field of the JSON Schema, each with a type, a description and an example', () => {
    const leaves = [...new Set(leafPaths(siteJsonSchema(), ''))];
    expect(leaves.length).toBeGreaterThan(120);
    for (const leaf of leaves) {
      const cells = table.get(leaf);
      expect({ leaf, documented: cells !== undefined }).toEqual({ leaf, documented: true });
      const [, type, required, def, description, example] = cells!;
      expect({ leaf, type: type.length > 0, required: ['yes', 'no'].includes(required), def: def.length > 0 }).toEqual({
        leaf,
        type: true,
        required: true,
        def: true,
      });
      expect({ leaf, description: description.length > 5, example: /^`.+` \(.+\)$/.test(example) }).toEqual({ leaf, description: true, example: true });
    }
  });

  test('an enum field lists every value, and a required field says so', () => {
    const role = table.get('storageTiers.*.role')!;
    for (const value of STORAGE_ROLES) expect(role[1]).toContain(`"${value}"`);
    const accelerator = table.get('gpuPools.*.accelerator')!;
    for (const value of ACCELERATOR_IDS) expect(accelerator[1]).toContain(`"${value}"`);
    expect(accelerator[2]).toBe('yes');
    expect(table.get('gpuPools.*.cluster')![2]).toBe('no');
  });

  test("states the schema's defaults and the described ones", () => {
    expect(table.get('clusters.*.apiServer.port')![3]).toBe('6443');
    expect(table.get('scheduler.slurm.accounting.database')![3]).toBe('slurm_acct_db');
    expect(table.get('gpuPools.*.sharing')![3]).toBe('{ mode: exclusive }');
    // An optional field whose default the loader computes says what it is.
    expect(table.get('gpuPools.*.cluster')![3]).toBe("the site's only cluster");
  });

  test('types read as words: bounds, maps, unions', () => {
    expect(table.get('gpuPools.*.acceleratorsPerNode')![1]).toBe('integer 1 to 16');
    expect(table.get('storageTiers.*.capacityTiB')![1]).toBe('number > 0');
    expect(table.get('tenants.*.gpuQuota')![1]).toBe('map of <pool> → object');
    expect(table.get('gpuPools.*.owner')![1]).toBe('"slurm" \\| "kubernetes" \\| object (slurm, kubernetes)');
  });

  test('each example taken from a catalogue site is the value that site sets there', () => {
    let checked = 0;
    for (const [leaf, cells] of table) {
      const m = /^`(.+)` \(sites\/([a-z0-9-]+)\.yaml\)$/.exec(cells[5]);
      if (!m) continue;
      const [, yaml, site] = m;
      expect(CATALOGUE).toContain(site);
      const shown: unknown = parse(yaml.replace(/\\\|/g, '|'));
      // Lists and maps may be shortened in the table; scalars are shown whole.
      if (shown !== null && typeof shown === 'object') continue;
      const data: unknown = parse(fs.readFileSync(path.join(ROOT, 'sites', `${site}.yaml`), 'utf8'));
      expect({ leaf, site, found: valueAt(data, leaf.split('.')).some((v) => v === shown) }).toEqual({ leaf, site, found: true });
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });

  test('every link inside the reference reaches an anchor of it', () => {
    const anchors = new Set([...DOC.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    const links = [...DOC.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(30);
    for (const link of links) expect({ link, exists: anchors.has(link) }).toEqual({ link, exists: true });
  });

  describe('generation fails on a field it cannot document', () => {
    test('a field of the site schema without a description names its path', () => {
      const schema = siteJsonSchema() as Node;
      const pools = schema.properties!.gpuPools.additionalProperties as Node;
      delete pools.properties!.nodes.description;
      expect(() => fieldSections(schema)).toThrow(FieldReferenceError);
      expect(() => fieldSections(schema)).toThrow(/gpuPools\.<pool>\.nodes: no description/);
    });

    test('a zod schema with an undescribed field, and one with no example anywhere', () => {
      const undescribed = z.toJSONSchema(z.strictObject({ id: z.string().describe('Site id.'), city: z.string().meta({ examples: ['Jülich'] }) })) as Node;
      expect(() => fieldSections(undescribed)).toThrow(/^the site file schema cannot be documented:\n {2}city: no description\n/);
      const noExample = z.toJSONSchema(z.strictObject({ frobnicate: z.number().describe('Set by no site, without an example.') })) as Node;
      expect(() => fieldSections(noExample)).toThrow(/frobnicate: no example/);
    });
  });
});

describe('npm run schema', () => {
  const capture = (argv: string[]) => {
    let out = '';
    let err = '';
    const code = run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };

  test('--help prints the usage naming both files and exits 0', () => {
    const { code, out } = capture(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: npm run schema\n[\s\S]*sites\/site\.schema\.json[\s\S]*docs\/site-file\.md/);
  });

  test('an unknown argument is a usage error, exit 2', () => {
    const { code, err } = capture(['--out']);
    expect(code).toBe(2);
    expect(err).toMatch(/^unknown argument --out\nusage: npm run schema/);
  });
});
