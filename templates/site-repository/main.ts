// The app that `npx cdktf synth`, `npx aif diff` and `npx aif deploy` run: ai-factory-cdk's
// own, which reads the site files in sites/ ($SITES_DIR; $SITE names one site), checks each
// against the rules and the policy pack, and writes the stacks into cdktf.out/ ($CDKTF_OUTDIR).
// To change a site's stacks before the policy pack runs, replace the import with a call to
// synthCatalogue({ sitesDir: 'sites', outdir: 'cdktf.out', customize }) from 'ai-factory-cdk'.
import 'ai-factory-cdk/dist/main';
