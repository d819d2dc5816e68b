/**
 * The one command-line parser of `aif` and its subcommands: site ids as positional
 * arguments, `--name value` and `--name=value` options, `-h`/`--help`, and `--` before the
 * arguments a wrapped tool receives unchanged. Every command describes itself with a
 * {@link CommandSpec}; its usage text, its mistakes and its exit codes come from here, so all
 * commands read and fail the same way.
 */
import * as fs from 'fs';
import * as path from 'path';
import { closest, EXIT_INTERNAL_ERROR, EXIT_INVALID, EXIT_USAGE, renderValue, shorten } from '../site-model/problems';

/** One option of a command. */
export interface OptionSpec {
  /** Long name without its dashes, e.g. `sites-dir`. */
  readonly name: string;
  /**
   * Name of the option's value in the usage, e.g. `DIR`.
   * @default - a switch, which takes no value
   */
  readonly value?: string;
  /**
   * What the value must be, for the mistake `--<name> needs <needs>`.
   * @default - `a value`
   */
  readonly needs?: string;
  /**
   * The only values allowed; any other is a usage error that lists them.
   * @default - any value
   */
  readonly choices?: readonly string[];
  /** What the option does; further lines are indented under the first. */
  readonly help: string;
}

/** The site ids a command takes as positional arguments. */
export interface SitesSpec {
  /** Fewest site ids: 1 when the command needs one. */
  readonly min: 0 | 1;
  /** Most site ids: 1, or Infinity for any number. */
  readonly max: number;
  /** A site id for the mistake `name a site, e.g. <example>`. */
  readonly example: string;
  /**
   * Added to the mistake `one site at a time, got a and b`.
   * @default - nothing added
   */
  readonly oneAtATimeHint?: string;
}

/** A command: what its usage says and what its command line may hold. */
export interface CommandSpec {
  /** Subcommand name, e.g. `validate`. */
  readonly name: string;
  /** Synopsis lines after `aif <name> `, e.g. `[<site>...] [options]`. */
  readonly synopsis: readonly string[];
  /** What the command does, in a paragraph or two. */
  readonly description: string;
  /**
   * Site ids it takes.
   * @default - none: a site id is a usage error
   */
  readonly sites?: SitesSpec;
  /** Its options; `-h, --help` is added to every command. */
  readonly options: readonly OptionSpec[];
  /**
   * Whether arguments after `--` are kept for a wrapped tool.
   * @default false - `--` is a usage error
   */
  readonly passThrough?: boolean;
  /** What the exit codes mean, after the options; a line per code. */
  readonly exitCodes: string;
  /**
   * Further notes at the end of the usage (environment variables, prerequisites).
   * @default - none
   */
  readonly notes?: string;
}

/** A command line that describes a run. */
export interface ParsedArgs {
  /** Site ids, in the order given, without repeats. */
  readonly sites: readonly string[];
  /** Option values by name (a switch holds `true`); the last of a repeated option wins. */
  readonly options: Readonly<Record<string, string | true>>;
  /** Arguments after `--`, for a wrapped tool. */
  readonly rest: readonly string[];
}

/** A command line that does not describe a run: the text to print and the exit code. */
export interface ArgsExit {
  /** 0 for `--help` (text on stdout), {@link EXIT_USAGE} for a mistake (text on stderr). */
  readonly exit: 0 | typeof EXIT_USAGE;
  readonly text: string;
}

/** Where a command reads and writes: the process's streams and environment, or a test's. */
export interface Io {
  /** Writes to standard output. */
  readonly out: (text: string) => void;
  /** Writes to standard error: progress, problems and mistakes. */
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Folder relative paths are resolved against. */
  readonly cwd: string;
}

/** The process's own streams, environment and working directory. */
export function processIo(): Io {
  return { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env, cwd: process.cwd() };
}

/** `--sites-dir DIR`, which every command that reads site files takes. */
export const SITES_DIR_OPTION: OptionSpec = {
  name: 'sites-dir',
  value: 'DIR',
  needs: 'a folder',
  help: 'folder of the site files (default: $SITES_DIR, else sites/ in the working directory)',
};

/** `--out DIR`, for commands that write files; `what` says what goes there and its default. */
export function outOption(what: string): OptionSpec {
  return { name: 'out', value: 'DIR', needs: 'a folder', help: what };
}

/** The line every exit-code table ends with. */
export const EXIT_CODES_TAIL = '2 bad arguments, 3 an internal error (a bug of ai-factory-cdk: please report it).';

/** What a run prints when ai-factory-cdk itself failed: never a stack trace, always a bug. */
export const BUG = 'this is a bug in ai-factory-cdk, not a mistake in the site files; please report it (AIF_DEBUG=1 prints the stack trace)';

const HELP_OPTION: OptionSpec = { name: 'help', help: 'this text' };

/** The usage text of a command, as `aif <command> --help` prints it. */
export function usage(spec: CommandSpec): string {
  const lines = spec.synopsis.map((s, i) => `${i === 0 ? 'usage: ' : '       '}aif ${spec.name} ${s}`.trimEnd());
  const flag = (o: OptionSpec) => (o.name === 'help' ? '-h, --help' : `--${o.name}${o.value ? ` ${o.value}` : ''}`);
  const options = [...spec.options, HELP_OPTION];
  const width = Math.max(...options.map((o) => flag(o).length)) + 2;
  const optionLines = options.flatMap((o) => {
    const [first, ...more] = o.help.split('\n');
    return [`  ${flag(o).padEnd(width)}${first}`, ...more.map((m) => `  ${' '.repeat(width)}${m}`)];
  });
  return [
    ...lines,
    '',
    spec.description.trimEnd(),
    '',
    'options:',
    ...optionLines,
    '',
    `exit codes: ${spec.exitCodes.trimEnd()}`,
    ...(spec.notes ? ['', spec.notes.trimEnd()] : []),
  ].join('\n');
}

/** A usage error of a command: the mistake, a blank line and the usage. */
export function usageError(spec: CommandSpec, text: string): ArgsExit {
  return { exit: EXIT_USAGE, text: `${text}\n\n${usage(spec)}` };
}

/**
 * Parses a command line against a command's spec. `--help` anywhere (before `--`) wins over
 * any mistake; an unknown option, a missing or disallowed value, a site where none is
 * taken, too few or too many sites are usage errors.
 */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs | ArgsExit {
  const end = argv.indexOf('--');
  const own = end < 0 ? argv : argv.slice(0, end);
  if (own.some((a) => a === '-h' || a === '--help')) return { exit: 0, text: usage(spec) };
  const bad = (text: string) => usageError(spec, text);
  const sites: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < own.length; i++) {
    const arg = own[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (!spec.sites) return bad(`aif ${spec.name} takes no site, got ${arg}`);
      if (!sites.includes(arg)) sites.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const option = flag.startsWith('--') ? spec.options.find((o) => o.name === flag.slice(2)) : undefined;
    if (!option) {
      const hint = closest(
        flag.replace(/^-+/, ''),
        spec.options.map((o) => o.name),
      );
      return bad(`unknown option ${arg}${hint ? `; did you mean --${hint}?` : ''}`);
    }
    if (option.value === undefined) {
      if (inline !== undefined) return bad(`${flag} takes no value, got ${renderValue(inline)}`);
      options[option.name] = true;
      continue;
    }
    const next = inline === undefined ? own[i + 1] : undefined;
    const value = inline ?? (next !== undefined && !next.startsWith('--') ? own[++i] : undefined);
    if (value === undefined || value === '') return bad(`${flag} needs ${option.needs ?? 'a value'}`);
    if (option.choices && !option.choices.includes(value)) return bad(`${flag} takes one of ${option.choices.join(', ')}, got ${value}`);
    options[option.name] = value;
  }
  if (end >= 0 && !spec.passThrough) return bad(`aif ${spec.name} passes nothing on, so -- is not allowed here`);
  if (spec.sites) {
    if (sites.length < spec.sites.min) return bad(`name a site, e.g. ${spec.sites.example}`);
    if (sites.length > spec.sites.max) return bad(`one site at a time, got ${sites.join(' and ')}${spec.sites.oneAtATimeHint ?? ''}`);
  }
  return { sites, options, rest: end < 0 ? [] : argv.slice(end + 1) };
}

/** Whether a parse ended in text to print rather than a run. */
export function isExit<T extends object>(parsed: T | ArgsExit): parsed is ArgsExit {
  return 'exit' in parsed;
}

/** Prints an {@link ArgsExit} where it belongs and returns its code. */
export function printExit(io: Io, e: ArgsExit): number {
  (e.exit === 0 ? io.out : io.err)(`${e.text}\n`);
  return e.exit;
}

/** A string option's value. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.options[name];
  return typeof v === 'string' ? v : undefined;
}

/** The catalogue folder: `--sites-dir`, else $SITES_DIR, else `sites/` in the working directory. */
export function sitesDirOf(parsed: ParsedArgs, io: Io): string {
  return path.resolve(io.cwd, stringOption(parsed, 'sites-dir') ?? (io.env.SITES_DIR || 'sites'));
}

/** Site ids of a catalogue folder: its `.yaml` and `.yml` files, without the extension. */
function siteIdsIn(sitesDir: string): string[] {
  return fs
    .readdirSync(sitesDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

/**
 * Checks that the catalogue folder exists and holds every site named, before any work: each
 * mistake is one line naming the folder, what is missing and the likely fix. Returns the
 * mistakes (empty when all is well).
 */
export function checkSites(sitesDir: string, ids: readonly string[], cwd: string): string[] {
  const shown = path.relative(cwd, sitesDir) || '.';
  if (!fs.existsSync(sitesDir) || !fs.statSync(sitesDir).isDirectory()) {
    return [`${shown}: no such folder of site files; pass --sites-dir DIR or set SITES_DIR, or run from the folder that holds sites/`];
  }
  const known = siteIdsIn(sitesDir);
  return ids
    .filter((id) => !known.includes(id))
    .map((id) => {
      const asId = id.replace(/\.ya?ml$/, '');
      const base = path.basename(asId);
      const hint =
        base !== id && known.includes(base)
          ? `name the site by its id: ${base}`
          : (() => {
              const near = closest(id, known);
              return near ? `did you mean ${near}?` : known.length > 0 ? `use one of: ${shorten(known.join(', '), 400)}` : 'the folder holds no site file';
            })();
      return `${path.join(shown, `${id}.yaml`)}: no site ${renderValue(id)} in ${shown}; ${hint}`;
    });
}

/** Prints the mistakes of {@link checkSites} and returns {@link EXIT_INVALID}, or undefined when there are none. */
export function reportMissingSites(io: Io, sitesDir: string, ids: readonly string[]): number | undefined {
  const mistakes = checkSites(sitesDir, ids, io.cwd);
  if (mistakes.length === 0) return undefined;
  io.err(`${mistakes.join('\n')}\n`);
  return EXIT_INVALID;
}

/** Prints an internal error (the stack only with AIF_DEBUG=1) and returns its exit code. */
function internalError(io: Io, e: unknown): number {
  const message = e instanceof Error ? e.message : String(e);
  io.err(`internal error: ${renderValue(message.split('\n')[0])}\n${BUG}\n`);
  if (io.env.AIF_DEBUG && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
  return EXIT_INTERNAL_ERROR;
}

/**
 * Runs a command's body; anything it throws (or its promise rejects with) is an internal
 * error, exit {@link EXIT_INTERNAL_ERROR}, never a stack trace unless AIF_DEBUG=1.
 */
export function guarded(io: Io, body: () => number | Promise<number>): number | Promise<number> {
  try {
    const result = body();
    return typeof result === 'number' ? result : result.catch((e: unknown) => internalError(io, e));
  } catch (e) {
    return internalError(io, e);
  }
}

/** Runs a command as the process's entry point and exits with its code. */
export function runAsMain(run: (argv: readonly string[]) => number | Promise<number>): void {
  const io = processIo();
  void Promise.resolve(guarded(io, () => run(process.argv.slice(2)))).then((code) => process.exit(code));
}
