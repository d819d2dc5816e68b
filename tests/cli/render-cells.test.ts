/**
 * `aif render` of a site with cells: each cell runs its own Slurm cluster, so the render has one
 * folder per cell (and per Kubernetes cluster that runs Slurm itself), and each folder holds the
 * files the cell's workloads stack deploys (compared with the Slurm release of that stack as
 * synthesized).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { run as aif } from '../../cli/aif';
import type { Io } from '../../cli/args';
import { renderSite } from '../../cli/render';
import { isJsonObject } from '../../constructs/charts/json';
import { releasesOf } from '../../review-model/snapshot';
import { synthesizeSite } from '../../review-model/synth';
import { loadCatalogue } from '../../site-model/loader';
import { fixtureText, SITES_DIR } from '../helpers';

const GIGAFACTORY = fs.readFileSync(path.join(SITES_DIR, 'eu-ref-gigafactory.yaml'), 'utf8');
const CELLS = ['training-c01', 'training-c02', 'training-c03', 'training-c04', 'training-c05'];

/** The `configFiles` of the Slurm release each stack deploys, by the release's cluster. */
function deployedConfigFiles(sitesDir: string, site: string): Map<string, Record<string, unknown>> {
  const [model] = loadCatalogue(sitesDir, site);
  const out = new Map<string, Record<string, unknown>>();
  for (const r of releasesOf(synthesizeSite(model).snapshot)) {
    if (r.chart === 'slurm' && isJsonObject(r.values.configFiles)) out.set(r.cluster, r.values.configFiles);
  }
  return out;
}

describe('aif render of a site with cells', () => {
  let dir: string;
  let sites: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-render-cells-'));
    sites = path.join(dir, 'sites');
    fs.mkdirSync(sites);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the catalogue's gigafactory gets a folder per cell, each with the files its cell's stack deploys", () => {
    fs.writeFileSync(path.join(sites, 'eu-ref-gigafactory.yaml'), GIGAFACTORY);
    const out = path.join(dir, 'out');
    const report = renderSite({ site: 'eu-ref-gigafactory', sitesDir: sites, outDir: out });
    expect(report.ok).toBe(true);
    // The training cluster is the cells' manager and runs no Slurm; inference runs none either.
    expect(fs.readdirSync(out).sort()).toEqual(CELLS);
    const deployed = deployedConfigFiles(sites, 'eu-ref-gigafactory');
    expect([...deployed.keys()].sort()).toEqual(CELLS);
    const [site] = loadCatalogue(sites, 'eu-ref-gigafactory');
    for (const cell of site.cells) {
      const files = deployed.get(cell.name)!;
      for (const name of ['gres.conf', 'topology.conf']) {
        expect([cell.name, name, fs.readFileSync(path.join(out, cell.name, name), 'utf8')]).toEqual([cell.name, name, files[name]]);
      }
      // Each cell's Slurm cluster names its own nodes from 0, one switch per NVL72 rack of 18 Slurm nodes.
      const slurmNodes = cell.site.pools.training.ownership.slurm;
      const topology = fs.readFileSync(path.join(out, cell.name, 'topology.conf'), 'utf8');
      expect(topology).toContain(`Nodes=training-[0-17]`);
      expect(topology).toContain(`Nodes=training-[${slurmNodes - 18}-${slurmNodes - 1}]`);
      expect(topology).not.toContain(`training-${slurmNodes}]`);
      expect(report.text).toContain(`Slurm cluster eu-ref-gigafactory-${cell.name} (Kubernetes cluster ${cell.name})`);
    }
  });

  test('a Kubernetes cluster that runs Slurm itself gets its folder beside the cells', () => {
    const doc = parseDocument(GIGAFACTORY);
    doc.setIn(['gpuPools', 'inference', 'owner'], doc.createNode({ slurm: 256, kubernetes: 256 }));
    doc.setIn(['scheduler', 'slurm', 'partitions', 'inference'], doc.createNode({ pools: ['inference'], maxTimeHours: 24 }));
    fs.writeFileSync(path.join(sites, 'eu-ref-gigafactory.yaml'), doc.toString());
    const out = path.join(dir, 'out');
    expect(renderSite({ site: 'eu-ref-gigafactory', sitesDir: sites, outDir: out }).ok).toBe(true);
    expect(fs.readdirSync(out).sort()).toEqual(['inference', ...CELLS]);
    const deployed = deployedConfigFiles(sites, 'eu-ref-gigafactory');
    expect(fs.readFileSync(path.join(out, 'inference', 'gres.conf'), 'utf8')).toBe(deployed.get('inference')!['gres.conf']);
    // The inference partition is in the inference cluster's Slurm only, training in each cell's.
    expect(fs.readFileSync(path.join(out, 'inference', 'slurm.conf'), 'utf8')).toMatch(/^PartitionName=inference /m);
    expect(fs.readFileSync(path.join(out, 'inference', 'slurm.conf'), 'utf8')).not.toMatch(/^PartitionName=training /m);
    for (const cell of CELLS) expect(fs.readFileSync(path.join(out, cell, 'slurm.conf'), 'utf8')).toMatch(/^PartitionName=training Nodes=training /m);
  });

  test('`aif render` without a site renders a site whose Slurm runs only in its cells', async () => {
    fs.writeFileSync(path.join(sites, 'eu-ref-gigafactory.yaml'), GIGAFACTORY);
    fs.writeFileSync(path.join(sites, 'xx-minimal.yaml'), fixtureText()); // no Slurm
    let stdout = '';
    let stderr = '';
    const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: { ...process.env, SITES_DIR: sites, AIF_DEBUG: '' }, cwd: dir };
    expect(await aif(['render', '--out', 'all'], io)).toBe(0);
    expect(stderr).toBe('[1/1] rendering eu-ref-gigafactory\n');
    expect(fs.readdirSync(path.join(dir, 'all'))).toEqual(['eu-ref-gigafactory']);
    expect(fs.readdirSync(path.join(dir, 'all', 'eu-ref-gigafactory')).sort()).toEqual(CELLS);
    expect(stdout).toMatch(/^all\/eu-ref-gigafactory\/training-c05\/slurm\.conf\s+[\d,]+ bytes$/m);
  });
});
