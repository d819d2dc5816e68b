/**
 * What the stacks deploy for Slurm, on a real slurmctld (Slurm 24.11 in the harness chroot):
 * the slurm.conf Slinky 1.2.1 writes from the chart values, gres.conf and topology.conf as
 * deployed, no NodeName lines; then nodes register the way Slinky's slurmd pods do, and
 * scontrol must show the partitions, GRES and switches the site file describes. Every catalogue
 * site, the reference gigafactory with a full switch tree, 100,000 GPUs, broken topologies, and
 * why the topology is a switch tree.
 */
import { renderSlurm, type SlurmRenderInput } from '../../../../constructs/scheduling/slurm/render';
import { loadCatalogue } from '../../../../site-model/loader';
import { resolveSite, type SiteModel, type SlurmClusterModel } from '../../../../site-model/resolve';
import type { SiteSpec } from '../../../../site-model/schema';
import { siteModel, SITES_DIR } from '../../../helpers';
import { describeWithSlurm, withSlurmctld, type Scontrol } from '../../../slurm-harness/slurmctld';
import {
  DEPLOYED_LOG_ALLOWANCES,
  deployedSlurm,
  expectedFromSite,
  harnessFiles,
  HARNESS_REPLACES,
  observed,
  plannedNames,
  registerNodes,
  registrationPlan,
  SLURM_PATCH,
  TOPOLOGY_AT_REGISTRATION,
  unexpectedLookups,
  withSlinkySlurmd,
  type DeployedSlurm,
  type RegistrationPlan,
} from './slurm-helpers';

interface Case {
  readonly site: SiteModel;
  readonly cluster: SlurmClusterModel;
}

/** A site's Slurm clusters, then its cells' (one per cell, in the cell's model). */
const casesOf = (site: SiteModel): Case[] => [
  ...site.slurm.map((cluster) => ({ site, cluster })),
  ...site.cells.flatMap((cell) => cell.site.slurm.map((cluster) => ({ site: cell.site, cluster }))),
];
const catalogue = loadCatalogue(SITES_DIR).filter((s) => s.spec.scheduler.slurm !== undefined);
const catalogueSite = (id: string) => {
  const site = catalogue.find((s) => s.spec.id === id);
  if (!site) throw new Error(`no catalogue site ${id} with Slurm`);
  return site;
};

const allNodes = (input: SlurmRenderInput) => input.pools.flatMap((p) => Array.from({ length: p.nodes }, (_, i) => `${p.name}-${i}`));

/** What the deployed files make slurmctld log for the nodes of MIG pools registered here (see registerNodes). */
function migAllowances(input: SlurmRenderInput, plan: RegistrationPlan): RegExp[] {
  const mig = input.pools.filter((p) => p.sharing?.mode === 'mig').flatMap((p) => (plan[p.name] ?? []).map((i) => `${p.name}-${i}`));
  if (mig.length === 0) return [];
  const names = mig.join('|');
  return [
    new RegExp(`node (${names}) state to INVAL with reason:gres/gpu count reported lower than configured`),
    new RegExp(`node=(${names}): Invalid argument`),
  ];
}

/** `MaxNodeCount` slurmctld runs with. */
function maxNodeCount(ctl: Scontrol): number {
  return Number(/^MaxNodeCount\s*=\s*(\d+)$/m.exec(ctl.run(['show', 'config']))?.[1]);
}

/**
 * Starts slurmctld with what a Slurm cluster of a site deploys, registers the planned nodes,
 * reconfigures (Slurm 24.11 places dynamic nodes in topology.conf's switches only then; 25.05
 * and newer when they register, which is checked before), and checks what scontrol reports
 * against the site file.
 */
async function checkDeployed({ site, cluster }: Case, options: { all?: boolean; log?: (line: string) => void } = {}): Promise<DeployedSlurm> {
  const t0 = Date.now();
  const deployed = deployedSlurm(site, cluster.kubernetesCluster);
  const { files } = harnessFiles(deployed);
  const input = cluster.input;
  const plan = registrationPlan(input, options.all);
  const names = plannedNames(plan);
  const expected = expectedFromSite(site.spec, cluster.kubernetesCluster, names);
  const registered = new Set(Object.values(names).flat());
  const everyNode = allNodes(input);
  const total = everyNode.length;
  const hasDefault = input.partitions.some((p) => p.default);
  await withSlurmctld(
    files,
    async (ctl) => {
      // Cold start: no node exists, and topology.conf names every node of the pools.
      expect(unexpectedLookups(ctl, 0, deployed.topologyConf !== undefined ? everyNode : [])).toEqual({ unknown: [], notLookedUp: [] });
      expect(maxNodeCount(ctl)).toBeGreaterThanOrEqual(total);
      const startedMs = Date.now() - t0;
      await registerNodes(ctl, deployed, input, plan);
      const registeredMs = Date.now() - t0;
      // From Slurm 25.05 the nodes are in their switches as soon as they register.
      if (TOPOLOGY_AT_REGISTRATION) expect(observed(ctl, expected)).toEqual(expected);
      const mark = ctl.logOffset();
      if (deployed.topologyConf !== undefined) await ctl.reconfigure();
      expect(observed(ctl, expected)).toEqual(expected);
      // After the reconfigure slurmctld looks up exactly the nodes that have not registered.
      const pending = deployed.topologyConf !== undefined ? everyNode.filter((n) => !registered.has(n)) : [];
      expect(unexpectedLookups(ctl, mark, pending)).toEqual({ unknown: [], notLookedUp: [] });
      expect(ctl.logProblems(mark).filter((l) => !DEPLOYED_LOG_ALLOWANCES.some((re) => re.test(l)))).toEqual([]);
      options.log?.(
        `${input.clusterName}: ${total} nodes, ${registered.size} registered; started ${startedMs} ms, registered ${registeredMs - startedMs} ms, reconfigured and checked ${Date.now() - t0 - registeredMs} ms`,
      );
    },
    {
      clusterName: deployed.clusterName,
      allowLog: [...DEPLOYED_LOG_ALLOWANCES, ...migAllowances(input, plan), ...(hasDefault ? [] : [/default partition not set/])],
    },
  );
  return deployed;
}

const report = (line: string) => process.stdout.write(`[slurm] ${line}\n`);

/**
 * The gigafactory's training pool cut to 127 NVL72 racks (2,286 trays), with InfiniBand leaves
 * of 72 trays (4 racks; the last leaf holds 3) under spines of 16 leaves; and a fat tree for
 * inference. The cut keeps the test fast: the catalogue test already starts each cell's part
 * of the full pool. The cut pool is Slurm's whole, in one cluster without the catalogue's cells.
 */
function gigafactoryWithFabrics(): SiteSpec {
  const giga = catalogueSite('eu-ref-gigafactory').spec;
  const nodes = 2286;
  const scale = (n: number) => Math.floor((n * nodes) / giga.gpuPools.training.nodes);
  const { cells: _cells, ...training } = giga.clusters.training;
  return {
    ...giga,
    clusters: { ...giga.clusters, training },
    gpuPools: {
      ...giga.gpuPools,
      training: { ...giga.gpuPools.training, nodes, owner: 'slurm', fabric: { nodesPerNvlinkDomain: 18, nodesPerLeafSwitch: 72, leafSwitchesPerSpine: 16 } },
      // Half the inference pool in a Slurm partition of its own, for a second Slurm cluster.
      inference: { ...giga.gpuPools.inference, fabric: { nodesPerLeafSwitch: 32, leafSwitchesPerSpine: 4 }, owner: { slurm: 256, kubernetes: 256 } },
    },
    scheduler: {
      ...giga.scheduler,
      slurm: {
        ...giga.scheduler.slurm!,
        partitions: { ...giga.scheduler.slurm!.partitions, inference: { pools: ['inference'], default: false, maxTimeHours: 24 } },
      },
    },
    // Quotas on the cut pool shrink with it.
    tenants: Object.fromEntries(
      Object.entries(giga.tenants).map(([name, t]) => {
        const q = t.gpuQuota.training;
        return [name, q ? { ...t, gpuQuota: { ...t.gpuQuota, training: { ...q, guaranteed: scale(q.guaranteed), max: scale(q.max) } } } : t];
      }),
    ),
  };
}

/**
 * Registering every node of a gigafactory cell (4,806) and reconfiguring is the long run of the
 * Slurm tests (the whole pool's 23,976 nodes took about 40 s on two busy cores); set
 * AIF_SLURM_FULL_SCALE=1 to run it.
 */
const fullScale = process.env.AIF_SLURM_FULL_SCALE === '1' ? test : test.skip;

describeWithSlurm('deployed Slurm configuration on a real slurmctld', () => {
  describe('what slurmctld is fed', () => {
    test("Slinky's generated slurm.conf, less only the keys that name the harness's environment", () => {
      const deployed = deployedSlurm(catalogueSite('de-jaif'), 'main');
      const { files, replaced } = harnessFiles(deployed);
      expect(replaced.map((l) => l.split('=')[0])).toEqual([
        'ClusterName',
        'SlurmUser',
        'SlurmctldHost',
        'SlurmctldPort',
        'StateSaveLocation',
        'SlurmdUser',
        'SlurmdPort',
        'SlurmdSpoolDir',
        'SlurmctldLogFile',
        'SlurmSchedLogFile',
        'SlurmdLogFile',
        'AuthType',
        'CredType',
        'AuthAltTypes',
        'AuthAltParameters',
        'AuthInfo',
        'MetricsType',
        'AccountingStorageType',
        'AccountingStorageHost',
        'AccountingStoragePort',
        'AccountingStorageTRES',
        'AccountingStorageEnforce',
        'PriorityWeightFairshare',
      ]);
      // With the harness's slurmdbd (slurmdbd.test.ts), the accounting lines the project renders stay.
      expect(harnessFiles(deployed, { accounting: true }).replaced.map((l) => l.split('=')[0])).toEqual([
        ...replaced.map((l) => l.split('=')[0]).filter((k) => !['AccountingStorageTRES', 'AccountingStorageEnforce', 'PriorityWeightFairshare'].includes(k)),
      ]);
      expect(replaced.every((l) => HARNESS_REPLACES[l.split('=')[0]] !== undefined)).toBe(true);
      const fed = files.slurmConf.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      expect(fed).toEqual([
        'MaxNodeCount=1024',
        'SlurmctldParameters=enable_configless,reconfig_on_restart',
        'Prolog=prolog-90-dcgm.sh',
        'Epilog=epilog-90-dcgm.sh',
        'NodeSet=booster Feature=booster',
        'NodeSet=inference Feature=inference',
        'MaxNodeCount=5946',
        'GresTypes=gpu',
        'PriorityType=priority/multifactor',
        'PartitionName=booster Nodes=booster Default=YES MaxTime=1-00:00:00 State=UP',
        'PartitionName=inference Nodes=inference Default=NO MaxTime=12:00:00 State=UP',
      ]);
      expect(files.slurmConf).not.toMatch(/^NodeName=/m);
      expect(files.gresConf).toBe(deployed.gresConf);
      expect(deployed.slurmdConf).toEqual({ booster: 'Features=booster Gres=gpu:gh200:4', inference: 'Features=inference Gres=gpu:1g.12gb:28' });
    });
  });

  describe('every catalogue site that runs Slurm: starts, registers its nodes, and shows the site file', () => {
    test('the catalogue has Slurm sites', () => {
      expect(catalogue.length).toBeGreaterThanOrEqual(20);
    });

    test.each(catalogue.flatMap(casesOf).map((c) => [c.cluster.input.clusterName, c] as const))(
      '%s: partitions, GRES and switches after registration',
      async (_, c) => {
        await checkDeployed(c, { log: report });
      },
    );
  });

  describe('the reference gigafactory', () => {
    const giga = catalogueSite('eu-ref-gigafactory');
    const training = casesOf(giga).find((c) => c.cluster.kubernetesCluster === 'training-c01')!;

    fullScale('training-c01: all 4,806 GB300 nodes of the cell register and join their 267 NVLink-domain switches (AIF_SLURM_FULL_SCALE=1)', async () => {
      expect(renderSlurm(training.cluster.input).topologyPlugin).toBe('topology/tree');
      await checkDeployed(training, { all: true, log: report });
    });

    test('with InfiniBand leaves and spines over the NVLink domains: a switch tree of four levels', async () => {
      const [fabricTraining, fabricInference] = casesOf(resolveSite(gigafactoryWithFabrics()));
      const d = await checkDeployed(fabricTraining, { all: true, log: report });
      expect(d.topologyConf).toMatch(/^SwitchName=training-leaf0 Switches=training-nvl\[0-3\]$/m);
      expect(d.topologyConf).toMatch(/^SwitchName=training-leaf31 Switches=training-nvl\[124-126\]$/m);
      expect(d.topologyConf).toMatch(/^SwitchName=training-spine1 Switches=training-leaf\[16-31\]$/m);
      expect(d.topologyConf).toMatch(/^SwitchName=training Switches=training-spine\[0-1\]$/m);
      await checkDeployed(fabricInference, { log: report });
    });
  });

  test('100,000 GPUs: 12,500 H100 nodes under a fat tree', async () => {
    const site = siteModel({
      ...SLURM_PATCH,
      gpuPools: { h100: { owner: 'slurm', nodes: 12_500, fabric: { nodesPerLeafSwitch: 32, leafSwitchesPerSpine: 16 } } },
    });
    await checkDeployed(casesOf(site)[0], { log: report });
  });

  describe('topology with dynamic nodes', () => {
    const treeSite = siteModel({ ...SLURM_PATCH, gpuPools: { h100: { owner: 'slurm', fabric: { nodesPerLeafSwitch: 2 } } } });
    const nvlSite = siteModel({ ...SLURM_PATCH, gpuPools: { h100: { owner: 'slurm', fabric: { nodesPerNvlinkDomain: 2 } } } });

    test('the fixture with two leaf switches, and with two NVLink domains', async () => {
      const tree = await checkDeployed(casesOf(treeSite)[0]);
      expect(tree.topologyConf).toContain('SwitchName=h100-leaf1 Nodes=h100-[2-3]');
      const nvl = await checkDeployed(casesOf(nvlSite)[0]);
      expect(nvl.topologyConf).toContain('SwitchName=h100-nvl1 Nodes=h100-[2-3]');
    });

    const before2505 = TOPOLOGY_AT_REGISTRATION ? test.skip : test;
    const since2505 = TOPOLOGY_AT_REGISTRATION ? test : test.skip;

    before2505('Slurm 24.11: a registered node joins its switches at the next reconfigure, not when it registers', async () => {
      const d = deployedSlurm(treeSite, 'main');
      await withSlurmctld(
        harnessFiles(d).files,
        async (ctl) => {
          const pool = () => ctl.topologyRecords().find((t) => t.SwitchName === 'h100');
          await withSlinkySlurmd(ctl, 'h100-1', d.slurmdConf.h100, d.gresConf, async () => {
            expect(ctl.nodes()['h100-1']).toMatchObject({ Gres: 'gpu:h100:8', AvailableFeatures: 'h100', Partitions: 'gpu' });
            expect(ctl.nodes()['h100-1']?.State).toMatch(/^IDLE\+DYNAMIC_NORM/);
            expect(pool()).toMatchObject({ Nodes: '', Switches: 'h100-leaf[0-1]' });
            await ctl.reconfigure();
            expect(pool()).toMatchObject({ Nodes: 'h100-1', Switches: 'h100-leaf[0-1]' });
          });
        },
        { allowLog: [...DEPLOYED_LOG_ALLOWANCES] },
      );
    });

    since2505('Slurm 25.05 and newer: a node registering with Topology=<its annotation> joins its switch at once; an unknown switch is refused', async () => {
      const d = deployedSlurm(nvlSite, 'main');
      await withSlurmctld(
        harnessFiles(d).files,
        async (ctl) => {
          const switches = () => Object.fromEntries(ctl.topologyRecords().map((t) => [t.SwitchName, t.Nodes]));
          expect(switches()).toEqual({ 'h100-nvl0': '', 'h100-nvl1': '', h100: '' });
          await withSlinkySlurmd(ctl, 'h100-1', `${d.slurmdConf.h100} Topology=default:h100-nvl0`, d.gresConf, () => undefined);
          expect(ctl.nodes()['h100-1']).toMatchObject({ Gres: 'gpu:h100:8', Partitions: 'gpu', Topology: 'default:h100-nvl0' });
          expect(switches()).toEqual({ 'h100-nvl0': 'h100-1', 'h100-nvl1': '', h100: 'h100-1' });
          expect(() => ctl.run(['create', 'NodeName=h100-3', ...d.slurmdConf.h100.split(' '), 'Topology=default:ghost', 'State=CLOUD'])).toThrow(
            /Requested topology configuration is not available/,
          );
        },
        { allowLog: [...DEPLOYED_LOG_ALLOWANCES] },
      );
    });

    test('a switch that names a node no pool has shows among the failed lookups once the pools have registered', async () => {
      const d = deployedSlurm(treeSite, 'main');
      const { files } = harnessFiles(d);
      const broken = { ...files, topologyConf: files.topologyConf?.replace('Nodes=h100-[2-3]', 'Nodes=h100-[2-4]') };
      expect(broken.topologyConf).toContain('h100-[2-4]');
      await withSlurmctld(
        broken,
        async (ctl) => {
          const input = casesOf(treeSite)[0].cluster.input;
          await registerNodes(ctl, d, input, registrationPlan(input));
          const mark = ctl.logOffset();
          await ctl.reconfigure();
          expect(unexpectedLookups(ctl, mark, [])).toEqual({ unknown: ['h100-4'], notLookedUp: [] });
        },
        { allowLog: [...DEPLOYED_LOG_ALLOWANCES] },
      );
    });

    before2505('Slurm 24.11 knows no node Topology=: a slurmd given the annotation exits (it needs 25.05)', async () => {
      const d = deployedSlurm(treeSite, 'main');
      await withSlurmctld(
        harnessFiles(d).files,
        async (ctl) => {
          // Slinky's slurmd image appends Topology=<topology.slinky.slurm.net/spec> to --conf.
          await expect(withSlinkySlurmd(ctl, 'h100-1', `${d.slurmdConf.h100} Topology=default:h100-leaf0`, d.gresConf, () => undefined)).rejects.toThrow(
            /Parsing error at unrecognized key: Topology[\s\S]*fatal: failed to create dynamic node/,
          );
          expect(() => ctl.run(['create', 'NodeName=h100-2', 'Features=h100', 'Topology=default:h100-leaf1', 'State=CLOUD'])).toThrow(
            /Failed to parse nodeline/,
          );
        },
        { allowLog: [...DEPLOYED_LOG_ALLOWANCES] },
      );
    });

    before2505('why not topology/block: Slurm 24.11 exits when a block has fewer existing nodes than the base block size', async () => {
      const d = deployedSlurm(nvlSite, 'main');
      const { files } = harnessFiles(d);
      const block = {
        slurmConf: files.slurmConf.replace('TopologyPlugin=topology/tree', 'TopologyPlugin=topology/block'),
        gresConf: files.gresConf,
        topologyConf: 'BlockName=h100-nvl0 Nodes=h100-[0-1]\nBlockName=h100-nvl1 Nodes=h100-[2-3]\nBlockSizes=2,4\n',
      };
      await expect(withSlurmctld(block, () => undefined, { allowLog: [...DEPLOYED_LOG_ALLOWANCES] })).rejects.toThrow(
        /exited[\s\S]*fatal: Block configuration \(h100-nvl0\) children count lower than bblock_node_cnt/,
      );
    });
  });

  describe('gres.conf through slurmd -G, as the dynamic node', () => {
    test('NVIDIA whole GPUs (de-jaif booster, GH200) and MIG (de-jaif inference)', async () => {
      const d = deployedSlurm(catalogueSite('de-jaif'), 'main');
      await withSlurmctld(
        harnessFiles(d).files,
        (ctl) => {
          const booster = ctl.slurmdGres('booster-5937', d.slurmdConf.booster);
          expect(booster.gres).toEqual([expect.objectContaining({ Name: 'gpu', Type: 'gh200', Count: '4', File: '/dev/nvidia[0-3]' })]);
          expect(booster.warnings).toEqual([]);
          // MIG instances are found by NVML, which the harness does not have: the line parses, no GPU is found.
          expect(ctl.slurmdGres('inference-0', d.slurmdConf.inference).gres).toEqual([]);
        },
        { clusterName: d.clusterName, allowLog: [...DEPLOYED_LOG_ALLOWANCES] },
      );
    });

    test('AMD render nodes (bg-brain-plus-plus discoverer) and shards (robotics)', async () => {
      const d = deployedSlurm(catalogueSite('bg-brain-plus-plus'), 'main');
      await withSlurmctld(
        harnessFiles(d).files,
        (ctl) => {
          // slurmd lists render nodes one by one
          expect(ctl.slurmdGres('discoverer-39', d.slurmdConf.discoverer).gres.map((g) => [g.Name, g.Type, g.Count, g.File])).toEqual(
            [128, 129, 130, 131, 132, 133, 134, 135].map((i) => ['gpu', 'mi355x', '1', `/dev/dri/renderD${i}`]),
          );
          const robotics = ctl.slurmdGres('robotics-3', d.slurmdConf.robotics).gres;
          expect(robotics.filter((g) => g.Name === 'gpu').map((g) => [g.Count, g.File])).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => ['1', `/dev/nvidia${i}`]));
          expect(robotics.filter((g) => g.Name === 'shard').reduce((sum, g) => sum + Number(g.Count), 0)).toBe(16);
        },
        { clusterName: d.clusterName, allowLog: [...DEPLOYED_LOG_ALLOWANCES] },
      );
    });
  });

  describe('nodes registering the way Slinky NodeSet pods do', () => {
    // Slurm 26.05 logs "Duplicated NodeHostName" instead and runs the node as the static one, with
    // the line's GRES and features rather than its NodeSet's: no reason to deploy one either.
    const before2505each = TOPOLOGY_AT_REGISTRATION ? test.skip.each : test.each;
    before2505each(['', ' State=CLOUD', ' State=FUTURE'])('Slurm 24.11: a NodeName line%s for a Slinky node name makes its slurmd exit', async (state) => {
      const d = deployedSlurm(siteModel(SLURM_PATCH), 'main');
      const { files } = harnessFiles(d);
      const withNodeName = { ...files, slurmConf: `${files.slurmConf}NodeName=h100-[0-3] Features=h100 Gres=gpu:h100:8${state}\n` };
      await withSlurmctld(
        withNodeName,
        async (ctl) => {
          await expect(withSlinkySlurmd(ctl, 'h100-1', d.slurmdConf.h100, d.gresConf, () => undefined)).rejects.toThrow(
            /fatal: Duplicated NodeName h100-1 in the config file/,
          );
        },
        { allowLog: [...DEPLOYED_LOG_ALLOWANCES] },
      );
    });

    // Defect, not fixed here: gres.conf gives MIG pools `AutoDetect=nvml`, and a slurmd without
    // NVML finds no MIG instance, so slurmctld sets the node INVAL ("gres/gpu count reported lower
    // than configured (0 < 28)") and drains it. The harness has no NVML; Slinky's slurmd images
    // are built from SchedMD's debian/control, which has no NVML build dependency, so they most
    // likely log "configured to autodetect nvml functionality, but we weren't able to find that
    // lib" and do the same on a real MIG node (src/interfaces/gpu.c, HAVE_NVML).
    test.failing('a MIG node (de-jaif inference) registers with its GRES validated', async () => {
      const d = deployedSlurm(catalogueSite('de-jaif'), 'main');
      await withSlurmctld(
        harnessFiles(d).files,
        async (ctl) => {
          await withSlinkySlurmd(ctl, 'inference-0', d.slurmdConf.inference, d.gresConf, () => undefined);
          expect(ctl.nodes()['inference-0']?.State).toMatch(/^IDLE\+DYNAMIC_NORM$/);
        },
        { clusterName: d.clusterName, allowLog: [...DEPLOYED_LOG_ALLOWANCES, /gres\/gpu count reported lower than configured/, /Invalid argument/] },
      );
    });
  });
});

describe('catalogue Slurm settings that Slurm 26.05 (the chart) refuses', () => {
  // Without accounting, Slurm 24.11 accepts a partition QOS it cannot look up, but 25.05 and newer
  // exit ("fatal: Partition training has an invalid qos (frontier)", src/slurmctld/read_config.c,
  // `!part_ptr->qos_ptr`; shown on a Slurm 26.05.3 slurmctld fed the gigafactory's deployed files
  // before it had accounting). With accounting, 24.11 exits the same way while slurmdbd lacks the
  // QOS (slurmdbd.test.ts). The rules now require the QOS to be defined and accounting to be on.
  test('every partition that names a QOS is in a cluster with accounting', () => {
    const clusters = catalogue.flatMap(casesOf).map((c) => c.cluster);
    const withoutAccounting = clusters.flatMap((c) =>
      c.input.partitions.filter((p) => p.qos !== undefined && c.input.accounting !== true).map((p) => `${c.input.clusterName}/${p.name}`),
    );
    expect(withoutAccounting).toEqual([]);
    expect(clusters.some((c) => c.input.partitions.some((p) => p.qos !== undefined))).toBe(true);
  });
});
