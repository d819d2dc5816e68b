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
import { slurmDuration, type SlurmPoolInput, type SlurmQosInput, type SlurmRenderInput, type SlurmTenantInput } from './input';

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

/**
 * The limits of a QOS as sacctmgr `set` items, every limit stated: one the QOS does not set is
 * cleared (`-1`), so that the QOS ends up with exactly these limits whatever it had before.
 */
export function qosLimits(q: SlurmQosInput): string[] {
  return [
    `Priority=${q.priority ?? 0}`,
    `MaxWall=${q.maxWallHours !== undefined ? slurmDuration(q.maxWallHours) : '-1'}`,
    `MaxTRESPerUser=gres/gpu=${q.maxGpusPerUser ?? -1}`,
    `MaxJobsPerUser=${q.maxJobsPerUser ?? -1}`,
  ];
}

/** The `sh` lines of {@link qosCommands}: one per QOS in each step. */
export interface SlurmQosCommands {
  /** Add the QOS that slurmdbd lacks; before slurmctld starts. */
  readonly create: readonly string[];
  /** Set the limits of every QOS; after slurmctld has registered its TRES, before the accounts file is loaded. */
  readonly limits: readonly string[];
}

/**
 * The sacctmgr commands that put the QOS of a Slurm cluster into slurmdbd, as `sh` lines, in
 * two steps because of what each needs (Slurm 24.11, shown in
 * tests/constructs/scheduling/slurm/slurmdbd.test.ts):
 * - `create` adds each QOS that slurmdbd lacks, without limits. It needs slurmdbd only, and
 *   must run before slurmctld starts: with accounting, slurmctld exits on a partition QOS that
 *   slurmdbd does not have (`fatal: Partition training has an invalid qos (frontier)`).
 * - `limits` sets every limit of every QOS (see {@link qosLimits}). `MaxTRESPerUser=gres/gpu`
 *   needs the `gres/gpu` TRES, which slurmdbd learns when slurmctld registers with its
 *   `AccountingStorageTRES` (before that, sacctmgr fails with `no TRES known by type gres/gpu`);
 *   so it runs after slurmctld has started once, like the accounts file, whose `GrpTRES` need
 *   the typed GPU TRES too.
 *
 * Both are idempotent: a QOS that exists is not added again, and setting the same limits again
 * changes nothing. A QOS removed from the input stays in slurmdbd until
 * `sacctmgr delete qos <name>`. Names are site-file names, so nothing needs quoting.
 *
 * @see https://slurm.schedmd.com/sacctmgr.html#SECTION_SPECIFICATIONS-FOR-QOS
 */
export function qosCommands(input: SlurmRenderInput): SlurmQosCommands {
  const qos = input.qos ?? [];
  return {
    create: qos.map((q) => `sacctmgr -n -P show qos where name=${q.name} format=name | grep -qx ${q.name} || sacctmgr -i add qos ${q.name}`),
    limits: qos.map((q) => `sacctmgr -i modify qos where name=${q.name} set ${qosLimits(q).join(' ')}`),
  };
}

/** The flat file for `sacctmgr -i load file=<path>`. */
export function renderAccounts(input: SlurmRenderInput): string {
  const qos = input.qos ?? [];
  const lines = [
    `# sacctmgr flat file for Slurm cluster ${input.clusterName}, rendered by ai-factory-cdk; do not edit.`,
    '# Load with: sacctmgr -i load file=accounts.cfg   (loading it again changes nothing)',
    // A flat file cannot hold QOS: they are created with their limits by sacctmgr commands (qosCommands) before it is loaded.
    ...qos.map((q) => `# QOS ${q.name}: ${qosLimits(q).join(' ')}`),
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
