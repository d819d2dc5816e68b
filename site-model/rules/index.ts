/**
 * Cross-field rules of a site file, one file per section. They run on whatever parts of the
 * file are valid on their own, so a file with schema, reference, capacity and suppression
 * mistakes shows all of them in one run.
 */
import type { SiteProblem } from '../problems';
import type { SiteSpec } from '../schema';
import type { SiteSource } from '../source';
import { cellRules } from './cells';
import { RuleContext } from './context';
import { fabricRules } from './fabric';
import { labRules } from './labs';
import { poolRules } from './pools';
import { schedulerRules } from './scheduler';
import { siteWideRules } from './site';
import { slurmPodRules } from './slurm-pods';
import { storageRules } from './storage';
import { tenantRules } from './tenants';

/**
 * Runs every cross-field rule.
 * @param spec the parts of the file that are valid on their own
 * @param raw the whole parsed file
 * @param source where the file's values sit
 */
export function siteRules(
  spec: Partial<SiteSpec>,
  raw: Readonly<Record<string, unknown>>,
  source: SiteSource,
): { problems: SiteProblem[]; warnings: SiteProblem[] } {
  const ctx = new RuleContext(spec, raw, source);
  for (const rules of [poolRules, cellRules, fabricRules, schedulerRules, slurmPodRules, storageRules, tenantRules, labRules, siteWideRules]) rules(ctx);
  return { problems: ctx.problems, warnings: ctx.warnings };
}
