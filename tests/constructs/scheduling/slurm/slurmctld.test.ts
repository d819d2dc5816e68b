/**
 * The rendered Slurm configuration on a real slurmctld (Slurm 24.11 in the harness chroot):
 * every catalogue site, the reference gigafactory with fabrics, 100,000 GPUs, broken
 * topologies, gres.conf through slurmd, and a slurmd registering the way Slinky's do.
 */
import { renderSlurm, type SlurmRendering } from '../../../../constructs/scheduling/slurm/render';
import { loadCatalogue } from '../../../../site-model/loader';
import { resolveSite, type SlurmClusterModel } from '../../../../site-model/resolve';
import type { SiteSpec } from '../../../../site-model/schema';
import { siteSpec, SITES_DIR } from '../../../helpers';
import { describeWithSlurm, withSlurmctld } from '../../../slurm-harness/slurmctld';
import { expectedFromSite, harnessFiles, observed, slinkySlurmdConf, SLURM_PATCH, withSlinkySlurmd } from './slurm-helpers';

interface Case {
  readonly spec: SiteSpec;
  readonly cluster: SlurmClusterModel;
}

const casesOf = (spec: SiteSpec): Case[] => resolveSite(spec).slurm.map((cluster) => ({ spec, cluster }));
const catalogue = loadCatalogue(SITES_DIR)
  .map((s) => s.spec)
  .filter((s) => s.scheduler.slurm !== undefined);

/** Starts slurmctld with a case's rendered files and checks what scontrol reports against the site file. */
async function checkOnSlurmctld({ spec, cluster }: Case): Promise<SlurmRendering> {
  const r = renderSlurm(cluster.input);
  const expected = expectedFromSite(spec, cluster.kubernetesCluster);
  const hasDefault = cluster.input.partitions.some((p) => p.default);
  await withSlurmctld(
    harnessFiles(r),
    (ctl) => {
      expect(observed(ctl, expected)).toEqual(expected);
      expect(ctl.logProblems()).toEqual([]);
    },
    { clusterName: cluster.input.clusterName, allowLog: hasDefault ? [] : [/default partition not set/] },
  );
  return r;
}

/** The gigafactory with GB300 NVL72 racks (18 nodes per NVLink domain) and an HGX fat tree for inference. */
function gigafactoryWithFabrics(): SiteSpec {
  const giga = loadCatalogue(SITES_DIR, 'eu-ref-gigafactory')[0].spec;
  return {
    ...giga,
    gpuPools: {
      ...giga.gpuPools,
      training: { ...giga.gpuPools.training, fabric: { nodesPerNvlinkDomain: 18, nodesPerLeafSwitch: 72, leafSwitchesPerSpine: 16 } },
      inference: { ...giga.gpuPools.inference, fabric: { nodesPerLeafSwitch: 32, leafSwitchesPerSpine: 4 } },
    },
  };
}

describeWithSlurm('rendered Slurm configuration on a real slurmctld', () => {
  describe('every catalogue site that runs Slurm', () => {
    test('the catalogue has Slurm sites', () => {
      expect(catalogue.length).toBeGreaterThanOrEqual(20);
    });

    test.each(catalogue.flatMap(casesOf).map((c) => [c.cluster.input.clusterName, c] as const))(
      '%s: partitions, node counts, GRES and topology match the site file',
      async (_, c) => {
        await checkOnSlurmctld(c);
      },
    );
  });

  describe('the reference gigafactory with fabrics', () => {
    const [training, inference] = casesOf(gigafactoryWithFabrics());

    test('training: 23,976 GB300 nodes in 1,332 NVLink blocks', async () => {
      const t0 = Date.now();
      const r = await checkOnSlurmctld(training);
      expect(r.topologyPlugin).toBe('topology/block');
      process.stdout.write(`[slurm] ${training.cluster.input.clusterName}: 23,976 nodes, block topology, ${Date.now() - t0} ms\n`);
    });

    test('inference: 512 HGX nodes under 16 leaves and 4 spines', async () => {
      const r = await checkOnSlurmctld(inference);
      expect(r.topologyPlugin).toBe('topology/tree');
    });
  });

  test('100,000 GPUs: 12,500 H100 nodes under a fat tree', async () => {
    const spec = siteSpec({ ...SLURM_PATCH, gpuPools: { h100: { nodes: 12_500, fabric: { nodesPerLeafSwitch: 32, leafSwitchesPerSpine: 16 } } } });
    const [c] = casesOf(spec);
    const t0 = Date.now();
    await checkOnSlurmctld(c);
    process.stdout.write(`[slurm] 12,500 nodes x 8 GPUs, tree topology: ${Date.now() - t0} ms\n`);
  });

  test("Slinky's own MaxNodeCount=1024 is overridden by the rendered one", async () => {
    const [c] = casesOf(catalogue.find((s) => s.id === 'de-jaif')!);
    const r = renderSlurm(c.cluster.input);
    const files = harnessFiles(r);
    await withSlurmctld(
      { ...files, slurmConf: `MaxNodeCount=1024\n${files.slurmConf}` },
      (ctl) => {
        expect(ctl.run(['show', 'config'])).toMatch(/^MaxNodeCount\s*=\s*5954$/m);
        expect(ctl.partitions().booster?.TotalNodes).toBe('5938');
      },
      { allowLog: [/MaxNodeCount 1 specified more than once, latest value used/] },
    );
  });

  describe('a site that declares a fabric, and broken topologies', () => {
    const treeSite = siteSpec({ ...SLURM_PATCH, gpuPools: { h100: { fabric: { nodesPerLeafSwitch: 2 } } } });
    const blockSite = siteSpec({ ...SLURM_PATCH, gpuPools: { h100: { fabric: { nodesPerNvlinkDomain: 2 } } } });

    test('the fixture with two leaf switches', async () => {
      const r = await checkOnSlurmctld(casesOf(treeSite)[0]);
      expect(r.topologyConf).toContain('SwitchName=h100-leaf1 Nodes=h100-[2-3]');
    });

    test('the fixture with two NVLink domains', async () => {
      const r = await checkOnSlurmctld(casesOf(blockSite)[0]);
      expect(r.topologyConf).toContain('BlockName=h100-nvl1 Nodes=h100-[2-3]');
    });

    test('a switch that names a node which does not exist is rejected', async () => {
      const r = renderSlurm(casesOf(treeSite)[0].cluster.input);
      const files = harnessFiles(r);
      const broken = { ...files, topologyConf: files.topologyConf?.replace('Nodes=h100-[2-3]', 'Nodes=h100-[2-4]') };
      expect(broken.topologyConf).toContain('h100-[2-4]');
      const fn = jest.fn();
      await expect(withSlurmctld(broken, fn)).rejects.toThrow(/lookup failure for node "h100-4"/);
      expect(fn).not.toHaveBeenCalled();
    });

    test('a block that names a node which does not exist is rejected', async () => {
      const files = harnessFiles(renderSlurm(casesOf(blockSite)[0].cluster.input));
      const broken = { ...files, topologyConf: files.topologyConf?.replace('Nodes=h100-[0-1]', 'Nodes=h100-[0-1],ghost-0') };
      await expect(withSlurmctld(broken, () => undefined)).rejects.toThrow(/Invalid hostnames in block configuration: ghost-0/);
    });
  });

  describe('gres.conf through slurmd -G', () => {
    const render = (id: string) => renderSlurm(casesOf(catalogue.find((s) => s.id === id)!)[0].cluster.input);

    test('NVIDIA whole GPUs (de-jaif booster, GH200) and MIG (de-jaif inference)', async () => {
      const r = render('de-jaif');
      await withSlurmctld(harnessFiles(r), (ctl) => {
        const booster = ctl.slurmdGres('booster-5937');
        expect(booster.gres).toEqual([expect.objectContaining({ Name: 'gpu', Type: 'gh200', Count: '4', File: '/dev/nvidia[0-3]' })]);
        expect(booster.warnings).toEqual([]);
        // MIG instances are found by NVML, which the harness does not have: the line parses, no GPU is found.
        const inference = ctl.slurmdGres('inference-0');
        expect(inference.gres).toEqual([]);
      });
    });

    test('AMD render nodes (bg-brain-plus-plus discoverer) and shards (robotics)', async () => {
      const r = render('bg-brain-plus-plus');
      await withSlurmctld(harnessFiles(r), (ctl) => {
        // slurmd lists render nodes one by one
        expect(ctl.slurmdGres('discoverer-47').gres.map((g) => [g.Name, g.Type, g.Count, g.File])).toEqual(
          [128, 129, 130, 131, 132, 133, 134, 135].map((i) => ['gpu', 'mi355x', '1', `/dev/dri/renderD${i}`]),
        );
        const robotics = ctl.slurmdGres('robotics-3').gres;
        expect(robotics.filter((g) => g.Name === 'gpu').map((g) => [g.Count, g.File])).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => ['1', `/dev/nvidia${i}`]));
        expect(robotics.filter((g) => g.Name === 'shard').reduce((sum, g) => sum + Number(g.Count), 0)).toBe(16);
      });
    });
  });

  describe('nodes registering the way Slinky NodeSet pods do', () => {
    const site = siteSpec({ ...SLURM_PATCH, gpuPools: { h100: { fabric: { nodesPerLeafSwitch: 2 } } } });
    const r = renderSlurm(casesOf(site)[0].cluster.input);
    const conf = slinkySlurmdConf('h100', r.nodeSets.h100);
    // What the Slinky operator writes in front of controller.extraConf.
    const operatorLines = 'MaxNodeCount=1024\nNodeSet=h100 Feature=h100\n';

    test('the deployed files take a dynamic slurmd -Z node into its partition, with its GRES and, after reconfigure, its switch', async () => {
      expect(conf).toBe('Features=h100 Gres=gpu:h100:8');
      const files = { slurmConf: `${operatorLines}${r.slurmConf}`, gresConf: r.gresConf, topologyConf: r.topologyConf };
      // Before the pods register, topology.conf names nodes slurmctld does not know yet.
      const allowLog = [/lookup failure for node "h100-\d"/, /Invalid hostnames in switch configuration/];
      await withSlurmctld(
        files,
        (ctl) =>
          withSlinkySlurmd(ctl, 'h100-1', conf, r.gresConf, async () => {
            const node = ctl.nodes()['h100-1'];
            expect(node).toMatchObject({ Gres: 'gpu:h100:8', AvailableFeatures: 'h100', Partitions: 'gpu' });
            expect(node?.State).toMatch(/^IDLE\+DYNAMIC_NORM/);
            expect(ctl.partitions().gpu).toMatchObject({ Nodes: 'h100-1', TotalNodes: '1' });
            // Slurm 24.11 places dynamic nodes in topology.conf's switches when it reads the file again.
            ctl.run(['reconfigure']);
            const deadline = Date.now() + 10_000;
            let pool: Record<string, string> | undefined;
            do {
              await new Promise((res) => setTimeout(res, 100));
              pool = ctl.topologyRecords().find((t) => t.SwitchName === 'h100');
            } while (pool?.Nodes !== 'h100-1' && Date.now() < deadline);
            expect(pool).toMatchObject({ Nodes: 'h100-1', Switches: 'h100-leaf[0-1]' });
          }),
        { allowLog },
      );
    });

    test('a NodeName line for a Slinky node name makes its slurmd exit, which is why none is deployed', async () => {
      await withSlurmctld(harnessFiles(r), async (ctl) => {
        await expect(withSlinkySlurmd(ctl, 'h100-1', conf, r.gresConf, () => undefined)).rejects.toThrow(
          /fatal: Duplicated NodeName h100-1 in the config file/,
        );
      });
    });
  });
});
