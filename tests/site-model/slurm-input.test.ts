import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { checkSiteText } from '../../site-model/loader';
import { formatProblem } from '../../site-model/problems';
import type { SiteModel } from '../../site-model/resolve';
import { gigafactoryWithSlurmInference, merge, siteModel, SITES_DIR } from '../helpers';
import { SLURM_PATCH } from '../constructs/scheduling/slurm/slurm-helpers';

/** The Slurm inputs the site model holds, per Kubernetes cluster. */
const slurmInputsFromSite = (site: SiteModel) => site.slurm.map(({ kubernetesCluster, input }) => ({ kubernetesCluster, input }));

describe('the Slurm inputs of the site model', () => {
  test('maps the fixture field by field', () => {
    expect(slurmInputsFromSite(siteModel(SLURM_PATCH))).toEqual([
      {
        kubernetesCluster: 'main',
        input: {
          clusterName: 'xx-minimal',
          pools: [
            {
              name: 'h100',
              nodes: 4,
              gpusPerNode: 8,
              vendor: 'nvidia',
              gresType: 'h100',
              sharing: { mode: 'exclusive' },
              cpusPerNode: 112,
              memoryMiBPerNode: 2048 * 1024,
            },
          ],
          partitions: [{ name: 'gpu', pools: ['h100'], default: true, maxTimeHours: 24 }],
          // guaranteed 8 GPUs -> fairshare 8; max 16 GPUs
          tenants: [{ name: 'acme', fairshare: 8, maxUnitsByPool: { h100: 16 }, description: 'acme', organization: 'startup' }],
          qos: [],
          accounting: true,
        },
      },
    ]);
  });

  test('a site without Slurm has no Slurm cluster', () => {
    expect(slurmInputsFromSite(siteModel())).toEqual([]);
  });

  test('MIG and time-sliced pools, fairshare in whole-GPU equivalents, fabric and QOS', () => {
    const spec = siteModel({
      ...SLURM_PATCH,
      gpuPools: {
        h100: { owner: 'slurm', fabric: { nodesPerLeafSwitch: 2 } },
        mig: {
          accelerator: 'nvidia-h100-sxm',
          nodes: 2,
          acceleratorsPerNode: 8,
          cpusPerNode: 112,
          memoryGiBPerNode: 2048,
          interconnect: 'ethernet',
          sharing: { mode: 'mig', profile: '1g.10gb' },
          owner: 'slurm',
        },
        ts: {
          accelerator: 'amd-mi300x',
          nodes: 2,
          acceleratorsPerNode: 8,
          cpusPerNode: 96,
          memoryGiBPerNode: 1536,
          interconnect: 'roce',
          sharing: { mode: 'time-slicing', replicas: 4 },
          owner: 'slurm',
        },
        kueue: { accelerator: 'nvidia-h100-sxm', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 112, memoryGiBPerNode: 2048, interconnect: 'ethernet' },
      },
      scheduler: {
        slurm: {
          ...SLURM_PATCH.scheduler.slurm,
          partitions: { ...SLURM_PATCH.scheduler.slurm.partitions, small: { pools: ['mig', 'ts'], maxTimeHours: 2, qos: 'short' } },
          qos: { short: { maxWallHours: 2, maxGpusPerUser: 8 }, long: { priority: 5, maxWallHours: 72, maxJobsPerUser: 2 } },
        },
      },
      tenants: { acme: { gpuQuota: { mig: { guaranteed: 14, max: 28 }, ts: { guaranteed: 8, max: 16 }, kueue: { guaranteed: 8, max: 8 } } } },
    });
    const [cluster] = slurmInputsFromSite(spec);
    const input = cluster?.input;
    // the kueue pool is in no partition, so not in Slurm
    expect(input?.pools.map((p) => p.name)).toEqual(['h100', 'mig', 'ts']);
    expect(input?.pools[0]?.fabric).toEqual({ nodesPerLeafSwitch: 2 });
    expect(input?.pools[1]?.sharing).toEqual({ mode: 'mig', profile: '1g.10gb', instancesPerGpu: 7 });
    expect(input?.pools[2]).toMatchObject({ vendor: 'amd', gresType: 'mi300x', sharing: { mode: 'shard', sharesPerGpu: 4 } });
    expect(input?.partitions[1]).toEqual({ name: 'small', pools: ['mig', 'ts'], default: false, maxTimeHours: 2, qos: 'short' });
    // Every QOS of the site, in site-file order, named by a partition or not; limits the site leaves out stay out.
    expect(input?.qos).toEqual([
      { name: 'short', priority: 0, maxWallHours: 2, maxGpusPerUser: 8 },
      { name: 'long', priority: 5, maxWallHours: 72, maxJobsPerUser: 2 },
    ]);
    // 8 GPUs on h100 + 14 MIG instances / 7 + 8 shards / 4 = 12 GPU equivalents
    expect(input?.tenants).toEqual([
      { name: 'acme', fairshare: 12, maxUnitsByPool: { h100: 16, mig: 28, ts: 16 }, description: 'acme', organization: 'startup' },
    ]);
  });

  test('accounting turns on with scheduler.slurm.accounting', () => {
    expect(slurmInputsFromSite(siteModel(SLURM_PATCH))[0]?.input.accounting).toBe(true);
    // Without tenants' quotas on Slurm's nodes and without QOS, a site may run Slurm without accounting.
    const without = siteModel(merge(SLURM_PATCH, { scheduler: { slurm: { accounting: null } }, tenants: { acme: { gpuQuota: { h100: null } } } }));
    expect(slurmInputsFromSite(without)[0]?.input).toMatchObject({ accounting: false, tenants: [], qos: [] });
  });

  test('a site with two Kubernetes clusters runs one Slurm cluster in each, named after its cluster', () => {
    const check = checkSiteText(gigafactoryWithSlurmInference(), 'sites/eu-ref-gigafactory.yaml');
    expect(check.problems.map(formatProblem)).toEqual([]);
    if (!check.site) return;
    const clusters = slurmInputsFromSite(check.site);
    expect(clusters[1]?.input.pools.map((p) => p.nodes)).toEqual([256]);
    expect(clusters.map((c) => [c.kubernetesCluster, c.input.clusterName, c.input.pools.map((p) => p.name), c.input.partitions.map((p) => p.name)])).toEqual([
      ['training', 'eu-ref-gigafactory-training', ['training'], ['training']],
      ['inference', 'eu-ref-gigafactory-inference', ['inference'], ['inference']],
    ]);
    // reference-public has quota on inference only
    expect(clusters[0]?.input.tenants?.map((t) => t.name)).toEqual(['reference-frontier-lab', 'reference-research']);
    expect(clusters[1]?.input.tenants?.map((t) => t.name)).toEqual(['reference-frontier-lab', 'reference-research', 'reference-public']);
  });

  test('a partition over pools of two Kubernetes clusters is refused, at its line', () => {
    const file = path.join(SITES_DIR, 'eu-ref-gigafactory.yaml');
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    doc.setIn(['gpuPools', 'inference', 'owner'], doc.createNode({ slurm: 256, kubernetes: 256 }));
    doc.setIn(['scheduler', 'slurm', 'partitions', 'all'], doc.createNode({ pools: ['training', 'inference'], maxTimeHours: 1 }));
    const text = doc.toString();
    const lines = text.split('\n');
    const all = lines.findIndex((l) => /^\s+all:/.test(l));
    const line = all + 1 + lines.slice(all).findIndex((l) => l.includes('- training')); // where the list of pools starts
    expect(checkSiteText(text, 'sites/eu-ref-gigafactory.yaml').problems.map(formatProblem)).toEqual([
      `sites/eu-ref-gigafactory.yaml:${line} scheduler.slurm.partitions.all.pools: a partition runs in one Kubernetes cluster but its pools are in training and inference, got ["training","inference"]; split the partition by cluster`,
    ]);
  });
});
