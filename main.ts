import { App } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { addSiteStacks } from './stacks/site';
import { loadCatalogue } from './stacks/spec/loader';
import { SiteValidationError } from './stacks/spec/problems';

// Loads the catalogue (or the site named by SITE), builds each site's stacks and synthesizes.
// Validation runs before any stack exists; on failure the previous output is removed too,
// so a stale cdktf.out can never be deployed by mistake.
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
try {
  const sites = loadCatalogue(process.env.SITES_DIR ?? path.join(__dirname, 'sites'), process.env.SITE || undefined);
  const app = new App({ outdir });
  for (const spec of sites) addSiteStacks(app, spec);
  app.synth();
} catch (e) {
  if (e instanceof SiteValidationError) {
    fs.rmSync(path.join(outdir, 'stacks'), { recursive: true, force: true });
    fs.rmSync(path.join(outdir, 'manifest.json'), { force: true });
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
