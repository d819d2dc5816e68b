/**
 * `aif bench`: synth time, resource counts and object sizes. Speed and size targets
 * live here, not in tests. Prints a table and exits 0; numbers are for reading and for
 * comparing runs on the same machine.
 */
import { Testing } from 'cdktf';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import * as fs from 'fs';
import { addSiteStacks } from '../stacks/site';
import { checkSiteText, loadCatalogue } from '../site-model/loader';
import { EXIT_INVALID, formatProblem, SiteValidationError } from '../site-model/problems';
import type { SiteModel } from '../site-model/resolve';
import {
  EXIT_CODES_TAIL,
  guarded,
  isExit,
  parseArgs,
  printExit,
  processIo,
  reportMissingSites,
  runAsMain,
  SITES_DIR_OPTION,
  sitesDirOf,
  type CommandSpec,
  type Io,
} from '../cli/args';

const ROOT = path.join(__dirname, '..');

/** The command line of `aif bench`. */
export const BENCH_COMMAND: CommandSpec = {
  name: 'bench',
  synopsis: ['[options]'],
  description: `Synthesizes the fixture at several sizes, Slurm at 100,000 GPUs and every site of the
catalogue, and prints synth times, resource counts and the largest object of each (Kubernetes
objects must stay under 1 MiB). Writes nothing.`,
  options: [SITES_DIR_OPTION],
  exitCodes: `0 measured, 1 a catalogue folder that does not exist or a site that does not load,
${EXIT_CODES_TAIL}`,
};

/** `aif bench`: prints the measurements, exit 0. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, () => {
    const parsed = parseArgs(BENCH_COMMAND, argv);
    if (isExit(parsed)) return printExit(io, parsed);
    const sitesDir = sitesDirOf(parsed, io);
    const missing = reportMissingSites(io, sitesDir, []);
    if (missing !== undefined) return missing;
    try {
      bench(sitesDir, (line) => io.out(`${line}\n`));
    } catch (e) {
      if (!(e instanceof SiteValidationError)) throw e;
      io.err(`${e.problems.map(formatProblem).join('\n')}\n`);
      return EXIT_INVALID;
    }
    return 0;
  });
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

interface SiteMeasure {
  readonly resources: number;
  readonly ms: number;
  /** Largest single resource or Helm values document, bytes. */
  readonly largestBytes: number;
  readonly largestWhat: string;
}

/** Synthesizes a site's stacks and measures them. */
function measure(site: SiteModel): SiteMeasure {
  const run = timed(() => {
    const app = Testing.app();
    const stacks = addSiteStacks(app, site);
    return [stacks.platform, stacks.workloads].map(
      (s) => JSON.parse(Testing.synth(s)) as { resource?: Record<string, Record<string, Record<string, unknown>>> },
    );
  });
  let resources = 0;
  let largestBytes = 0;
  let largestWhat = '';
  for (const json of run.value) {
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        resources++;
        // A Helm release stores its values in one Secret; a Kubernetes object is one etcd entry.
        const values = Array.isArray(body.values) ? (body.values as string[]).join('\n').length : 0;
        const bytes = Math.max(values, JSON.stringify(body).length);
        if (bytes > largestBytes) {
          largestBytes = bytes;
          largestWhat = `${type}.${name}`;
        }
      }
    }
  }
  return { resources, ms: run.ms, largestBytes, largestWhat };
}

/** The parts of the fixture site file a bench case changes. */
interface FixtureDoc {
  gpuPools: { h100: Record<string, unknown> & { nodes: number } };
  scheduler: unknown;
}

/** The minimal fixture site with one pool of `nodes` nodes, optionally changed further. */
function fixtureWithNodes(nodes: number, change: (doc: FixtureDoc) => void = () => undefined): SiteModel {
  const doc = parse(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'xx-minimal.yaml'), 'utf8')) as FixtureDoc;
  doc.gpuPools.h100.nodes = nodes;
  change(doc);
  const check = checkSiteText(stringify(doc), 'xx-minimal.yaml');
  if (!check.site) throw new Error(check.problems.map((p) => p.problem).join('; '));
  return check.site;
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Measures and prints, a line at a time. */
function bench(sitesDir: string, log: (line: string) => void): void {
  log('# Scaling with node count (fixture site, one H100 pool)');
  for (const nodes of [100, 10_000]) {
    measure(fixtureWithNodes(nodes)); // warm-up, so module loading is not counted
    const m = measure(fixtureWithNodes(nodes));
    log(`  ${String(nodes).padStart(6)} nodes: ${m.resources} resources, synth ${m.ms.toFixed(0)} ms, largest object ${kib(m.largestBytes)}`);
  }

  log('\n# Slurm at 100,000 GPUs: the largest object that carries its configuration');
  /** A Slurm partition over the whole pool, with the accounting its tenants' quotas need. */
  const SLURM_SCHEDULER = {
    slurm: {
      partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 48 } },
      accounting: { host: 'slurmdbd-db.example.internal', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } },
    },
  };
  const slurmAt100k: [string, (doc: FixtureDoc) => void][] = [
    [
      '12,500 x 8 H100, switch tree (32 nodes/leaf, 32 leaves/spine)',
      (doc) => {
        doc.gpuPools.h100.fabric = { nodesPerLeafSwitch: 32, leafSwitchesPerSpine: 32 };
        doc.scheduler = SLURM_SCHEDULER;
      },
    ],
    [
      '24,984 x 4 GB300 NVL72 (99,936 GPUs), blocks of 18',
      (doc) => {
        Object.assign(doc.gpuPools.h100, { accelerator: 'nvidia-gb300-nvl72', nodes: 24_984, acceleratorsPerNode: 4, fabric: { nodesPerNvlinkDomain: 18 } });
        doc.scheduler = SLURM_SCHEDULER;
      },
    ],
  ];
  for (const [what, change] of slurmAt100k) {
    const m = measure(fixtureWithNodes(12_500, change));
    log(`  ${what}: ${m.resources} resources, synth ${m.ms.toFixed(0)} ms, largest ${kib(m.largestBytes)} (${m.largestWhat}) of the 1024 KiB limit`);
  }

  log('\n# Catalogue');
  const load = timed(() => loadCatalogue(sitesDir));
  log(`  load + validate ${load.value.length} site files: ${load.ms.toFixed(0)} ms`);
  let total = 0;
  let totalMs = 0;
  for (const site of load.value) {
    const spec = site.spec;
    const m = measure(site);
    total += m.resources;
    totalMs += m.ms;
    const gpus = Object.values(spec.gpuPools).reduce((n, p) => n + p.nodes * p.acceleratorsPerNode, 0);
    log(
      `  ${spec.id.padEnd(24)} ${String(gpus).padStart(7)} GPUs  ${String(m.resources).padStart(4)} resources  ${m.ms.toFixed(0).padStart(5)} ms  largest ${kib(m.largestBytes).padStart(10)} (${m.largestWhat})`,
    );
  }
  log(`  total: ${total} resources in ${totalMs.toFixed(0)} ms (${(totalMs / Math.max(total, 1)).toFixed(2)} ms/resource)`);
  log('\nKubernetes objects and Helm release Secrets must stay well under 1 MiB each.');
}

if (require.main === module) runAsMain(run);
