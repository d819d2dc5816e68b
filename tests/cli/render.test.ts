import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { slurmFiles } from '../../constructs/scheduling/slurm/render';
import { run as aif } from '../../cli/aif';
import type { Io } from '../../cli/args';
import { renderSite } from '../../cli/render';
import { resolveSite } from '../../site-model/resolve';
import { fixtureText, gigafactoryWithSlurmInference, runCommand, siteSpec } from '../helpers';
import { SLURM_PATCH } from '../constructs/scheduling/slurm/slurm-helpers';

describe('aif render', () => {
  let dir: string;
  let sites: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-render-test-'));
    sites = path.join(dir, 'sites');
    fs.mkdirSync(sites);
    fs.writeFileSync(
      path.join(sites, 'xx-minimal.yaml'),
      fixtureText({ ...SLURM_PATCH, gpuPools: { h100: { owner: 'slurm', fabric: { nodesPerLeafSwitch: 2 } } } }),
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes exactly the files the stack deploys, and lists them with their sizes', () => {
    const out = path.join(dir, 'out');
    const report = renderSite({ site: 'xx-minimal', sitesDir: sites, outDir: out });
    expect(report.ok).toBe(true);
    const spec = siteSpec({ ...SLURM_PATCH, gpuPools: { h100: { owner: 'slurm', fabric: { nodesPerLeafSwitch: 2 } } } });
    const expected = slurmFiles(resolveSite(spec).slurm[0].input);
    expect(fs.readdirSync(out).sort()).toEqual(['accounts.cfg', 'gres.conf', 'slurm.conf', 'topology.conf']);
    for (const [name, text] of Object.entries(expected)) expect(fs.readFileSync(path.join(out, name), 'utf8')).toBe(text);
    expect(report.files.map((f) => [path.basename(f.path), f.bytes])).toEqual(Object.entries(expected).map(([n, t]) => [n, Buffer.byteLength(t ?? '')]));
    const lines = report.text.split('\n');
    expect(lines[0]).toBe('Slurm cluster xx-minimal (Kubernetes cluster main): 1 NodeSet(s), topology topology/tree');
    expect(lines[1]).toMatch(/out\/slurm\.conf\s+\d+ bytes$/);
    expect(fs.statSync(out).mode & 0o777).toBe(0o755);
    // nothing is left beside the output
    expect(fs.readdirSync(dir).sort()).toEqual(['out', 'sites']);
  });

  test('a new render replaces the previous one as a whole', () => {
    const out = path.join(dir, 'out');
    renderSite({ site: 'xx-minimal', sitesDir: sites, outDir: out });
    fs.writeFileSync(path.join(sites, 'xx-minimal.yaml'), fixtureText(SLURM_PATCH)); // no fabric any more
    fs.writeFileSync(path.join(out, 'stale.txt'), 'left over');
    expect(renderSite({ site: 'xx-minimal', sitesDir: sites, outDir: out }).ok).toBe(true);
    expect(fs.readdirSync(out).sort()).toEqual(['accounts.cfg', 'gres.conf', 'slurm.conf']);
    expect(fs.readdirSync(dir).sort()).toEqual(['out', 'sites']);
  });

  test('a site with several Slurm clusters gets a folder per Kubernetes cluster', () => {
    const out = path.join(dir, 'giga');
    fs.writeFileSync(path.join(sites, 'eu-ref-gigafactory.yaml'), gigafactoryWithSlurmInference());
    const report = renderSite({ site: 'eu-ref-gigafactory', sitesDir: sites, outDir: out });
    expect(report.ok).toBe(true);
    expect(fs.readdirSync(out).sort()).toEqual(['inference', 'training']);
    expect(fs.readFileSync(path.join(out, 'training', 'slurm.conf'), 'utf8')).toMatch(
      /^PartitionName=training Nodes=training Default=YES MaxTime=7-00:00:00 QOS=frontier State=UP$/m,
    );
  });

  test('an unknown site is refused with a suggestion', () => {
    const report = renderSite({ site: 'xx-minmal', sitesDir: sites, outDir: path.join(dir, 'out') });
    expect(report.ok).toBe(false);
    expect(report.text).toMatch(/xx-minmal\.yaml:1 SITE: no such site in the catalogue, got "xx-minmal"; did you mean xx-minimal\?/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('a site without Slurm is refused with the reason', () => {
    fs.writeFileSync(path.join(sites, 'xx-minimal.yaml'), fixtureText());
    const report = renderSite({ site: 'xx-minimal', sitesDir: sites, outDir: path.join(dir, 'out') });
    expect(report.ok).toBe(false);
    expect(report.text).toBe(
      `${path.join(sites, 'xx-minimal.yaml')}: site xx-minimal does not run Slurm (no scheduler.slurm), so there is nothing to render; add scheduler.slurm with a partition to render its Slurm files`,
    );
  });

  test('a fabric Slurm cannot use is refused with every problem, before anything is written', () => {
    fs.writeFileSync(
      path.join(sites, 'xx-minimal.yaml'),
      fixtureText({
        scheduler: {
          slurm: {
            partitions: { gpu: { pools: ['h100', 'hgx'], default: true, maxTimeHours: 24 } },
            accounting: { host: 'slurmdbd-db.example.internal', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } },
          },
        },
        gpuPools: {
          h100: { nodes: 6, fabric: { nodesPerNvlinkDomain: 2, nodesPerLeafSwitch: 3 }, owner: 'slurm' },
          hgx: {
            owner: 'slurm',
            accelerator: 'nvidia-h100-sxm',
            nodes: 8,
            acceleratorsPerNode: 8,
            cpusPerNode: 112,
            memoryGiBPerNode: 2048,
            interconnect: 'infiniband',
            fabric: { nodesPerNvlinkDomain: 4, nodesPerLeafSwitch: 2 },
          },
        },
      }),
    );
    const report = renderSite({ site: 'xx-minimal', sitesDir: sites, outDir: path.join(dir, 'out') });
    expect(report.ok).toBe(false);
    const file = path.join(sites, 'xx-minimal.yaml');
    const line =
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('nodesPerLeafSwitch')) + 1;
    expect(line).toBeGreaterThan(1);
    expect(report.text).toMatch(
      new RegExp(
        `^${file}:${line} gpuPools\\.h100\\.fabric\\.nodesPerLeafSwitch: splits NVLink domains of 2 nodes over two leaf switches; a switch tree needs each domain under one leaf, got 3; make nodesPerLeafSwitch a multiple of nodesPerNvlinkDomain \\(2\\)$`,
        'm',
      ),
    );
    expect(report.text).toMatch(/\n\S+xx-minimal\.yaml:\d+ gpuPools\.hgx\.fabric\.nodesPerLeafSwitch: splits NVLink domains of 4 nodes over two leaf switches/);
    expect(report.text).toMatch(/\n\n2 problem\(s\) in site files$/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('the command line: exit 0 with the files in DIR/<site>/, 1 for a misspelt or invalid site, 2 for bad arguments', async () => {
    const run = (args: string[]) => runCommand(aif, ['render', ...args], { cwd: dir, env: { SITES_DIR: sites } });
    const ok = await run(['xx-minimal']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^render\.out\/xx-minimal\/topology\.conf\s+\d+ bytes$/m);
    expect(fs.readdirSync(path.join(dir, 'render.out', 'xx-minimal')).sort()).toEqual(['accounts.cfg', 'gres.conf', 'slurm.conf', 'topology.conf']);
    // No site: every site of the catalogue that runs Slurm, each in its folder under --out.
    const all = await run(['--out', 'all']);
    expect(all.status).toBe(0);
    expect(all.stderr).toBe('[1/1] rendering xx-minimal\n');
    expect(fs.readdirSync(path.join(dir, 'all'))).toEqual(['xx-minimal']);
  });

  test('a misspelt site exits 1 with the likely id, bad arguments 2, and neither writes anything', async () => {
    let stderr = '';
    const io: Io = { out: () => undefined, err: (t) => (stderr += t), env: { SITES_DIR: sites }, cwd: dir };
    expect(await aif(['render', 'xx-nope'], io)).toBe(1);
    expect(stderr).toBe('sites/xx-nope.yaml: no site "xx-nope" in sites; use one of: xx-minimal\n');
    stderr = '';
    expect(await aif(['render', 'xx-minimal', '--out'], io)).toBe(2);
    expect(stderr.split('\n')[0]).toBe('--out needs a folder');
    expect(fs.readdirSync(dir)).toEqual(['sites']);
  });
});
