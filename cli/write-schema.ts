/**
 * Writes sites/site.schema.json from the zod schema, so editors can complete and check
 * site files. Run with `npm run schema` after changing site-model/schema.ts; a test fails
 * while the committed file is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { siteJsonSchema } from '../site-model/schema';

export const SCHEMA_FILE = path.join(__dirname, '..', 'sites', 'site.schema.json');

export function renderSchema(): string {
  return `${JSON.stringify(siteJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: npm run schema\n\nWrites sites/site.schema.json from site-model/schema.ts, for editors that complete and check site files.\n');
    process.exit(0);
  }
  if (argv.length > 0) {
    process.stderr.write(`unknown argument ${argv[0]}\nusage: npm run schema\n`);
    process.exit(2);
  }
  // Write to a temporary file first so an interrupted run never leaves half a schema.
  const tmp = `${SCHEMA_FILE}.tmp`;
  fs.writeFileSync(tmp, renderSchema());
  fs.renameSync(tmp, SCHEMA_FILE);
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
