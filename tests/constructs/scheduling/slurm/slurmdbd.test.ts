/**
 * Slurm accounting as the stacks deploy it, on a real slurmdbd (Slurm 24.11 with MariaDB, in the
 * harness chroot): for every catalogue site with Slurm, the QOS are created with their limits,
 * a real slurmctld fed the deployed slurm.conf (accounting lines included) registers with
 * slurmdbd, the deployed accounts file is loaded, and sacctmgr must show each tenant's
 * Fairshare and GrpTRES and each QOS's limits as the site file gives them. Loading it all again
 * changes nothing. And why the QOS are created in two steps.
 */
import { gresTypeFor, renderSlurm, type SlurmRenderInput } from '../../../../constructs/scheduling/slurm/render';
import { unitsPerGpu } from '../../../../constructs/gpu/gpu-sharing';
import { loadCatalogue } from '../../../../site-model/loader';
import type { SiteModel, SlurmClusterModel } from '../../../../site-model/resolve';
import type { SiteSpec } from '../../../../site-model/schema';
import { SITES_DIR } from '../../../helpers';
import { withSlurmctld } from '../../../slurm-harness/slurmctld';
import { describeWithSlurmdbd, parseTresList, startMariadb, withSlurmdbd, type Mariadb, type Slurmdbd } from '../../../slurm-harness/slurmdbd';
import { DEPLOYED_LOG_ALLOWANCES, deployedSlurm, harnessFiles, slurmTimeHours } from './slurm-helpers';

const catalogue = loadCatalogue(SITES_DIR).filter((s) => s.spec.scheduler.slurm !== undefined);
// A site's Slurm clusters, then its cells' (one per cell, in the cell's model, with the site it is a cell of).
const cases = [
  ...catalogue.flatMap((site) =>
    site.slurm.map((cluster) => ({ id: `${site.spec.id} (${cluster.kubernetesCluster})`, site, cluster, parent: undefined as SiteModel | undefined })),
  ),
  ...catalogue.flatMap((parent) =>
    parent.cells.flatMap((cell) =>
      cell.site.slurm.map((cluster) => ({
        id: `${parent.spec.id} (${cluster.kubernetesCluster})`,
        site: cell.site,
        cluster,
        parent: parent,
      })),
    ),
  ),
];

/** An account as sacctmgr shows it: its parent, Fairshare and GrpTRES. */
interface AccountLimits {
  readonly parent: string;
  readonly fairshare: string;
  readonly grpTres: Record<string, string>;
}

/** A QOS's limits as sacctmgr shows them. */
interface QosLimits {
  readonly priority: string;
  readonly maxWallHours: number | null;
  readonly maxTresPerUser: string;
  readonly maxJobsPerUser: string;
}

/**
 * Works out, from the site file alone, each tenant's account on the Slurm cluster of
 * `kubernetesCluster`: the part of its quota on the nodes Slurm owns (its share of the pool's
 * nodes; Kubernetes' guarantee rounded down, its maximum to the nearest unit), Fairshare its
 * guarantee there in whole GPUs (at least 1), GrpTRES its maximum per GPU type (MIG profile;
 * shards for time-sliced pools) plus the total of GPUs.
 */
function expectedAccounts(spec: SiteSpec, kubernetesCluster: string): Record<string, AccountLimits> {
  const slurm = spec.scheduler.slurm!;
  const clusterOf = (pool: string) => spec.gpuPools[pool]?.cluster ?? Object.keys(spec.clusters)[0];
  const slurmPools = new Set(Object.values(slurm.partitions).flatMap((p) => p.pools.filter((pool) => clusterOf(pool) === kubernetesCluster)));
  const accounts: Record<string, AccountLimits> = {};
  for (const [name, tenant] of Object.entries(spec.tenants)) {
    const grpTres: Record<string, number> = {};
    let guaranteedGpus = 0;
    for (const [poolName, quota] of Object.entries(tenant.gpuQuota)) {
      if (!slurmPools.has(poolName)) continue;
      const pool = spec.gpuPools[poolName];
      const owner = pool.owner;
      const slurmNodes = typeof owner === 'object' ? owner.slurm : owner === 'kubernetes' ? 0 : pool.nodes;
      const kubernetesShare = (pool.nodes - slurmNodes) / pool.nodes;
      const kubernetesGuaranteed = Math.floor(quota.guaranteed * kubernetesShare);
      const max = quota.max - Math.max(kubernetesGuaranteed, Math.round(quota.max * kubernetesShare));
      if (max === 0) continue;
      const s = pool.sharing;
      const tres = s.mode === 'mig' ? `gres/gpu:${s.profile}` : s.mode === 'time-slicing' ? 'gres/shard' : `gres/gpu:${gresTypeFor(pool.accelerator)}`;
      grpTres[tres] = (grpTres[tres] ?? 0) + max;
      if (tres.startsWith('gres/gpu:')) grpTres['gres/gpu'] = (grpTres['gres/gpu'] ?? 0) + max;
      guaranteedGpus += (quota.guaranteed - kubernetesGuaranteed) / unitsPerGpu(pool.accelerator, s);
    }
    if (Object.keys(grpTres).length === 0) continue;
    accounts[name] = {
      parent: 'root',
      fairshare: String(Math.max(1, Math.round(guaranteedGpus))),
      grpTres: Object.fromEntries(Object.entries(grpTres).map(([t, n]) => [t, String(n)])),
    };
  }
  return accounts;
}

/**
 * The accounts of cell `cell` of `parent`: each tenant's part of its Slurm quota in the cell
 * (the site model's split), after checking that the parts of every cell add up to the totals
 * {@link expectedAccounts} derives from the site file alone.
 */
function expectedCellAccounts(parent: SiteModel, cell: string): Record<string, AccountLimits> {
  const cluster = parent.cells.find((c) => c.name === cell)!.cluster;
  const totals = expectedAccounts(parent.spec, cluster);
  const accounts: Record<string, AccountLimits> = {};
  for (const tenant of Object.values(parent.tenants)) {
    const grpTres: Record<string, number> = {};
    const sums: Record<string, number> = {};
    let guaranteedGpus = 0;
    for (const q of tenant.gpuQuotas.filter((x) => x.cluster === cluster && x.cells)) {
      const pool = parent.spec.gpuPools[q.pool];
      const s = pool.sharing;
      const tres = s.mode === 'mig' ? `gres/gpu:${s.profile}` : s.mode === 'time-slicing' ? 'gres/shard' : `gres/gpu:${gresTypeFor(pool.accelerator)}`;
      const add = (into: Record<string, number>, n: number) => {
        into[tres] = (into[tres] ?? 0) + n;
        if (tres.startsWith('gres/gpu:')) into['gres/gpu'] = (into['gres/gpu'] ?? 0) + n;
      };
      for (const part of q.cells!) add(sums, part.slurm.max);
      const part = q.cells!.find((x) => x.cell === cell)!;
      if (part.slurm.max > 0) add(grpTres, part.slurm.max);
      guaranteedGpus += part.slurm.guaranteed / unitsPerGpu(pool.accelerator, s);
    }
    // The cells' parts add up to the site-wide limit.
    expect(
      Object.fromEntries(
        Object.entries(sums)
          .filter(([, n]) => n > 0)
          .map(([t, n]) => [t, String(n)]),
      ),
    ).toEqual(totals[tenant.name]?.grpTres ?? {});
    if (Object.keys(grpTres).length === 0) continue;
    accounts[tenant.name] = {
      parent: 'root',
      fairshare: String(Math.max(1, Math.round(guaranteedGpus))),
      grpTres: Object.fromEntries(Object.entries(grpTres).map(([t, n]) => [t, String(n)])),
    };
  }
  return accounts;
}

/** The QOS of the site file and their limits. */
function expectedQos(spec: SiteSpec): Record<string, QosLimits> {
  return Object.fromEntries(
    Object.entries(spec.scheduler.slurm!.qos).map(([name, q]) => [
      name,
      {
        priority: String(q.priority),
        maxWallHours: q.maxWallHours ?? null,
        maxTresPerUser: q.maxGpusPerUser !== undefined ? `gres/gpu=${q.maxGpusPerUser}` : '',
        maxJobsPerUser: q.maxJobsPerUser !== undefined ? String(q.maxJobsPerUser) : '',
      },
    ]),
  );
}

/** The accounts of `cluster` in slurmdbd, but root. */
function observedAccounts(dbd: Slurmdbd, cluster: string): Record<string, AccountLimits> {
  return Object.fromEntries(
    dbd
      .show('assoc', [`cluster=${cluster}`, 'format=account,user,parentname,share,grptres'])
      .filter((a) => a.User === '' && a.Account !== 'root')
      .map((a) => [a.Account, { parent: a.ParentName ?? '', fairshare: a.Share ?? '', grpTres: parseTresList(a.GrpTRES ?? '') }]),
  );
}

/** The QOS in slurmdbd but Slurm's own `normal`. */
function observedQos(dbd: Slurmdbd): Record<string, QosLimits> {
  return Object.fromEntries(
    dbd
      .show('qos', ['format=name,priority,maxwall,maxtrespu,maxjobspu'])
      .filter((q) => q.Name !== 'normal')
      .map((q) => [
        q.Name,
        {
          priority: q.Priority ?? '',
          maxWallHours: q.MaxWall ? slurmTimeHours(q.MaxWall) : null,
          maxTresPerUser: q.MaxTRESPU ?? '',
          maxJobsPerUser: q.MaxJobsPU ?? '',
        },
      ]),
  );
}

describe('accounting in the catalogue (no Slurm needed)', () => {
  test('every catalogue site with Slurm and tenants has accounting, and names its database', () => {
    const without = catalogue.filter((s) => Object.keys(s.spec.tenants).length > 0 && s.spec.scheduler.slurm?.accounting === undefined).map((s) => s.spec.id);
    expect(without).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test('every partition that names a QOS is in a cluster with accounting and the QOS defined', () => {
    const missing = cases.flatMap(({ cluster }) =>
      cluster.input.partitions
        .filter((p) => p.qos !== undefined && (cluster.input.accounting !== true || !(cluster.input.qos ?? []).some((q) => q.name === p.qos)))
        .map((p) => `${cluster.input.clusterName}/${p.name}`),
    );
    expect(missing).toEqual([]);
  });
});

/**
 * What the accounts Job does, in the order it must: create the QOS (slurmdbd only), then, once
 * slurmctld has registered, set their limits and load the accounts file.
 */
async function deployAccounting(dbd: Slurmdbd, site: SiteModel, cluster: SlurmClusterModel, fn: (accountsFile: string) => void): Promise<void> {
  const d = deployedSlurm(site, cluster.kubernetesCluster);
  if (d.accountsCfg === undefined) throw new Error(`${site.spec.id}: no accounts ConfigMap deployed`);
  const accountsFile = dbd.writeFile('accounts.cfg', d.accountsCfg);
  dbd.sh(cluster.rendering.qos.create.join('\n') || 'true');
  await withSlurmctld(
    harnessFiles(d, { accounting: true }).files,
    async (ctl) => {
      // slurmctld registers its cluster and TRES with slurmdbd as it starts.
      const tres = /^AccountingStorageTRES=(.*)$/m.exec(cluster.rendering.accountingConf)?.[1]?.split(',') ?? [];
      for (const deadline = Date.now() + 30_000; ;) {
        const known = new Set(dbd.show('tres').map((t) => `${t.Type}/${t.Name}`));
        if (tres.every((t) => known.has(t))) break;
        if (Date.now() > deadline) throw new Error(`slurmctld did not register its TRES ${tres.join(',')} with slurmdbd`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The partitions' QOS reach slurmctld from slurmdbd.
      for (const p of cluster.input.partitions) expect([p.name, ctl.partitions()[p.name]?.QoS]).toEqual([p.name, p.qos ?? 'N/A']);
      fn(accountsFile);
    },
    { clusterName: d.clusterName, accounting: dbd, allowLog: [...DEPLOYED_LOG_ALLOWANCES] },
  );
}

describeWithSlurmdbd('every catalogue site: accounts and QOS on a real slurmdbd', () => {
  // One MariaDB for the cases, one after another: each case's slurmdbd gets a new database and
  // user, of the site's names, that are dropped when the case ends.
  let mariadb: Mariadb | undefined;
  beforeAll(async () => {
    mariadb = await startMariadb();
  });
  afterAll(async () => {
    await mariadb?.stop();
  });

  test.each(cases)('$id: each tenant has its Fairshare and GrpTRES, each QOS its limits; loading again changes nothing', async ({ site, cluster, parent }) => {
    const spec = site.spec;
    const accounting = spec.scheduler.slurm!.accounting!;
    const { qos } = cluster.rendering;
    if (mariadb === undefined) throw new Error('no MariaDB: starting it in beforeAll failed');
    await withSlurmdbd(
      async (dbd) => {
        await deployAccounting(dbd, site, cluster, (accountsFile) => {
          const load = `sacctmgr -i load file=${accountsFile}`;
          dbd.sh([...qos.limits, load].join('\n'));
          const accounts = observedAccounts(dbd, cluster.input.clusterName);
          expect(accounts).toEqual(parent ? expectedCellAccounts(parent, cluster.kubernetesCluster) : expectedAccounts(spec, cluster.kubernetesCluster));
          expect(observedQos(dbd)).toEqual(expectedQos(spec));
          // The Job runs after every install and upgrade: the same commands again change nothing.
          const again = dbd.sh([...qos.create, ...qos.limits, load].join('\n'));
          expect(again).toMatch(/Nothing new added/);
          expect(again).not.toMatch(/Changed|Adding|Associations/);
          expect(observedAccounts(dbd, cluster.input.clusterName)).toEqual(accounts);
          expect(observedQos(dbd)).toEqual(expectedQos(spec));
        });
      },
      { database: accounting.database, user: accounting.user, storageHost: accounting.host, clusterName: cluster.input.clusterName, mariadb },
    );
  });
});

describeWithSlurmdbd('why the QOS are created in two steps (Slurm 24.11)', () => {
  const input: SlurmRenderInput = {
    clusterName: 'xx-qos',
    pools: [{ name: 'h100', nodes: 2, gpusPerNode: 8, vendor: 'nvidia', gresType: 'h100', cpusPerNode: 16, memoryMiBPerNode: 65536 }],
    partitions: [{ name: 'gpu', pools: ['h100'], default: true, maxTimeHours: 24, qos: 'frontier' }],
    tenants: [{ name: 'acme', fairshare: 8, maxUnitsByPool: { h100: 16 } }],
    qos: [{ name: 'frontier', priority: 10, maxWallHours: 24, maxGpusPerUser: 8, maxJobsPerUser: 2 }],
    accounting: true,
  };
  const r = renderSlurm(input);
  // Slinky writes the NodeSet line the partition names.
  const files = { slurmConf: `NodeSet=h100 Feature=h100\n${r.slurmConf}`, gresConf: r.gresConf };

  test('GPU limits need the TRES slurmctld registers, and slurmctld needs the partition QOS first', async () => {
    await withSlurmdbd(
      async (dbd) => {
        const accountsFile = dbd.writeFile('accounts.cfg', r.accounts);
        // Before any slurmctld: the QOS can be created, but no GPU limit can be set.
        dbd.sh(r.qos.create.join('\n'));
        expect(() => dbd.sh(r.qos.limits.join('\n'))).toThrow(/no TRES known by type gres\/gpu/);
        expect(() => dbd.sh(`sacctmgr -i load file=${accountsFile}`)).toThrow(/no TRES known by type gres\/gpu/);
        // Without the partition's QOS in slurmdbd, slurmctld exits (it registers its TRES first).
        dbd.sacctmgr(['-i', 'delete', 'qos', 'frontier']);
        await expect(withSlurmctld(files, () => undefined, { clusterName: input.clusterName, accounting: dbd })).rejects.toThrow(
          /fatal: Partition gpu has an invalid qos \(frontier\)/,
        );
        // In order: create, start slurmctld, then limits and accounts.
        dbd.sh(r.qos.create.join('\n'));
        await withSlurmctld(
          files,
          () => {
            dbd.sh([...r.qos.limits, `sacctmgr -i load file=${accountsFile}`].join('\n'));
            expect(observedQos(dbd)).toEqual({ frontier: { priority: '10', maxWallHours: 24, maxTresPerUser: 'gres/gpu=8', maxJobsPerUser: '2' } });
            expect(observedAccounts(dbd, input.clusterName)).toEqual({
              acme: { parent: 'root', fairshare: '8', grpTres: { 'gres/gpu': '16', 'gres/gpu:h100': '16' } },
            });
          },
          { clusterName: input.clusterName, accounting: dbd },
        );
      },
      { clusterName: input.clusterName },
    );
  });

  // Defect in constructs/scheduling/slurm/slurm-cluster.ts, not fixed here: the accounts Job
  // adds the partition QOS without their limits (`sacctmgr -i add qos <name> || true`) after
  // slurmctld answers, which on a first install never happens (slurmctld exits, see above).
  test('the accounts Job creates the QOS in slurmdbd before it waits for slurmctld, then sets their limits and loads the accounts', () => {
    const giga = cases.find((c) => c.site.spec.id === 'eu-ref-gigafactory')!;
    const script = deployedSlurm(giga.site, giga.cluster.kubernetesCluster).accountsJobScript ?? '';
    const { create, limits } = giga.cluster.rendering.qos;
    const at = (line: string) => script.indexOf(line);
    expect([...create, ...limits].filter((l) => at(l) < 0)).toEqual([]);
    expect(create.length).toBeGreaterThan(0);
    // slurmctld will not start while a partition's QOS is missing: the QOS come first.
    expect(Math.max(...create.map(at))).toBeLessThan(at('until scontrol ping'));
    // Limits name gres/gpu, which slurmctld registers: after it answers, before the accounts.
    expect(Math.min(...limits.map(at))).toBeGreaterThan(at('until scontrol ping'));
    expect(Math.max(...limits.map(at))).toBeLessThan(at('sacctmgr -i load'));
  });
});
