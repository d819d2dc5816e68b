#!/usr/bin/env node
/**
 * `aif`: the one command-line tool of ai-factory-cdk. `aif <command> [<site>...] [options]`
 * runs one subcommand; each lives in its own module beside this one, exports
 * `run(argv)`, and is loaded only when it runs, so `aif --help` stays fast.
 *
 * Exit codes, the same for every command: 0 success, 1 invalid input or a policy failure,
 * 2 a usage error, 3 an internal error (a bug of ai-factory-cdk, with a line asking to report
 * it; AIF_DEBUG=1 prints the stack trace).
 */
import * as fs from 'fs';
import * as path from 'path';
import { guarded, processIo, runAsMain, type Io } from './args';
import { closest, EXIT_INTERNAL_ERROR, EXIT_USAGE } from '../site-model/problems';
import { PACKAGE_ROOT } from '../site-model/package-root';

/** A subcommand's entry point: its arguments after the command name, and where it prints. */
export type RunCommand = (argv: readonly string[], io?: Io) => number | Promise<number>;

/** One subcommand of `aif`. */
export interface Subcommand {
  /** One line for `aif --help`. */
  readonly summary: string;
  /** Loads the module that runs it. */
  readonly load: () => Promise<{ readonly run?: RunCommand }>;
}

/** Every subcommand, in the order `aif --help` lists them. */
export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  validate: { summary: 'check site files, build every stack and run the policy pack; writes nothing', load: () => import('./validate') },
  synth: { summary: 'write the Terraform JSON of the sites into cdktf.out/ (or --out)', load: () => import('./synth') },
  diff: { summary: "Terraform's plan of a site against its clusters (cdktf diff)", load: () => import('./diff') },
  deploy: { summary: "deploy a site's stacks (cdktf deploy)", load: () => import('./deploy') },
  render: { summary: 'write the Slurm files a site deploys into render.out/<site>/', load: () => import('./render') },
  review: { summary: 'write a review of a site (capacity, energy, AI Act) or of the catalogue', load: () => import('./review') },
  preflight: { summary: "check a site's live clusters against its site file (read-only)", load: () => import('./preflight') },
  rehearse: { summary: "rehearse a site's deploy on a local control plane with simulated nodes", load: () => import('./rehearse') },
  'terraform-config': {
    summary: 'write the Terraform CLI configuration that installs the providers from a mirror (air-gapped sites)',
    load: () => import('./terraform-config'),
  },
  schema: { summary: 'regenerate sites/site.schema.json and docs/site-file.md from the site-file schema', load: () => import('./write-schema') },
  bench: { summary: 'synth time, resource counts and object sizes', load: () => import('../bench/run') },
  init: { summary: 'write a ready site repository for a new site', load: () => import('./init') },
};

/** What `aif --help` prints. */
function aifUsage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length)) + 3;
  return `usage: aif <command> [<site>...] [options]
       aif <command> --help

Provisions EU AI factories on Kubernetes from declarative site files.

commands:
${Object.entries(SUBCOMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`)
  .join('\n')}

A site is named by its file name without .yaml, in the folder --sites-dir DIR, else
$SITES_DIR, else sites/ in the working directory; naming none means every site.

exit codes: 0 success, 1 invalid input or a policy failure, 2 bad arguments,
3 an internal error (a bug of ai-factory-cdk: please report it; AIF_DEBUG=1 prints the stack).`;
}

/** The package's root folder, which holds package.json, templates/ and sites/. */
export { PACKAGE_ROOT };

/** The package's own package.json. */
export function packageJson(): {
  readonly name: string;
  readonly version: string;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly allowScripts?: Readonly<Record<string, boolean>>;
} {
  return JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as ReturnType<typeof packageJson>;
}

/** The package's version, for `aif --version`. */
function version(): string {
  return packageJson().version ?? 'unknown';
}

/** Runs `aif` with its arguments (without `aif` itself) and returns the exit code. */
export function run(argv: readonly string[], io: Io = processIo()): number | Promise<number> {
  return guarded(io, async () => {
    const [name, ...rest] = argv;
    if (name === undefined) {
      io.err(`${aifUsage()}\n`);
      return EXIT_USAGE;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      // `aif help <command>` is `aif <command> --help`.
      if (name === 'help' && rest.length > 0) return run([rest[0], '--help'], io);
      io.out(`${aifUsage()}\n`);
      return 0;
    }
    if (name === '--version') {
      io.out(`${version()}\n`);
      return 0;
    }
    const command = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
    if (!command) {
      const hint = name.startsWith('-') ? undefined : closest(name, Object.keys(SUBCOMMANDS));
      io.err(`${name.startsWith('-') ? 'unknown option' : 'unknown command'} ${name}${hint ? `; did you mean ${hint}?` : ''}\n\n${aifUsage()}\n`);
      return EXIT_USAGE;
    }
    const loaded = await command.load();
    if (typeof loaded.run !== 'function') {
      io.err(`aif ${name}: its module exports no run(argv); this is a bug in ai-factory-cdk, please report it\n`);
      return EXIT_INTERNAL_ERROR;
    }
    return loaded.run(rest, io);
  });
}

if (require.main === module) runAsMain(run);
