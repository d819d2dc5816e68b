/**
 * Diffable synthesized output: Helm values and pool descriptors are files beside each stack's
 * `cdk.tf.json`, read with `file()`. The real Terraform CLI evaluates the synthesized
 * references and must read exactly the text the constructs hold; and adding 8 nodes to a
 * Slurm pool must show up in `git diff` as changed YAML and JSON lines, not as a changed
 * multi-kilobyte string.
 */
import { TerraformResource, type TerraformStack } from 'cdktf';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseDocument, stringify } from 'yaml';
import { PinnedChart } from '../../constructs/charts/pinned-chart';
import { inlineStackFiles, readSynthesizedStack, referencedFile, stackFiles, synthesizedStack } from '../../constructs/charts/stack-file';
import type { SiteStacks } from '../../stacks/site';
import { synthCatalogue } from '../../stacks/synth';
import { REFERENCE_GIGAFACTORY, SITES_DIR } from '../helpers';
import { runningInCi } from '../ci';

type Json = Record<string, unknown>;

const TERRAFORM = process.env.TERRAFORM ?? 'terraform';
const hasTerraform = spawnSync(TERRAFORM, ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status === 0;

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-diffable-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Synthesizes one site of `sitesDir` as `cdktf synth` does, into `outdir`; returns its stacks as built. */
function synthesize(sitesDir: string, site: string, outdir: string): SiteStacks {
  let built: SiteStacks | undefined;
  synthCatalogue({ sitesDir, only: site, outdir, customize: (s) => (built = s) });
  if (!built) throw new Error(`${site} was not built`);
  return built;
}

/** Every place a stack's configuration reads a file: `[resource address, attribute path, the expression]`. */
function fileReferences(json: unknown, at: string[] = []): { at: string[]; expression: string }[] {
  if (referencedFile(json) !== undefined) return [{ at, expression: json as string }];
  if (Array.isArray(json)) return json.flatMap((v, i) => fileReferences(v, [...at, String(i)]));
  if (json !== null && typeof json === 'object') return Object.entries(json).flatMap(([k, v]) => fileReferences(v, [...at, k]));
  return [];
}

/**
 * What Terraform evaluates for each of `attributes` (resource address → attribute value as
 * written in cdk.tf.json), in a copy of the stack folder: the files beside the JSON, and one
 * output per attribute instead of the resources (no provider is needed to evaluate file()).
 */
function terraformEvaluates(stackDir: string, attributes: ReadonlyMap<string, unknown>): Map<string, unknown> {
  const dir = path.join(work, `tf-${path.basename(stackDir)}-${Date.now()}`);
  fs.cpSync(stackDir, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'cdk.tf.json'));
  const names = [...attributes.keys()];
  fs.writeFileSync(
    path.join(dir, 'outputs.tf.json'),
    JSON.stringify({ output: Object.fromEntries(names.map((a, i) => [`o${i}`, { value: attributes.get(a) }])) }),
  );
  fs.writeFileSync(path.join(work, 'cli.tfrc'), '');
  const env = { ...process.env, TF_CLI_CONFIG_FILE: path.join(work, 'cli.tfrc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  const run = (args: string[]) => {
    const r = spawnSync(TERRAFORM, args, { cwd: dir, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} in ${dir}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  run(['init', '-input=false', '-no-color']);
  run(['apply', '-auto-approve', '-input=false', '-no-color']);
  const outputs = JSON.parse(run(['output', '-json', '-no-color'])) as Record<string, { value: unknown }>;
  return new Map(names.map((a, i) => [a, outputs[`o${i}`].value]));
}

/** The helm releases of a stack as built: Terraform address → the chart construct. */
function chartsByAddress(stack: TerraformStack): Map<string, PinnedChart> {
  const charts = stack.node.findAll().filter((c): c is PinnedChart => c instanceof PinnedChart);
  return new Map(charts.map((c) => [`${(c.release as TerraformResource).terraformResourceType}.${stack.getLogicalId(c.release)}`, c]));
}

(hasTerraform || runningInCi() ? describe : describe.skip)('Terraform reads exactly the text the constructs hold', () => {
  for (const site of ['es-1healthai', REFERENCE_GIGAFACTORY]) {
    test(`${site}: every file() reference of every stack, evaluated by terraform`, () => {
      const outdir = path.join(work, `out-${site}`);
      const built = synthesize(SITES_DIR, site, outdir);
      let releases = 0;
      let others = 0;
      // The site's stacks and its cells' (each cell has its own two).
      for (const stack of built.all) {
        const stackDir = path.join(outdir, 'stacks', stack.node.id);
        const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, Json>> };
        const charts = chartsByAddress(stack);
        const files = stackFiles(stack);
        // Every attribute that reads a file, as written; helm_release values as a whole list.
        const attributes = new Map<string, unknown>();
        const expected = new Map<string, unknown>();
        for (const [type, byName] of Object.entries(json.resource)) {
          for (const [name, config] of Object.entries(byName)) {
            const address = `${type}.${name}`;
            if (type === 'helm_release') {
              const chart = charts.get(address);
              if (!chart) throw new Error(`${address}: no PinnedChart made it`);
              attributes.set(address, config.values);
              expected.set(address, [chart.valuesDocument]);
              releases++;
              continue;
            }
            for (const ref of fileReferences(config)) {
              const key = `${address} ${ref.at.join('.')}`;
              attributes.set(key, ref.expression);
              expected.set(key, files.get(referencedFile(ref.expression) ?? ''));
              others++;
            }
          }
        }
        const evaluated = terraformEvaluates(stackDir, attributes);
        for (const [key, value] of expected) expect([key, evaluated.get(key)]).toEqual([key, value]);
        // And Helm gets the values the constructs hold: each document parses back to them.
        for (const [address, chart] of charts) {
          const [doc] = evaluated.get(address) as string[];
          expect([address, parse(doc, { version: '1.1' }) as unknown]).toEqual([address, chart.renderedValues]);
        }
      }
      // Every release of the site reads its values from a file; the pool descriptors too.
      const helmCount = built.all.reduce((n, s) => n + chartsByAddress(s).size, 0);
      expect(releases).toBe(helmCount);
      // (21 and 25 releases today: a floor, so a new chart does not break the test.)
      expect(releases).toBeGreaterThan(15);
      // es-1healthai has two pools, each with its descriptor; the gigafactory its inference pool
      // and the training pool's part in each of its five cells.
      expect(others).toBe(site === REFERENCE_GIGAFACTORY ? 6 : 2);
    }, 300_000);
  }
});

const HELM = process.env.HELM ?? '/opt/aif-rehearsal/bin/helm';
const hasHelm = fs.existsSync(HELM);

/** The values Helm sees for a values document: `helm template` of a chart that prints `.Values` as JSON. */
function helmSees(doc: string, chartDir: string): unknown {
  const file = path.join(work, `values-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, doc);
  const r = spawnSync(HELM, ['template', 'x', chartDir, '-f', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`helm template -f ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{')).split('\n---')[0]) as unknown;
}

(hasHelm || runningInCi() ? describe : describe.skip)('Helm reads the block-style values as it read the previous inline form', () => {
  test('es-1healthai and the gigafactory: every release whose text changed gives Helm the same values', () => {
    const chartDir = path.join(work, 'print-values');
    fs.mkdirSync(path.join(chartDir, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: print-values\nversion: 0.1.0\n');
    fs.writeFileSync(path.join(chartDir, 'templates', 'values.yaml'), '{{ toJson .Values }}\n');
    let changed = 0;
    for (const site of ['es-1healthai', REFERENCE_GIGAFACTORY]) {
      const built = synthesize(SITES_DIR, site, path.join(work, `out-helm-${site}`));
      for (const stack of built.all) {
        for (const [address, chart] of chartsByAddress(stack)) {
          // The serialization before the values became files: YAML 1.1, the yaml library's default styles.
          const previous = stringify(chart.renderedValues, { version: '1.1' });
          if (previous === chart.valuesDocument) continue;
          changed++;
          expect([address, helmSees(chart.valuesDocument, chartDir)]).toEqual([address, helmSees(previous, chartDir)]);
        }
      }
    }
    // The Slurm releases (rendered files as literal blocks) at least.
    expect(changed).toBeGreaterThanOrEqual(2);
  }, 300_000);
});

/** `git diff --no-index --numstat` between two folders: [added, removed, path] per changed file. */
function numstat(a: string, b: string): [number, number, string][] {
  const r = spawnSync('git', ['diff', '--no-index', '--numstat', a, b], { encoding: 'utf8' });
  return r.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [added, removed, file] = l.split('\t');
      return [Number(added), Number(removed), file.replace(/^.*=> /, '').replace(/[{}]/g, '')];
    });
}

/** The changed lines (`+`/`-`, without headers) of `git diff --no-index` between two folders. */
function changedLines(a: string, b: string): string[] {
  const r = spawnSync('git', ['diff', '--no-index', '--no-color', '-U0', a, b], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return r.stdout.split('\n').filter((l) => /^[-+]/.test(l) && !/^(\+\+\+|---) /.test(l));
}

describe('adding 8 nodes to a Slurm pool is a diff of lines', () => {
  test('es-1healthai with a leaf/spine fabric: 24 → 32 Slurm nodes adds a leaf and a spine switch, as YAML lines', () => {
    // The catalogue's es-1healthai describes no fabric; a leaf of 8 nodes and 3 leaves per
    // spine make 8 more Slurm nodes a new leaf and a new spine.
    const text = fs.readFileSync(path.join(SITES_DIR, 'es-1healthai.yaml'), 'utf8');
    const outs = (
      [
        ['before', 32, 24],
        ['after', 40, 32],
      ] as const
    ).map(([name, nodes, slurm]) => {
      const doc = parseDocument(text);
      doc.setIn(['gpuPools', 'train', 'fabric'], doc.createNode({ nodesPerLeafSwitch: 8, leafSwitchesPerSpine: 3 }));
      doc.setIn(['gpuPools', 'train', 'nodes'], nodes);
      doc.setIn(['gpuPools', 'train', 'owner'], doc.createNode({ slurm, kubernetes: 8 }));
      const sitesDir = path.join(work, `sites-${name}`);
      fs.mkdirSync(sitesDir, { recursive: true });
      fs.writeFileSync(path.join(sitesDir, 'es-1healthai.yaml'), doc.toString());
      const outdir = path.join(work, `out-${name}`);
      synthesize(sitesDir, 'es-1healthai', outdir);
      return path.join(outdir, 'stacks');
    });
    const [before, after] = outs;

    const stat = numstat(before, after);
    const byFile = Object.fromEntries(stat.map(([added, removed, file]) => [file.slice(file.indexOf('stacks/') + 'stacks/'.length), { added, removed }]));
    // The Slurm values gain the leaf, the spine and the new root lines of topology.conf.
    expect(byFile['es-1healthai-workloads/values/Slurm-main/Slurm.yaml']?.added).toBeGreaterThanOrEqual(3);
    // The pool descriptor changes by its counts, line by line.
    expect(byFile['es-1healthai-platform/pools/train.json']).toEqual({ added: 8, removed: 8 });
    const lines = changedLines(before, after);
    expect(lines).toEqual(
      expect.arrayContaining([
        '+    SwitchName=train-leaf3 Nodes=train-[24-31]',
        '+    SwitchName=train-spine1 Switches=train-leaf3',
        '+    replicas: 32',
        '-    replicas: 24',
        '+  "nodes": 40,',
      ]),
    );
    // No changed line is a document in a string: every one is short.
    expect(lines.filter((l) => l.length > 300)).toEqual([]);
    // The stacks' JSON changes only by short structured lines (Kueue quotas), none of them a values document.
    const jsonChanges = stat.filter(([, , file]) => file.endsWith('cdk.tf.json'));
    for (const [added, removed, file] of jsonChanges) expect([file, added + removed <= 60]).toEqual([file, true]);
    expect(lines.filter((l) => l.includes('\\n'))).toEqual([]);
  }, 300_000);
});

describe('reading the files back', () => {
  test('readSynthesizedStack inlines what synthesizedStack inlines in memory', () => {
    const outdir = path.join(work, 'out-read');
    const built = synthesize(SITES_DIR, 'es-1healthai', outdir);
    for (const stack of [built.platform, built.workloads]) {
      const fromDisk = readSynthesizedStack(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'));
      const inMemory = synthesizedStack(stack);
      // Testing.synth drops cdktf's "//" metadata, which the written file keeps.
      const withoutMetadata = (v: unknown): unknown =>
        Array.isArray(v)
          ? v.map(withoutMetadata)
          : v !== null && typeof v === 'object'
            ? Object.fromEntries(
                Object.entries(v)
                  .filter(([k]) => k !== '//')
                  .map(([k, x]) => [k, withoutMetadata(x)]),
              )
            : v;
      expect(withoutMetadata(fromDisk)).toEqual(inMemory);
      expect(JSON.stringify(inMemory)).not.toContain('${file(');
    }
  }, 120_000);

  test('a reference to a file the folder does not hold names the stack, the file and the fix', () => {
    const json = { resource: { helm_release: { r: { values: ['${file("${path.module}/values/Gone/Chart.yaml")}'] } } } };
    expect(() => inlineStackFiles(json, () => undefined, 'xx-test-platform')).toThrow(
      'xx-test-platform: ${file("${path.module}/values/Gone/Chart.yaml")} reads values/Gone/Chart.yaml, which the stack folder does not hold; synthesize the stack again',
    );
  });

  test('only a whole-string reference to a path inside the folder is a file reference', () => {
    expect(referencedFile('${file("${path.module}/values/Kueue-main/Kueue.yaml")}')).toBe('values/Kueue-main/Kueue.yaml');
    expect(referencedFile('${file("${path.module}/../secrets.yaml")}')).toBeUndefined();
    expect(referencedFile('x ${file("${path.module}/values/a.yaml")}')).toBeUndefined();
    expect(referencedFile('${file("/etc/passwd")}')).toBeUndefined();
  });
});
