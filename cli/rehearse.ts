/**
 * `npm run rehearse -- <site> [options]`: rehearses a site's deploy on a real Kubernetes
 * control plane on loopback, with the site's nodes simulated (see rehearsal/rehearse.ts).
 * Prints a table of checks; exits 0 when every check passes or fails as expected, 1 when one
 * fails (or a known defect passes unexpectedly), 2 for bad arguments or a site that does not
 * load.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCatalogue } from '../site-model/loader';
import { formatProblem, SiteValidationError } from '../site-model/problems';
import { formatRehearsal, rehearsalJson, rehearseSite } from '../rehearsal/rehearse';

const USAGE = `usage: npm run rehearse -- <site> [options]

Starts a real kube-apiserver, controller manager, scheduler and Kueue on 127.0.0.1 for each
cluster of the site, simulates its nodes with kwok, applies the site's objects with
server-side apply and checks what the cluster does with them.

options:
  --crds DIR               CRDs of the pinned charts, as <chart>/<version>/crds.yaml
                           (charts themselves cannot be reached offline)
  --max-nodes-per-pool N   simulate at most N nodes of each pool (default: all)
  --timeout SECONDS        how long a check waits for a controller (default 60)
  --work-dir DIR           where each cluster's files and logs go (default: a new temp dir)
  --json FILE              also write the report as JSON
  --keep                   leave the control planes running and print their kubeconfigs
  -h, --help               this text

Binaries come from AIF_REHEARSAL_ROOT (default /opt/aif-rehearsal); install them with
bash .ci/install-rehearsal.sh.`;

/** Parsed arguments. */
export interface RehearseArgs {
  readonly site: string;
  readonly crdsDir?: string;
  readonly maxNodesPerPool?: number;
  readonly timeoutSeconds?: number;
  readonly workDir?: string;
  readonly json?: string;
  readonly keep: boolean;
}

/** Parses the command line; returns the text to print (usage or an error) instead when it does not describe a run. */
export function parseRehearseArgs(argv: readonly string[]): RehearseArgs | { readonly exit: 0 | 2; readonly text: string } {
  let site: string | undefined;
  const opts: { crdsDir?: string; maxNodesPerPool?: number; timeoutSeconds?: number; workDir?: string; json?: string; keep: boolean } = { keep: false };
  const bad = (text: string) => ({ exit: 2 as const, text: `${text}\n\n${USAGE}` });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '-h':
      case '--help':
        return { exit: 0, text: USAGE };
      case '--keep':
        opts.keep = true;
        break;
      case '--crds':
      case '--work-dir':
      case '--json': {
        const v = value();
        if (v === undefined || v.startsWith('--')) return bad(`${flag} needs a path`);
        if (flag === '--crds') opts.crdsDir = v;
        else if (flag === '--work-dir') opts.workDir = v;
        else opts.json = v;
        break;
      }
      case '--max-nodes-per-pool':
      case '--timeout': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1) return bad(`${flag} needs a whole number of at least 1`);
        if (flag === '--timeout') opts.timeoutSeconds = v;
        else opts.maxNodesPerPool = v;
        break;
      }
      default:
        if (arg.startsWith('-')) return bad(`unknown option ${arg}`);
        if (site !== undefined) return bad(`one site at a time, got ${site} and ${arg}`);
        site = arg;
    }
  }
  if (site === undefined) return bad('name a site, e.g. es-1healthai');
  return { site, ...opts };
}

async function main(): Promise<number> {
  const args = parseRehearseArgs(process.argv.slice(2));
  if ('exit' in args) {
    (args.exit === 0 ? process.stdout : process.stderr).write(`${args.text}\n`);
    return args.exit;
  }
  let site;
  try {
    [site] = loadCatalogue(process.env.SITES_DIR ?? path.join(__dirname, '..', 'sites'), args.site);
  } catch (e) {
    if (!(e instanceof SiteValidationError)) throw e;
    process.stderr.write(`${e.problems.map(formatProblem).join('\n')}\n`);
    return 2;
  }
  if (args.crdsDir !== undefined && !fs.existsSync(args.crdsDir)) {
    process.stderr.write(`--crds ${args.crdsDir}: no such directory\n`);
    return 2;
  }
  const workDir = args.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `aif-rehearsal-${site.spec.id}-`));
  const report = await rehearseSite({
    site,
    workDir,
    crdsDir: args.crdsDir,
    maxNodesPerPool: args.maxNodesPerPool,
    timeoutSeconds: args.timeoutSeconds,
    keep: args.keep,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatRehearsal(report)}\n`);
  if (args.json) fs.writeFileSync(args.json, rehearsalJson(report));
  if (args.keep) {
    for (const c of report.clusters) process.stdout.write(`cluster ${c.cluster} left running: export KUBECONFIG=${c.kubeconfig ?? ''}\n`);
  } else if (args.workDir === undefined && report.ok) {
    fs.rmSync(workDir, { recursive: true, force: true });
  } else {
    process.stdout.write(`logs: ${workDir}\n`);
  }
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`rehearsal failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
