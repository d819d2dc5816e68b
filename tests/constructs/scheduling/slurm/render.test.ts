import { ACCELERATOR_IDS } from '../../../../constructs/gpu/accelerators';
import {
  filesOf,
  gresTypeFor,
  renderSlurm,
  slinkyChartValues,
  slinkyNodeAnnotations,
  slinkySlurmConf,
  slinkySlurmdConf,
  slurmDuration,
  slurmFiles,
  SlurmInputError,
  formatSlurmInputProblem,
  qosLimits,
  type SlurmPoolInput,
  type SlurmRenderInput,
} from '../../../../constructs/scheduling/slurm/render';

const h100: SlurmPoolInput = { name: 'h100', nodes: 4, gpusPerNode: 8, vendor: 'nvidia', gresType: 'h100', cpusPerNode: 112, memoryMiBPerNode: 2097152 };
const mig: SlurmPoolInput = {
  name: 'mig',
  nodes: 2,
  gpusPerNode: 8,
  vendor: 'nvidia',
  gresType: 'h100',
  sharing: { mode: 'mig', profile: '1g.10gb', instancesPerGpu: 7 },
  cpusPerNode: 112,
  memoryMiBPerNode: 2097152,
};

const small: SlurmRenderInput = {
  clusterName: 'xx-small',
  pools: [h100, mig],
  partitions: [
    { name: 'gpu', pools: ['h100'], default: true, maxTimeHours: 48 },
    { name: 'short', pools: ['mig'], default: false, maxTimeHours: 0.5, qos: 'short' },
  ],
  tenants: [{ name: 'acme', fairshare: 8, maxUnitsByPool: { h100: 16, mig: 28 }, description: 'Acme AI', organization: 'startup' }],
  qos: [{ name: 'short', maxWallHours: 0.5, maxGpusPerUser: 7 }],
};

/** One pool of `nodes` nodes with 8 H100 each. */
function onePool(nodes: number, extra: Partial<SlurmPoolInput> = {}): SlurmRenderInput {
  return {
    clusterName: 'xx-scale',
    pools: [{ ...h100, nodes, ...extra }],
    partitions: [{ name: 'gpu', pools: ['h100'], default: true, maxTimeHours: 24 }],
    tenants: [{ name: 'acme', fairshare: 1, maxUnitsByPool: { h100: 64 } }],
  };
}

const lines = (text: string | undefined) => (text ?? '').split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('renderSlurm: a small site, line by line', () => {
  const r = renderSlurm(small);

  test('slurm.conf: GRES types and partitions over NodeSets, no NodeName lines', () => {
    expect(r.slurmConf).toBe(
      [
        '# slurm.conf lines for Slurm cluster xx-small, rendered by ai-factory-cdk; do not edit.',
        'GresTypes=gpu',
        'PartitionName=gpu Nodes=h100 Default=YES MaxTime=2-00:00:00 State=UP',
        'PartitionName=short Nodes=mig Default=NO MaxTime=00:30:00 QOS=short State=UP',
        '',
      ].join('\n'),
    );
    expect(r.slurmConf).not.toMatch(/NodeName=/);
    expect(r.accountingConf).toBe('');
  });

  test('gres.conf: one line per pool, device files for whole GPUs, NVML for MIG', () => {
    expect(lines(r.gresConf)).toEqual(['NodeName=h100-[0-3] Name=gpu Type=h100 File=/dev/nvidia[0-7]', 'NodeName=mig-[0-1] AutoDetect=nvml']);
  });

  test('no fabric, no topology', () => {
    expect(r.topologyConf).toBeUndefined();
    expect(r.topologyPlugin).toBeUndefined();
    expect(r.slurmConf).not.toMatch(/Topology/);
    expect(r.notes).toEqual([]);
  });

  test('NodeSet values: replicas and the slurmd --conf Gres', () => {
    expect(r.nodeSets).toEqual({
      h100: { replicas: 4, extraConfMap: { Gres: ['gpu:h100:8'] } },
      mig: { replicas: 2, extraConfMap: { Gres: ['gpu:1g.10gb:56'] } },
    });
  });

  test('accounts: one account per tenant under root, typed GPU limits plus the total', () => {
    expect(r.accounts).toBe(
      [
        '# sacctmgr flat file for Slurm cluster xx-small, rendered by ai-factory-cdk; do not edit.',
        '# Load with: sacctmgr -i load file=accounts.cfg   (loading it again changes nothing)',
        '# QOS short: Priority=0 MaxWall=00:30:00 MaxTRESPerUser=gres/gpu=7 MaxJobsPerUser=-1',
        "Cluster - 'xx-small'",
        "Parent - 'root'",
        "Account - 'acme':Description='Acme AI':Organization='startup':Fairshare=8:GrpTRES='gres/gpu=44,gres/gpu:1g.10gb=28,gres/gpu:h100=16'",
        '',
      ].join('\n'),
    );
  });

  test('the deployed files, and nothing else', () => {
    expect(slurmFiles(small)).toEqual({ 'slurm.conf': r.slurmConf, 'gres.conf': r.gresConf, 'accounts.cfg': r.accounts });
    expect(Object.keys(filesOf(renderSlurm(onePool(4, { fabric: { nodesPerLeafSwitch: 2 } }))))).toEqual([
      'slurm.conf',
      'gres.conf',
      'topology.conf',
      'accounts.cfg',
    ]);
  });

  test('QOS: created when slurmdbd lacks them, then every limit set, the ones not given cleared', () => {
    expect(r.qos).toEqual({
      create: ['sacctmgr -n -P show qos where name=short format=name | grep -qx short || sacctmgr -i add qos short'],
      limits: ['sacctmgr -i modify qos where name=short set Priority=0 MaxWall=00:30:00 MaxTRESPerUser=gres/gpu=7 MaxJobsPerUser=-1'],
    });
  });

  test('the same input renders the same bytes', () => {
    expect(renderSlurm(small)).toEqual(r);
  });
});

describe('renderSlurm: props that change the output', () => {
  test('MaxTime in Slurm time format, rounded to minutes', () => {
    expect([48, 24, 12, 0.5, 168, 8760, 1.25, 0.001].map(slurmDuration)).toEqual([
      '2-00:00:00',
      '1-00:00:00',
      '12:00:00',
      '00:30:00',
      '7-00:00:00',
      '365-00:00:00',
      '01:15:00',
      '00:01:00',
    ]);
  });

  test('a one-node pool and a one-GPU node are written without brackets', () => {
    const r = renderSlurm(onePool(1, { gpusPerNode: 1 }));
    expect(lines(r.gresConf)).toEqual(['NodeName=h100-0 Name=gpu Type=h100 File=/dev/nvidia0']);
    expect(r.nodeSets.h100?.extraConfMap.Gres).toEqual(['gpu:h100:1']);
  });

  test('AMD and Intel pools name their render and accel devices', () => {
    const r = renderSlurm({
      clusterName: 'xx-vendors',
      pools: [
        { ...h100, name: 'mi300x', vendor: 'amd', gresType: 'mi300x' },
        { ...h100, name: 'gaudi', vendor: 'intel', gresType: 'gaudi3', nodes: 2 },
      ],
      partitions: [{ name: 'all', pools: ['mi300x', 'gaudi'], default: true, maxTimeHours: 1 }],
    });
    expect(lines(r.gresConf)).toEqual([
      'NodeName=mi300x-[0-3] Name=gpu Type=mi300x File=/dev/dri/renderD[128-135]',
      'NodeName=gaudi-[0-1] Name=gpu Type=gaudi3 File=/dev/accel/accel[0-7]',
    ]);
    expect(r.slurmConf).toMatch(/^PartitionName=all Nodes=mi300x,gaudi Default=YES MaxTime=01:00:00 State=UP$/m);
  });

  test('a shared (time-sliced) pool offers shards, counted by gres/shard', () => {
    const r = renderSlurm(onePool(2, { sharing: { mode: 'shard', sharesPerGpu: 4 } }));
    expect(r.slurmConf).toMatch(/^GresTypes=gpu,shard$/m);
    expect(lines(r.gresConf)).toEqual(['NodeName=h100-[0-1] Name=gpu Type=h100 File=/dev/nvidia[0-7]', 'NodeName=h100-[0-1] Name=shard Count=32']);
    expect(r.nodeSets.h100?.extraConfMap.Gres).toEqual(['gpu:h100:8', 'shard:32']);
    expect(r.accounts).toMatch(/GrpTRES='gres\/shard=64'$/m);
  });

  test("more nodes than Slinky's MaxNodeCount=1024 raise it", () => {
    expect(renderSlurm(onePool(1024)).slurmConf).not.toMatch(/MaxNodeCount/);
    expect(renderSlurm(onePool(1025)).slurmConf).toMatch(/^MaxNodeCount=1025$/m);
  });

  test('accounting adds the limit enforcement lines to slurm.conf', () => {
    const r = renderSlurm({ ...small, accounting: true });
    expect(r.accountingConf.split('\n')).toEqual([
      'AccountingStorageTRES=gres/gpu,gres/gpu:1g.10gb,gres/gpu:h100',
      'AccountingStorageEnforce=associations,limits,qos,safe',
      'PriorityType=priority/multifactor',
      'PriorityWeightFairshare=10000',
    ]);
    expect(r.slurmConf).toContain(`${r.accountingConf}\nPartitionName=gpu`);
  });

  test('QOS limits: priority, wall time, GPUs and jobs per user; a QOS priority adds its weight to slurm.conf', () => {
    const r = renderSlurm({
      ...small,
      accounting: true,
      qos: [
        { name: 'short', priority: 0 },
        { name: 'frontier', priority: 10, maxWallHours: 168, maxGpusPerUser: 24000, maxJobsPerUser: 4 },
      ],
    });
    expect(qosLimits({ name: 'frontier', priority: 10, maxWallHours: 168, maxGpusPerUser: 24000, maxJobsPerUser: 4 })).toEqual([
      'Priority=10',
      'MaxWall=7-00:00:00',
      'MaxTRESPerUser=gres/gpu=24000',
      'MaxJobsPerUser=4',
    ]);
    expect(r.qos.limits).toEqual([
      'sacctmgr -i modify qos where name=short set Priority=0 MaxWall=-1 MaxTRESPerUser=gres/gpu=-1 MaxJobsPerUser=-1',
      'sacctmgr -i modify qos where name=frontier set Priority=10 MaxWall=7-00:00:00 MaxTRESPerUser=gres/gpu=24000 MaxJobsPerUser=4',
    ]);
    expect(r.qos.create).toHaveLength(2);
    expect(r.accountingConf.split('\n')).toContain('PriorityWeightQOS=10000');
    expect(lines(r.accounts).length).toBe(3);
    expect(r.accounts).toMatch(/^# QOS frontier: Priority=10 MaxWall=7-00:00:00 MaxTRESPerUser=gres\/gpu=24000 MaxJobsPerUser=4$/m);
    // Without a QOS priority the weight would change nothing, and without QOS there are no commands.
    expect(renderSlurm({ ...small, accounting: true }).accountingConf).not.toMatch(/PriorityWeightQOS/);
    expect(renderSlurm({ ...small, partitions: [small.partitions[0]], qos: [] }).qos).toEqual({ create: [], limits: [] });
  });

  test('two pools counted by the same TRES share one limit, the sum of both', () => {
    const r = renderSlurm({
      clusterName: 'xx-twins',
      pools: [h100, { ...h100, name: 'h100b' }],
      partitions: [{ name: 'gpu', pools: ['h100', 'h100b'], default: true, maxTimeHours: 1 }],
      tenants: [{ name: 'beta', fairshare: 3, maxUnitsByPool: { h100: 8, h100b: 16 } }],
    });
    expect(r.accounts).toMatch(/^Account - 'beta':Description='beta':Organization='beta':Fairshare=3:GrpTRES='gres\/gpu=24,gres\/gpu:h100=24'$/m);
  });

  test('a description with a single quote is double-quoted; an account without limits has no GrpTRES', () => {
    const r = renderSlurm({ ...small, tenants: [{ name: 'oneil', fairshare: 1, maxUnitsByPool: {}, description: 'O\'Neil Labs: "AI"' }] });
    expect(r.accounts).toMatch(/^Account - 'oneil':Description="O'Neil Labs: AI":Organization='oneil':Fairshare=1$/m);
  });
});

describe('renderSlurm: tree topology', () => {
  const tree = renderSlurm({
    clusterName: 'xx-tree',
    pools: [
      { ...h100, name: 'a', nodes: 10, fabric: { nodesPerLeafSwitch: 4, leafSwitchesPerSpine: 2 } },
      { ...h100, name: 'b', nodes: 2 },
    ],
    partitions: [
      { name: 'a', pools: ['a'], default: true, maxTimeHours: 1 },
      { name: 'b', pools: ['b'], default: false, maxTimeHours: 1 },
    ],
  });

  test('leaves, spines, a switch per pool and a root joining the pools', () => {
    expect(tree.slurmConf).toMatch(/^TopologyPlugin=topology\/tree$/m);
    expect(lines(tree.topologyConf)).toEqual([
      'SwitchName=a-leaf0 Nodes=a-[0-3]',
      'SwitchName=a-leaf1 Nodes=a-[4-7]',
      'SwitchName=a-leaf2 Nodes=a-[8-9]',
      'SwitchName=a-spine0 Switches=a-leaf[0-1]',
      'SwitchName=a-spine1 Switches=a-leaf2',
      'SwitchName=a Switches=a-spine[0-1]',
      'SwitchName=b Nodes=b-[0-1]',
      'SwitchName=root Switches=a,b',
    ]);
  });

  test('a pool under one leaf needs no pool switch; one pool needs no root', () => {
    const r = renderSlurm(onePool(4, { fabric: { nodesPerLeafSwitch: 8 } }));
    expect(lines(r.topologyConf)).toEqual(['SwitchName=h100-leaf0 Nodes=h100-[0-3]']);
  });

  test('Slinky node annotations name the node and its leaf switch', () => {
    expect(slinkyNodeAnnotations(treeInput(), 'a', 9)).toEqual({
      'nodeset.slinky.slurm.net/hostname-override': 'a-9',
      'topology.slinky.slurm.net/spec': 'default:a-leaf2',
    });
    expect(slinkyNodeAnnotations(treeInput(), 'b', 1)).toEqual({
      'nodeset.slinky.slurm.net/hostname-override': 'b-1',
      'topology.slinky.slurm.net/spec': 'default:b',
    });
    expect(slinkyNodeAnnotations(small, 'h100', 3)).toEqual({ 'nodeset.slinky.slurm.net/hostname-override': 'h100-3' });
    expect(() => slinkyNodeAnnotations(treeInput(), 'a', 10)).toThrow('pool a has nodes 0 to 9, got 10');
  });

  test('a pool named like a switch of another pool is refused', () => {
    expect(() =>
      renderSlurm({
        clusterName: 'xx-clash',
        pools: [
          { ...h100, name: 'a', nodes: 2, fabric: { nodesPerLeafSwitch: 1 } },
          { ...h100, name: 'a-leaf1', nodes: 1 },
          { ...h100, name: 'root', nodes: 1 },
          { ...h100, name: 'b', nodes: 2, fabric: { nodesPerNvlinkDomain: 1 } },
          { ...h100, name: 'b-nvl0', nodes: 1 },
        ],
        partitions: [{ name: 'a', pools: ['a'], default: true, maxTimeHours: 1 }],
      }),
    ).toThrow(/two switches would be named a-leaf1[\s\S]*two switches would be named b-nvl0[\s\S]*two switches would be named root/);
  });
});

function treeInput(): SlurmRenderInput {
  return {
    clusterName: 'xx-tree',
    pools: [
      { ...h100, name: 'a', nodes: 10, fabric: { nodesPerLeafSwitch: 4, leafSwitchesPerSpine: 2 } },
      { ...h100, name: 'b', nodes: 2 },
    ],
    partitions: [{ name: 'a', pools: ['a'], default: true, maxTimeHours: 1 }],
  };
}

describe('renderSlurm: NVLink domains as the lowest switches of the tree', () => {
  const input: SlurmRenderInput = {
    clusterName: 'xx-nvl',
    pools: [
      { ...h100, name: 'gb300', gresType: 'gb300', gpusPerNode: 4, nodes: 40, fabric: { nodesPerNvlinkDomain: 18 } },
      {
        ...h100,
        name: 'nvl',
        gresType: 'gb300',
        gpusPerNode: 4,
        nodes: 180,
        fabric: { nodesPerNvlinkDomain: 18, nodesPerLeafSwitch: 72, leafSwitchesPerSpine: 2 },
      },
      { ...h100, name: 'hgx', nodes: 8, fabric: { nodesPerLeafSwitch: 4 } },
    ],
    partitions: [
      { name: 'train', pools: ['gb300', 'nvl'], default: true, maxTimeHours: 48 },
      { name: 'infer', pools: ['hgx'], default: false, maxTimeHours: 4 },
    ],
  };
  const r = renderSlurm(input);

  test('a domain switch per NVLink domain (the last one partial), under leaves and spines when the pool has them, pools joined under root', () => {
    expect(r.slurmConf).toMatch(/^TopologyPlugin=topology\/tree$/m);
    expect(r.topologyPlugin).toBe('topology/tree');
    expect(lines(r.topologyConf)).toEqual([
      'SwitchName=gb300-nvl0 Nodes=gb300-[0-17]',
      'SwitchName=gb300-nvl1 Nodes=gb300-[18-35]',
      'SwitchName=gb300-nvl2 Nodes=gb300-[36-39]',
      'SwitchName=gb300 Switches=gb300-nvl[0-2]',
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => `SwitchName=nvl-nvl${k} Nodes=nvl-[${k * 18}-${k * 18 + 17}]`),
      'SwitchName=nvl-leaf0 Switches=nvl-nvl[0-3]',
      'SwitchName=nvl-leaf1 Switches=nvl-nvl[4-7]',
      'SwitchName=nvl-leaf2 Switches=nvl-nvl[8-9]',
      'SwitchName=nvl-spine0 Switches=nvl-leaf[0-1]',
      'SwitchName=nvl-spine1 Switches=nvl-leaf2',
      'SwitchName=nvl Switches=nvl-spine[0-1]',
      'SwitchName=hgx-leaf0 Nodes=hgx-[0-3]',
      'SwitchName=hgx-leaf1 Nodes=hgx-[4-7]',
      'SwitchName=hgx Switches=hgx-leaf[0-1]',
      'SwitchName=root Switches=gb300,nvl,hgx',
    ]);
    expect(r.notes).toEqual([]);
  });

  test('Slinky node annotations name the lowest switch of the node', () => {
    expect(slinkyNodeAnnotations(input, 'gb300', 20)['topology.slinky.slurm.net/spec']).toBe('default:gb300-nvl1');
    expect(slinkyNodeAnnotations(input, 'nvl', 179)['topology.slinky.slurm.net/spec']).toBe('default:nvl-nvl9');
    expect(slinkyNodeAnnotations(input, 'hgx', 0)['topology.slinky.slurm.net/spec']).toBe('default:hgx-leaf0');
  });

  test('a leaf switch that splits NVLink domains is refused', () => {
    expect(() =>
      renderSlurm({ ...input, pools: [{ ...input.pools[1], fabric: { nodesPerNvlinkDomain: 18, nodesPerLeafSwitch: 64 } }], partitions: [] }),
    ).toThrow(
      'pools.nvl.fabric.nodesPerLeafSwitch: splits NVLink domains of 18 nodes over two leaf switches; a switch tree needs each domain under one leaf, got 64; make nodesPerLeafSwitch a multiple of nodesPerNvlinkDomain (18)',
    );
  });
});

describe('renderSlurm: validation', () => {
  test('every problem is reported at once, with the value and the fix', () => {
    let error: unknown;
    try {
      renderSlurm({
        clusterName: 'XX',
        pools: [
          { ...h100, name: 'Bad_Pool', nodes: 0 },
          { ...h100, name: 'spine', fabric: { leafSwitchesPerSpine: 2 } },
          { ...h100, name: 'spine' },
        ],
        partitions: [
          { name: 'p1', pools: ['ghost'], default: true, maxTimeHours: 0 },
          { name: 'p2', pools: ['spine'], default: true, maxTimeHours: 1, qos: 'fast' },
          { name: 'p3', pools: ['spine'], default: false, maxTimeHours: 1, qos: 'normal' },
        ],
        tenants: [{ name: 'acme', fairshare: 0, maxUnitsByPool: { nope: -1 } }],
        qos: [
          { name: 'Fast', priority: -1, maxWallHours: 0, maxGpusPerUser: 0.5, maxJobsPerUser: 0 },
          { name: 'slow', maxWallHours: 48 },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SlurmInputError);
    expect((error as SlurmInputError).problems.map(formatSlurmInputProblem)).toEqual([
      'clusterName: must be lower-case letters, digits, "-" or "_", starting with a letter, at most 63 characters, got "XX"; rename the cluster',
      'pools.Bad_Pool.name: must be a site-file name (lower-case letters, digits and "-"), got "Bad_Pool"; rename the pool',
      'pools.Bad_Pool.nodes: must be a whole number >= 1, got 0; fix the node count',
      'pools.spine.fabric.leafSwitchesPerSpine: needs nodesPerLeafSwitch: spines group leaf switches, got 2; add nodesPerLeafSwitch or remove leafSwitchesPerSpine',
      'pools.spine.name: appears twice, got "spine"; give every pool its own name',
      'qos.Fast.name: must be a site-file name (lower-case letters, digits and "-"), got "Fast"; rename the QOS',
      'qos.Fast.priority: must be a whole number >= 0, got -1; fix the priority',
      'qos.Fast.maxWallHours: must be more than 0, got 0; set the longest wall time in hours',
      'qos.Fast.maxGpusPerUser: must be a whole number >= 1, got 0.5; fix the limit',
      'qos.Fast.maxJobsPerUser: must be a whole number >= 1, got 0; fix the limit',
      'partitions.p1.pools: names a pool that is not in this cluster, got "ghost"; use one of Bad_Pool, spine',
      'partitions.p1.maxTimeHours: must be more than 0, got 0; set the longest wall time in hours',
      // slurmctld exits on a partition QOS that slurmdbd lacks; Slurm's own QOS normal is always there.
      'partitions.p2.qos: names a QOS that the input does not define, got "fast"; define it in qos, or use Fast, slow, normal',
      'partitions: only one partition can be the default, got ["p1","p2"]; set default on one partition only',
      'tenants.acme.fairshare: must be a whole number >= 1, got 0; fix the fairshare',
      'tenants.acme.maxUnitsByPool.nope: names a pool that is not in this cluster, got "nope"; use one of Bad_Pool, spine',
      'tenants.acme.maxUnitsByPool.nope: must be a whole number >= 0, got -1; fix the limit',
    ]);
    expect((error as Error).message).toMatch(/^Slurm cluster XX: 17 problems:\n {2}clusterName: /);
  });

  test('more nodes than Slurm can hold', () => {
    expect(() => renderSlurm(onePool(65537))).toThrow('pools: a Slurm cluster holds at most 65536 nodes, got 65537; split the pools over several clusters');
  });
});

describe('compactness at 100,000 GPUs', () => {
  const sizes = (input: SlurmRenderInput) => {
    const files = slurmFiles(input);
    return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, { lines: lines(text).length, bytes: Buffer.byteLength(text ?? '') }]));
  };

  test('slurm.conf, gres.conf, the accounts and the node lines do not grow with the node count', () => {
    const fabric = { nodesPerLeafSwitch: 32, leafSwitchesPerSpine: 32 };
    const few = sizes(onePool(64, { fabric }));
    const many = sizes(onePool(12_500, { fabric })); // 12,500 nodes x 8 GPUs = 100,000 GPUs
    expect(many['slurm.conf']?.lines).toBe(few['slurm.conf'].lines + 1); // + MaxNodeCount
    expect(many['gres.conf']?.lines).toBe(few['gres.conf']?.lines);
    expect(many['accounts.cfg']?.lines).toBe(few['accounts.cfg']?.lines);
    // topology.conf holds one line per switch: 391 leaves, 13 spines and the pool switch.
    expect(many['topology.conf']?.lines).toBe(391 + 13 + 1);
    expect(many['slurm.conf'].bytes).toBeLessThan(400);
    expect(many['gres.conf'].bytes).toBeLessThan(300);
    expect(many['topology.conf'].bytes).toBeLessThan(20_000);
    process.stdout.write(`[slurm render] 12,500 x 8 H100, tree: ${JSON.stringify(many)}\n`);
  });

  test('23,976 GB300 NVL72 nodes (95,904 GPUs) as 1,332 NVLink-domain switches under one pool switch', () => {
    const s = sizes(onePool(23_976, { gresType: 'gb300', gpusPerNode: 4, fabric: { nodesPerNvlinkDomain: 18 } }));
    expect(s['topology.conf']?.lines).toBe(1332 + 1);
    expect(s['topology.conf'].bytes).toBeLessThan(64_000);
    expect(s['gres.conf'].lines).toBe(1);
    process.stdout.write(`[slurm render] 23,976 x 4 GB300, block: ${JSON.stringify(s)}\n`);
  });
});

describe('slinkySlurmConf and slinkySlurmdConf: what Slinky 1.2.1 makes of the chart values', () => {
  const release = { releaseName: 'slurm', namespace: 'slurm' };

  test('the chart defaults: the sections of buildSlurmConf, MaxNodeCount=1024, no NodeSet', () => {
    expect(slinkySlurmConf(release, {})).toBe(
      [
        '#',
        '### GENERAL ###',
        'ClusterName=slurm_slurm',
        'SlurmUser=slurm',
        'SlurmctldHost=slurm-controller-0(slurm-controller.slurm)',
        'SlurmctldPort=6817',
        'StateSaveLocation=/var/spool/slurmctld/slurm_slurm',
        'SlurmdUser=root',
        'SlurmdPort=6818',
        'SlurmdSpoolDir=/var/spool/slurmd',
        'MaxNodeCount=1024',
        '#',
        '### LOGGING ###',
        'SlurmctldLogFile=/var/log/slurm/slurmctld.log',
        'SlurmSchedLogFile=/var/log/slurm/slurmctld.log',
        'SlurmdLogFile=/var/log/slurm/slurmd.log',
        '#',
        '### PLUGINS & PARAMETERS ###',
        'AuthType=auth/slurm',
        'CredType=cred/slurm',
        'AuthAltTypes=auth/jwt',
        'AuthAltParameters=jwt_key=/etc/slurm/jwt.key',
        'AuthInfo=use_client_ids',
        'SlurmctldParameters=enable_configless,reconfig_on_restart',
        '#',
        '### ACCOUNTING ###',
        'AccountingStorageType=accounting_storage/none',
        '',
      ].join('\n'),
    );
  });

  test('the values this project sets: cluster name, metrics, DCGM scripts, NodeSets sorted, extraConf last', () => {
    const r = renderSlurm(small);
    const conf = slinkySlurmConf(
      { releaseName: 'hpc', namespace: 'batch' },
      {
        clusterName: 'xx-small',
        controller: { extraConf: r.slurmConf, metrics: { enabled: true } },
        nodesets: { mig: { extraConfMap: r.nodeSets.mig?.extraConfMap }, h100: { extraConfMap: r.nodeSets.h100?.extraConfMap }, off: { enabled: false } },
        vendor: { nvidia: { dcgm: { enabled: true } } },
      },
    );
    expect(conf).toContain('ClusterName=xx-small\nSlurmUser=slurm\nSlurmctldHost=hpc-slurm-controller-0(hpc-slurm-controller.batch)\n');
    expect(conf).toContain('SlurmctldParameters=enable_configless,reconfig_on_restart\nMetricsType=metrics/openmetrics\n');
    expect(conf.slice(conf.indexOf('### ACCOUNTING ###'))).toBe(
      [
        '### ACCOUNTING ###',
        'AccountingStorageType=accounting_storage/none',
        '#',
        '### PROLOG & EPILOG ###',
        'Prolog=prolog-90-dcgm.sh',
        'Epilog=epilog-90-dcgm.sh',
        '#',
        '### NODESET & PARTITION ###',
        'NodeSet=h100 Feature=h100',
        'NodeSet=mig Feature=mig',
        '#',
        '### EXTRA CONFIG ###',
        ...r.slurmConf.trimEnd().split('\n'),
        '',
      ].join('\n'),
    );
    expect(conf).not.toMatch(/^NodeName=/m);
  });

  test('accounting, NodeSet and chart partitions, and the merged SlurmctldParameters', () => {
    const conf = slinkySlurmConf(release, {
      accounting: { enabled: true },
      controller: { extraConf: 'SlurmctldParameters=enable_stepmgr\nMinJobAge=2\n' },
      nodesets: { a: { partition: { enabled: true, configMap: { MaxTime: 'UNLIMITED', State: 'UP' } } }, b: {} },
      partitions: { all: { enabled: true }, gpu: { enabled: true, nodesets: ['b', 'a'], config: 'MaxTime=1:00:00' } },
    });
    expect(conf).toContain('AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=slurm-accounting\nAccountingStoragePort=6819\n');
    expect(conf.slice(conf.indexOf('### NODESET & PARTITION ###'))).toBe(
      [
        '### NODESET & PARTITION ###',
        'NodeSet=a Feature=a',
        'PartitionName=a Nodes=a MaxTime=UNLIMITED State=UP',
        'NodeSet=b Feature=b',
        '#',
        '### EXTRA CONFIG ###',
        'SlurmctldParameters=enable_stepmgr',
        'MinJobAge=2',
        // The chart splits extraConf on line breaks, so its final one leaves an empty line before the partitions.
        '',
        'PartitionName=all Nodes=ALL Default=YES MaxTime=UNLIMITED',
        'PartitionName=gpu Nodes=a,b MaxTime=1:00:00',
        '#',
        '### MERGED CONFIG ###',
        'SlurmctldParameters=enable_configless,enable_stepmgr,reconfig_on_restart',
        '',
      ].join('\n'),
    );
    expect(() => slinkySlurmConf(release, { partitions: { gpu: { enabled: true, nodesets: ['ghost'] } } })).toThrow(
      'partition `gpu` is referencing nodeset `ghost` that does not exist or is disabled.',
    );
  });

  test("slurmd's --conf: Features=<nodeset>, then the NodeSet's items, title-cased and sorted", () => {
    const r = renderSlurm({ ...small, pools: [h100, { ...h100, name: 'shared', sharing: { mode: 'shard', sharesPerGpu: 4 } }], partitions: [], tenants: [] });
    const values = { nodesets: { h100: { extraConfMap: r.nodeSets.h100?.extraConfMap }, shared: { extraConfMap: r.nodeSets.shared?.extraConfMap } } };
    expect(slinkySlurmdConf(values, 'h100')).toBe('Features=h100 Gres=gpu:h100:8');
    expect(slinkySlurmdConf(values, 'shared')).toBe('Features=shared Gres=gpu:h100:8,shard:32');
    expect(slinkySlurmdConf({ nodesets: { x: { extraConf: 'weight=5 feature=nvl gres=gpu:4' } } }, 'x')).toBe('Features=x,nvl Gres=gpu:4 Weight=5');
    expect(() => slinkySlurmdConf({ nodesets: { x: { enabled: false } } }, 'x')).toThrow('the slurm chart values enable no NodeSet x');
  });
});

describe('gresTypeFor and the chart values', () => {
  test('every accelerator of the catalogue has a lower-case GRES type', () => {
    for (const id of ACCELERATOR_IDS) expect(gresTypeFor(id)).toMatch(/^[a-z0-9]+$/);
    expect(['nvidia-h100-sxm', 'nvidia-gb300-nvl72', 'nvidia-a100-sxm-80gb', 'amd-mi250x', 'intel-gaudi3'].map(gresTypeFor)).toEqual([
      'h100',
      'gb300',
      'a100',
      'mi250x',
      'gaudi3',
    ]);
    expect(() => gresTypeFor('h100')).toThrow('accelerator id "h100" is not <vendor>-<model>[-<variant>]');
  });

  test('chart values carry the same text as the files', () => {
    const r = renderSlurm(treeInput());
    expect(slinkyChartValues(r)).toEqual({
      controller: { extraConf: r.slurmConf },
      configFiles: { 'gres.conf': r.gresConf, 'topology.conf': r.topologyConf },
      nodesets: {
        a: { replicas: 10, extraConfMap: { Gres: ['gpu:h100:8'] } },
        b: { replicas: 2, extraConfMap: { Gres: ['gpu:h100:8'] } },
      },
    });
  });
});
