import * as fs from 'fs';
import { withSlurmctld } from './slurmctld';
import { describeWithSlurmdbd, parseSacctmgrTable, parseTresList, slurmdbdLogProblems, startMariadb, withSlurmdbd } from './slurmdbd';

describe('slurmdbd harness parsing (no Slurm needed)', () => {
  it('parses sacctmgr -P tables by their header', () => {
    expect(parseSacctmgrTable('Name|Priority|MaxWall\nnormal|0|\nfrontier|10|7-00:00:00\n')).toEqual([
      { Name: 'normal', Priority: '0', MaxWall: '' },
      { Name: 'frontier', Priority: '10', MaxWall: '7-00:00:00' },
    ]);
    expect(parseSacctmgrTable('')).toEqual([]);
  });

  it('parses TRES lists, typed GRES included', () => {
    expect(parseTresList('gres/gpu:b200=48,gres/gpu=48')).toEqual({ 'gres/gpu:b200': '48', 'gres/gpu': '48' });
    expect(parseTresList('')).toEqual({});
  });

  it("tolerates the test database's tuning, nothing else", () => {
    const log = [
      '[t] error: Database settings not recommended values: innodb_buffer_pool_size innodb_log_file_size innodb_lock_wait_timeout',
      '[t] error: mysql_real_connect failed: 1045 Access denied for user',
      '[t] slurmdbd version 24.11.5 started',
    ].join('\n');
    expect(slurmdbdLogProblems(log)).toEqual(['[t] error: mysql_real_connect failed: 1045 Access denied for user']);
  });
});

describeWithSlurmdbd('withSlurmdbd (real slurmdbd and MariaDB)', () => {
  it('starts slurmdbd on a database of its own, answers sacctmgr, and leaves nothing behind on a shared MariaDB', async () => {
    const mariadb = await startMariadb();
    const options = { database: 'acct_test', user: 'slurmdbd', storageHost: 'slurmdbd-db.xx-example.example.eu', mariadb };
    const hostDirs: string[] = [];
    try {
      await withSlurmdbd(async (dbd) => {
        hostDirs.push(dbd.hostDir);
        expect(dbd.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(dbd.slurmdbdConf).toMatch(/^StorageHost=slurmdbd-db\.xx-example\.example\.eu$/m);
        expect(dbd.slurmdbdConf).toMatch(/^StorageLoc=acct_test$/m);
        expect(dbd.slurmdbdConf).toMatch(/^StorageUser=slurmdbd$/m);
        expect(dbd.slurmdbdConf).toMatch(new RegExp(`^StoragePort=${mariadb.port}$`, 'm'));
        // A fresh database has the built-in QOS and TRES, and no cluster.
        expect(dbd.show('qos', ['format=name']).map((q) => q.Name)).toEqual(['normal']);
        expect(dbd.show('tres').map((t) => `${t.Type}${t.Name ? `/${t.Name}` : ''}`)).toContain('cpu');
        expect(dbd.show('cluster')).toEqual([]);
        expect(dbd.sh('sacctmgr -i add qos short MaxWall=1:00:00 && sacctmgr -n -P show qos where name=short format=name,maxwall')).toMatch(
          /^short\|01:00:00$/m,
        );
        expect(() => dbd.sacctmgr(['-i', 'modify', 'qos', 'where', 'name=ghost', 'set', 'Priority=1'])).toThrow(/Nothing modified/);
        // Runs on one server one after another only: the database names may be the same.
        await expect(withSlurmdbd(() => undefined, options)).rejects.toThrow(/must not overlap/);
      }, options);
      // The run dropped its database and user: the next run on the server, with the same names,
      // starts from nothing.
      const left = mariadb.sql(
        "SELECT (SELECT COUNT(*) FROM mysql.user WHERE User = 'slurmdbd') + (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'acct_test') AS leftover",
      );
      expect(left.stdout.trim()).toBe('leftover\n0');
      await withSlurmdbd((dbd) => {
        hostDirs.push(dbd.hostDir);
        expect(dbd.show('qos', ['format=name']).map((q) => q.Name)).toEqual(['normal']);
      }, options);
    } finally {
      await mariadb.stop();
    }
    expect([mariadb.hostDir, ...hostDirs].filter((d) => fs.existsSync(d))).toEqual([]);
    expect(hostDirs).toHaveLength(2);
  });

  it('a slurmctld with accounting registers its cluster and its TRES', async () => {
    await withSlurmdbd(async (dbd) => {
      const slurmConf = [
        'GresTypes=gpu',
        'AccountingStorageTRES=gres/gpu,gres/gpu:h100',
        'NodeName=h100-[0-1] CPUs=8 RealMemory=1000 Gres=gpu:h100:8 State=CLOUD',
        'PartitionName=gpu Nodes=h100-[0-1] Default=YES MaxTime=1:00:00 State=UP',
      ].join('\n');
      await withSlurmctld({ slurmConf }, () => undefined, { clusterName: 'xx-acct', accounting: dbd });
      expect(dbd.show('cluster', ['format=cluster']).map((c) => c.Cluster)).toEqual(['xx-acct']);
      expect(dbd.show('tres').map((t) => `${t.Type}/${t.Name}`)).toEqual(expect.arrayContaining(['gres/gpu', 'gres/gpu:h100']));
    });
  });
});
