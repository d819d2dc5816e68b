/**
 * Writes the two files generated from the zod schema of site files: `sites/site.schema.json`,
 * so editors can complete and check site files, and `docs/site-file.md`, the field reference.
 * Run with `npm run schema` after changing site-model/schema.ts; a test fails while either
 * committed file is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { siteJsonSchema } from '../site-model/schema';
import { FIELD_REFERENCE_PATH, FieldReferenceError, renderFieldReference } from '../site-model/field-reference';
import { PACKAGE_ROOT } from '../site-model/package-root';
import { writeFileAtomic } from '../rehearsal/control-plane-support';

/** The JSON Schema file editors read. */
export const SCHEMA_FILE = path.join(PACKAGE_ROOT, 'sites', 'site.schema.json');

/** The field reference, `docs/site-file.md`. */
export const FIELD_REFERENCE_FILE = path.join(PACKAGE_ROOT, FIELD_REFERENCE_PATH);

/** The text of `sites/site.schema.json`. */
export function renderSchema(): string {
  return `${JSON.stringify(siteJsonSchema(), null, 2)}\n`;
}

const USAGE = `usage: npm run schema

Writes sites/site.schema.json (the JSON Schema editors use to complete and check site files)
and docs/site-file.md (the field reference), both from site-model/schema.ts.
`;

/** Writes `text` to `file` through a temporary file, so an interrupted run never leaves half a file. */
function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, text);
}

/** Where the command prints: standard output and error unless a caller (the `aif` dispatcher, a test) captures them. */
export interface SchemaIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const PROCESS_IO: SchemaIo = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

/**
 * Runs the command with its arguments (without the node and script paths) and returns its
 * exit code: 0 after `--help` or after writing both files, 1 when the schema has a field the
 * reference cannot document, 2 for any argument it does not know.
 * Both texts are rendered before either file is written, so a schema the reference cannot
 * document (a field without a description) leaves both files as they were.
 */
export function run(argv: readonly string[], io: SchemaIo = PROCESS_IO): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    io.err(`unknown argument ${argv[0]}\n${USAGE}`);
    return 2;
  }
  const schema = renderSchema();
  let reference: string;
  try {
    reference = renderFieldReference();
  } catch (e) {
    if (!(e instanceof FieldReferenceError)) throw e;
    io.err(`${e.message}\nnothing was written\n`);
    return 1;
  }
  writeAtomically(SCHEMA_FILE, schema);
  writeAtomically(FIELD_REFERENCE_FILE, reference);
  for (const file of [SCHEMA_FILE, FIELD_REFERENCE_FILE]) io.out(`wrote ${path.relative(process.cwd(), file)}\n`);
  return 0;
}

if (require.main === module) {
  process.exit(run(process.argv.slice(2)));
}
