/**
 * The sacctmgr flat file: one account per tenant under root, with its fairshare and GPU limits.
 *
 * Every line states every value it manages, in a fixed order, so `sacctmgr -i load` of the
 * same file reconciles to no change. Loading never deletes: an account removed from the
 * site stays in slurmdbd until `sacctmgr delete account <name>`.
 *
 * Limits are `GrpTRES` on the account: the pool's units are counted by a typed TRES
 * (`gres/gpu:<type>`, see {@link unitTres}), so a tenant's limit on an H100 pool does not
 * cap its use of a B200 pool. Two pools whose units share a TRES (same GPU type and sharing)
 * share one limit, the sum of their limits. An untyped `gres/gpu` total is added because
 * Slurm only charges typed TRES to jobs that ask for the type.
 *
 * @see https://slurm.schedmd.com/sacctmgr.html#SECTION_FLAT-FILE-DUMP-AND-LOAD
 * @see https://slurm.schedmd.com/resource_limits.html
 */
import { unitTres } from './gres';
import type { SlurmPoolInput, SlurmRenderInput, SlurmTenantInput } from './input';

/** `GrpTRES` of a tenant: TRES name to units, sorted by TRES name; empty without limits. */
export function tenantGrpTres(tenant: SlurmTenantInput, pools: readonly SlurmPoolInput[]): [string, number][] {
  const byTres = new Map<string, number>();
  for (const pool of pools) {
    const max = tenant.maxUnitsByPool[pool.name];
    if (max === undefined) continue;
    const tres = unitTres(pool);
    byTres.set(tres, (byTres.get(tres) ?? 0) + max);
  }
  const gpuTotal = [...byTres].filter(([t]) => t.startsWith('gres/gpu:')).reduce((sum, [, n]) => sum + n, 0);
  if ([...byTres.keys()].some((t) => t.startsWith('gres/gpu:'))) byTres.set('gres/gpu', gpuTotal);
  return [...byTres].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** TRES names that slurmdbd must track for the limits (`AccountingStorageTRES=`). */
export function limitTres(pools: readonly SlurmPoolInput[]): string[] {
  const names = new Set<string>(['gres/gpu']);
  for (const pool of pools) names.add(unitTres(pool));
  return [...names].sort();
}

/**
 * Quotes a flat-file value: sacctmgr splits fields on `:` outside quotes, and takes `'` or
 * `"` as quotes. A value holding both loses its double quotes.
 */
function quoted(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  return `"${value.replace(/"/g, '')}"`;
}

/** The flat file for `sacctmgr -i load file=<path>`. */
export function renderAccounts(input: SlurmRenderInput): string {
  const qos = [...new Set(input.partitions.map((p) => p.qos).filter((q): q is string => q !== undefined))].sort();
  const lines = [
    `# sacctmgr flat file for Slurm cluster ${input.clusterName}, rendered by ai-factory-cdk; do not edit.`,
    '# Load with: sacctmgr -i load file=accounts.cfg   (loading it again changes nothing)',
    ...(qos.length > 0 ? [`# Partition QOS to create first (flat files cannot hold QOS): ${qos.join(', ')}`] : []),
    `Cluster - ${quoted(input.clusterName)}`,
    `Parent - ${quoted('root')}`,
  ];
  for (const t of input.tenants ?? []) {
    const fields = [
      `Account - ${quoted(t.name)}`,
      `Description=${quoted(t.description ?? t.name)}`,
      `Organization=${quoted(t.organization ?? t.name)}`,
      `Fairshare=${t.fairshare}`,
    ];
    const tres = tenantGrpTres(t, input.pools);
    if (tres.length > 0) fields.push(`GrpTRES=${quoted(tres.map(([name, n]) => `${name}=${n}`).join(','))}`);
    lines.push(fields.join(':'));
  }
  return `${lines.join('\n')}\n`;
}
