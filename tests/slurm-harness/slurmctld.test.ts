import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  checkCallerSlurmConf,
  describeWithSlurm,
  expandBrackets,
  fakeDevTar,
  gresDeviceFiles,
  logLineWatcher,
  logProblems,
  lookupFailures,
  parseKeyValueLine,
  parseOneLineRecords,
  slurmVersion,
  withSlurmctld,
} from './slurmctld';

const GPU_NODES = 'h100-[0-3]';
const CPU_NODES = 'cpu-[0-1]';

const twoPartitions = {
  slurmConf: [
    'GresTypes=gpu',
    `NodeName=${GPU_NODES} CPUs=64 RealMemory=512000 Gres=gpu:h100:8 State=UNKNOWN`,
    `NodeName=${CPU_NODES} CPUs=32 RealMemory=128000 State=UNKNOWN`,
    `PartitionName=gpu Nodes=${GPU_NODES} Default=YES MaxTime=INFINITE State=UP`,
    `PartitionName=cpu Nodes=${CPU_NODES} MaxTime=24:00:00 State=UP`,
  ].join('\n'),
  gresConf: `NodeName=${GPU_NODES} Name=gpu Type=h100 File=/dev/nvidia[0-7]\n`,
};

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = v.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

describe('slurm harness parsing (no Slurm needed)', () => {
  it('parses scontrol one-liners, keeping spaces and inner = signs in values', () => {
    const rec = parseKeyValueLine(
      'NodeName=h100-0 Arch=x86_64 OS=Linux 6.1 #1 SMP Gres=gpu:h100:8 AllocTRES= CfgTRES=cpu=4,mem=1000M,billing=4 Reason=Not responding [root@2025]',
    );
    expect(rec).toEqual({
      NodeName: 'h100-0',
      Arch: 'x86_64',
      OS: 'Linux 6.1 #1 SMP',
      Gres: 'gpu:h100:8',
      AllocTRES: '',
      CfgTRES: 'cpu=4,mem=1000M,billing=4',
      Reason: 'Not responding [root@2025]',
    });
    const recs = parseOneLineRecords('PartitionName=a TotalNodes=2\nPartitionName=b TotalNodes=3\n\n', 'PartitionName');
    expect(Object.keys(recs)).toEqual(['a', 'b']);
    expect(recs.b?.TotalNodes).toBe('3');
  });

  it('expands bracket lists used in gres.conf File=', () => {
    expect(expandBrackets('/dev/nvidia[0-3]')).toEqual(['/dev/nvidia0', '/dev/nvidia1', '/dev/nvidia2', '/dev/nvidia3']);
    expect(expandBrackets('/dev/x[08-10,12],/dev/y')).toEqual(['/dev/x08', '/dev/x09', '/dev/x10', '/dev/x12', '/dev/y']);
    expect(gresDeviceFiles('NodeName=a[1-2] Name=gpu File=/dev/nvidia[0-1] # c\nAutoDetect=off\n')).toEqual(['/dev/nvidia0', '/dev/nvidia1']);
  });

  it('refuses caller keys that the harness owns', () => {
    expect(() => checkCallerSlurmConf('GresTypes=gpu\nNodeName=a CPUs=1\nslurmctldport=1234\n')).toThrow(/SlurmctldPort/);
    expect(() => checkCallerSlurmConf('include /etc/slurm/x.conf')).toThrow(/Include/);
    expect(() => checkCallerSlurmConf('AccountingStorageTRES=gres/gpu')).toThrow(/AccountingStorageTRES/);
    // NodeName attributes are not global keys
    expect(() => checkCallerSlurmConf('NodeName=a CPUs=1 Port=6818\nTopologyPlugin=topology/tree')).not.toThrow();
  });

  it('names the nodes slurmctld failed to look up, once each', () => {
    const log = [
      'slurmctld: error: _find_node_record: lookup failure for node "dyn-1"',
      'slurmctld: error: _find_node_record: lookup failure for node "dyn-0"',
      'slurmctld: error: _find_node_record: lookup failure for node "dyn-1", alias "dyn-1"',
      'slurmctld: warning: Invalid hostnames in switch configuration: dyn-[0-1]',
    ].join('\n');
    expect(lookupFailures(log)).toEqual(['dyn-1', 'dyn-0']);
    expect(lookupFailures('')).toEqual([]);
  });

  it('watches a log for a line, looking at whole lines only and at what follows a mark', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-logwatch-'));
    try {
      const log = path.join(dir, 'slurmctld.log');
      const running = logLineWatcher(log, /Running as primary controller/);
      expect(running()).toBe(false); // no file yet
      fs.writeFileSync(log, 'slurmctld: slurmctld version 24.11.5 started\nslurmctld: Running as pri');
      expect(running()).toBe(false); // the line is not whole yet
      fs.appendFileSync(log, 'mary controller\n');
      expect(running()).toBe(true);
      const mark = fs.statSync(log).size;
      const again = logLineWatcher(log, /Running as primary controller/, mark);
      expect(again()).toBe(false); // the line before the mark does not count
      fs.appendFileSync(log, 'slurmctld: Reconfigure\nslurmctld: Running as primary controller\n');
      expect(again()).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('classifies slurmctld log lines', () => {
    const log = [
      'slurmctld: error: Could not open job state file /tmp/x/state/job_state: No such file or directory',
      'slurmctld: error: NOTE: Trying backup state save file. Jobs may be lost!',
      'slurmctld: warning: blocks lack access to 20 nodes: h100-[12480-12499]',
      'slurmctld: error: _find_node_record: lookup failure for node "ghost-7"',
      'slurmctld: warning: Invalid hostnames in switch configuration: ghost-7',
    ].join('\n');
    expect(logProblems(log)).toEqual([
      'slurmctld: error: _find_node_record: lookup failure for node "ghost-7"',
      'slurmctld: warning: Invalid hostnames in switch configuration: ghost-7',
    ]);
    expect(logProblems(log, [], true)).toHaveLength(3);
  });
});

describeWithSlurm('real slurmctld (Debian Slurm in the harness chroot)', () => {
  it('reports two partitions, node counts and GRES', async () => {
    await withSlurmctld(twoPartitions, (ctl) => {
      expect(ctl.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(ctl.version).toBe(slurmVersion());
      const parts = ctl.partitions();
      expect(Object.keys(parts).sort()).toEqual(['cpu', 'gpu']);
      expect(parts.gpu?.TotalNodes).toBe('4');
      expect(parts.gpu?.Nodes).toBe(GPU_NODES);
      expect(parts.gpu?.Default).toBe('YES');
      expect(parts.cpu?.TotalNodes).toBe('2');
      expect(parts.cpu?.MaxTime).toBe('1-00:00:00');

      const nodes = ctl.nodes();
      expect(Object.keys(nodes)).toHaveLength(6);
      expect(ctl.hostnames(GPU_NODES)).toEqual(['h100-0', 'h100-1', 'h100-2', 'h100-3']);
      for (const n of ctl.hostnames(GPU_NODES)) {
        expect(nodes[n]?.Gres).toBe('gpu:h100:8');
        expect(nodes[n]?.Partitions).toBe('gpu');
        // no slurmd ever registers
        expect(nodes[n]?.State).toMatch(/UNKNOWN|DOWN/);
      }
      expect(nodes['cpu-0']?.Gres).toBe('(null)');
      expect(nodes['cpu-1']?.CPUTot).toBe('32');
      expect(ctl.logProblems()).toEqual([]);
    });
  });

  it('makes the fake /dev for slurmd: tar extracts the devices of the list as character devices', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-fakedev-'));
    try {
      const archive = path.join(dir, 'dev.tar');
      fs.writeFileSync(archive, fakeDevTar(['/dev/nvidia0', '/dev/dri/renderD128', '/dev/null', 'not-a-dev', '', '/dev/nvidia0', '/dev/nvidia1']));
      const r = spawnSync('tar', ['-xf', archive, '-C', dir], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // Linux dev_t of small numbers: major in bits 8-19, minor in bits 0-7.
      const device = (name: string) => {
        const st = fs.lstatSync(path.join(dir, name));
        return st.isCharacterDevice() ? `c ${(st.rdev >> 8) & 0xfff},${st.rdev & 0xff} ${(st.mode & 0o777).toString(8)}` : 'not a character device';
      };
      expect(['null', 'zero', 'full', 'random', 'urandom'].map(device)).toEqual(['c 1,3 666', 'c 1,5 666', 'c 1,7 666', 'c 1,8 666', 'c 1,9 666']);
      expect(['nvidia0', 'dri/renderD128', 'nvidia1'].map(device)).toEqual(['c 195,0 666', 'c 195,1 666', 'c 195,2 666']);
      expect(fs.readlinkSync(path.join(dir, 'fd'))).toBe('/proc/self/fd');
      expect(fs.readdirSync(dir).sort()).toEqual(['dev.tar', 'dri', 'fd', 'full', 'null', 'nvidia0', 'nvidia1', 'random', 'urandom', 'zero']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts at SlurmctldDebug=error too, where slurmctld logs neither its version nor that it runs', async () => {
    await withSlurmctld(
      twoPartitions,
      (ctl) => {
        expect(ctl.log()).not.toMatch(/Running as primary controller|slurmctld version/);
        expect(ctl.version).toBe(slurmVersion());
        expect(ctl.partitions().gpu?.TotalNodes).toBe('4');
      },
      { debug: 'error' },
    );
  });

  it('shows that slurmctld silently drops Gres= when GresTypes is missing', async () => {
    const conf = twoPartitions.slurmConf.replace('GresTypes=gpu\n', '');
    await withSlurmctld({ slurmConf: conf }, (ctl) => {
      // no error, no warning: only checking the node's Gres catches this
      expect(ctl.logProblems()).toEqual([]);
      expect(ctl.nodes()['h100-0']?.Gres).toBe('(null)');
    });
  });

  it('validates gres.conf through slurmd -G (slurmctld never reads gres.conf)', async () => {
    await withSlurmctld(twoPartitions, (ctl) => {
      const g = ctl.slurmdGres('h100-2');
      expect(g.gres).toHaveLength(1);
      expect(g.gres[0]).toMatchObject({ Name: 'gpu', Type: 'h100', Count: '8', File: '/dev/nvidia[0-7]' });
      expect(g.warnings).toEqual([]);
    });
    await withSlurmctld({ ...twoPartitions, gresConf: 'NodeName=h100-[0-3] Nmae=gpu Count=8\n' }, (ctl) => {
      // slurmctld itself started fine with the broken gres.conf ...
      expect(ctl.nodes()['h100-0']?.Gres).toBe('gpu:h100:8');
      // ... but slurmd refuses it
      expect(() => ctl.slurmdGres('h100-0')).toThrow(/Parse error in file .*gres\.conf/);
    });
  });

  it('reports a tree topology', async () => {
    const files = {
      slurmConf: `${twoPartitions.slurmConf}\nTopologyPlugin=topology/tree`,
      gresConf: twoPartitions.gresConf,
      topologyConf: ['SwitchName=leaf0 Nodes=h100-[0-1]', 'SwitchName=leaf1 Nodes=h100-[2-3],cpu-[0-1]', 'SwitchName=spine Switches=leaf[0-1]'].join('\n'),
    };
    await withSlurmctld(files, (ctl) => {
      expect(ctl.topology()).toMatch(/SwitchName=leaf0 .*Nodes=h100-\[0-1\]/);
      const byName = Object.fromEntries(ctl.topologyRecords().map((r) => [r.SwitchName, r]));
      expect(Object.keys(byName).sort()).toEqual(['leaf0', 'leaf1', 'spine']);
      expect(byName.leaf0?.Level).toBe('0');
      expect(byName.spine?.Level).toBe('1');
      expect(byName.spine?.Switches).toBe('leaf[0-1]');
      expect(ctl.hostnames(byName.spine?.Nodes ?? '')).toHaveLength(6);
    });
  });

  const blockIt = versionAtLeast(slurmVersion() ?? '0.0', 23, 11) ? it : it.skip;
  blockIt('reports a block topology (Slurm >= 23.11)', async () => {
    const files = {
      slurmConf: `${twoPartitions.slurmConf}\nTopologyPlugin=topology/block`,
      topologyConf: ['BlockName=nvl0 Nodes=h100-[0-1]', 'BlockName=nvl1 Nodes=h100-[2-3]', 'BlockSizes=2,4'].join('\n'),
    };
    await withSlurmctld(files, (ctl) => {
      const recs = ctl.topologyRecords();
      const blocks = recs.filter((r) => r.BlockName !== undefined);
      expect(blocks.map((b) => [b.BlockName, b.Nodes, b.BlockSize])).toEqual([
        ['nvl0', 'h100-[0-1]', '2'],
        ['nvl1', 'h100-[2-3]', '2'],
      ]);
      const agg = recs.filter((r) => r.AggregatedBlock !== undefined);
      expect(agg).toHaveLength(1);
      expect(agg[0]).toMatchObject({ Nodes: 'h100-[0-3]', BlockSize: '4' });
    });
  });

  it('rejects a topology switch that names a node which does not exist', async () => {
    const files = {
      slurmConf: `${twoPartitions.slurmConf}\nTopologyPlugin=topology/tree`,
      topologyConf: 'SwitchName=leaf0 Nodes=h100-[0-3],ghost-7\nSwitchName=leaf1 Nodes=cpu-[0-1]\nSwitchName=spine Switches=leaf[0-1]\n',
    };
    const fn = jest.fn();
    await expect(withSlurmctld(files, fn)).rejects.toThrow(/lookup failure for node "ghost-7"/);
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects a topology that slurmctld refuses to start with', async () => {
    const files = {
      slurmConf: `${twoPartitions.slurmConf}\nTopologyPlugin=topology/tree`,
      topologyConf: 'SwitchName=leaf0 Nodes=h100-[0-3]\nSwitchName=spine Switches=leaf[0-1]\n',
    };
    await expect(withSlurmctld(files, () => undefined)).rejects.toThrow(/exited[\s\S]*fatal: Switch configuration spine has invalid child \(leaf1\)/);
  });

  it('reconfigures: a dynamic node joins the switch that names it, and the log reads on from a mark', async () => {
    const files = {
      slurmConf: `${twoPartitions.slurmConf}\nMaxNodeCount=16\nTopologyPlugin=topology/tree`,
      gresConf: twoPartitions.gresConf,
      topologyConf: 'SwitchName=leaf0 Nodes=h100-[0-3]\nSwitchName=leaf1 Nodes=dyn-0\nSwitchName=spine Switches=leaf[0-1]\n',
    };
    await withSlurmctld(
      files,
      async (ctl) => {
        expect(lookupFailures(ctl.log())).toEqual(['dyn-0']);
        const spine = () => ctl.topologyRecords().find((r) => r.SwitchName === 'spine')?.Nodes;
        expect(spine()).toBe('h100-[0-3]');
        ctl.run(['create', 'NodeName=dyn-0', 'CPUs=1', 'State=CLOUD']);
        const mark = ctl.logOffset();
        await ctl.reconfigure();
        expect(ctl.log().slice(mark)).toMatch(/Running as primary controller/);
        expect(lookupFailures(ctl.log().slice(mark))).toEqual([]);
        expect(ctl.logProblems(mark)).toEqual([]);
        expect(spine()).toBe('dyn-0,h100-[0-3]');
      },
      { allowLog: [/lookup failure for node "dyn-0"/, /Invalid hostnames in switch configuration: dyn-0/] },
    );
  });

  it('starts a 100,000-GPU configuration (12,500 nodes, tree topology)', async () => {
    const n = 12_500;
    const leaf = 32;
    const sw: string[] = [];
    for (let i = 0; i * leaf < n; i++) sw.push(`SwitchName=leaf${i} Nodes=h100-[${i * leaf}-${Math.min(n, (i + 1) * leaf) - 1}]`);
    sw.push(`SwitchName=spine Switches=leaf[0-${sw.length - 1}]`);
    const files = {
      slurmConf: [
        'GresTypes=gpu',
        'TopologyPlugin=topology/tree',
        `NodeName=h100-[0-${n - 1}] CPUs=112 RealMemory=2000000 Gres=gpu:h100:8 State=UNKNOWN`,
        `PartitionName=gpu Nodes=h100-[0-${n - 1}] Default=YES State=UP`,
      ].join('\n'),
      gresConf: `NodeName=h100-[0-${n - 1}] Name=gpu Type=h100 File=/dev/nvidia[0-7]\n`,
      topologyConf: sw.join('\n'),
    };
    const t0 = Date.now();
    await withSlurmctld(files, (ctl) => {
      expect(ctl.partitions().gpu?.TotalNodes).toBe(String(n));
      const nodes = Object.values(ctl.nodes());
      expect(nodes).toHaveLength(n);
      const gpus = nodes.reduce((sum, r) => sum + Number(/gpu:h100:(\d+)/.exec(r.Gres ?? '')?.[1] ?? 0), 0);
      expect(gpus).toBe(100_000);
      expect(ctl.topologyRecords()).toHaveLength(sw.length);
      process.stdout.write(`[slurm-harness] 12,500-node slurmctld answered ping after ${ctl.startupMs} ms\n`);
    });
    process.stdout.write(`[slurm-harness] 12,500-node withSlurmctld total ${Date.now() - t0} ms\n`);
  });
});
