/**
 * What Slurm's pods get from the site: the directory (checked by SSSD's own validator), the
 * tiers mounted at their paths, and slurmd pods that are Guaranteed. The rehearsal shows the
 * Guaranteed class on a real API server (`slurm-nodeset-owns-slurm-nodes`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SlurmValues } from '../../../../constructs/charts/slurm/values';
import { ldapSssdConf } from '../../../../constructs/scheduling/slurm/site-access';
import { loadCatalogue } from '../../../../site-model/loader';
import type { SiteModel } from '../../../../site-model/resolve';
import { catalogueSynth } from '../../../catalogue-synth';
import { problemsOf, releaseValues, siteModel, SITES_DIR, synthSite } from '../../../helpers';
import { runningInCi } from '../../../ci';

const ACCOUNTING = { host: 'db.example.internal', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } };
/** The fixture with its h100 pool in a Slurm partition, Slurm's, with accounting. */
const SLURM = {
  gpuPools: { h100: { owner: 'slurm' } },
  scheduler: { slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } }, accounting: ACCOUNTING } },
};
const withSlurm = (slurm: object = {}, rest: object = {}) => ({ ...SLURM, ...rest, scheduler: { slurm: { ...SLURM.scheduler.slurm, ...slurm } } });
const slurmValues = (site: SiteModel): SlurmValues => releaseValues(synthSite(site).workloads, 'slurm');

/** `sssctl config-check` of a file: SSSD's validator of option names and sections. */
function sssctlCheck(conf: string): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-sssd-'));
  try {
    fs.mkdirSync(path.join(dir, 'conf.d'));
    fs.writeFileSync(path.join(dir, 'sssd.conf'), conf, { mode: 0o600 });
    const r = spawnSync('sssctl', ['config-check', '-c', path.join(dir, 'sssd.conf'), '-s', path.join(dir, 'conf.d')], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const hasSssctl = spawnSync('sssctl', ['--help'], { encoding: 'utf8' }).error === undefined;

describe('the directory of login and slurmd pods', () => {
  test('an LDAP directory: the chart gets the sssd.conf, slurmd pods run SSSD (ssh), sshd reads keys from the directory', () => {
    const values = slurmValues(siteModel(withSlurm()));
    expect(values.sssd).toEqual({ conf: ldapSssdConf('ldaps://ldap.example.internal', 'dc=example,dc=internal') });
    expect(values.sssd?.conf).toMatch(/^ldap_uri = ldaps:\/\/ldap\.example\.internal$/m);
    expect(values.sssd?.conf).toMatch(/^ldap_search_base = dc=example,dc=internal$/m);
    expect(values.sssd?.conf).not.toMatch(/authtok|password/i);
    expect(values.nodesets?.h100?.ssh).toEqual({
      enabled: true,
      extraSshdConfig: expect.stringContaining('AuthorizedKeysCommand /usr/bin/sss_ssh_authorizedkeys') as unknown,
    });
    expect(values.loginsets?.login?.extraSshdConfig).toContain('AuthorizedKeysCommand /usr/bin/sss_ssh_authorizedkeys');
  });

  test("the site's own sssd.conf in a Secret is referenced, never copied", () => {
    const site = siteModel(withSlurm({}, { identity: { directory: { ldap: null, sssdConfSecret: { name: 'site-sssd', key: 'sssd.conf' } } } }));
    const values = slurmValues(site);
    expect(values.sssd).toEqual({ secretRef: { name: 'site-sssd', key: 'sssd.conf' } });
    expect(values.nodesets?.h100?.ssh).toEqual({ enabled: true });
    expect(values.loginsets?.login?.extraSshdConfig).toBeUndefined();
  });

  test('the login Service is ClusterIP unless the site file says otherwise', () => {
    expect(slurmValues(siteModel(withSlurm())).loginsets?.login?.service).toEqual({ spec: { type: 'ClusterIP' } });
    expect(slurmValues(siteModel(withSlurm({ loginService: 'LoadBalancer' }))).loginsets?.login?.service).toEqual({ spec: { type: 'LoadBalancer' } });
  });

  test('login pods without a directory are refused at the identity section; no login pods need none', () => {
    const noDirectory = { identity: { directory: null } };
    expect(problemsOf(withSlurm({}, noDirectory))).toEqual([
      expect.stringMatching(
        /identity: needs directory: Slurm's 1 login pod\(s\) resolve and authenticate users with SSSD, .*; add identity\.directory with ldap: \{ uri, searchBase \}/,
      ),
    ]);
    expect(problemsOf(withSlurm({ loginNodes: 0 }, noDirectory))).toEqual([]);
    expect(problemsOf(withSlurm({}, { identity: { directory: { ldap: { uri: 'https://ldap.example.eu', searchBase: 'dc=x' } } } }))).toEqual([
      expect.stringMatching(/identity\.directory\.ldap\.uri: must be an LDAP URI such as ldaps:\/\/ldap\.example\.eu/),
    ]);
  });

  (hasSssctl || runningInCi() ? describe : describe.skip)(
    'SSSD accepts the sssd.conf of every catalogue site (sssctl config-check; bash .ci/install-sssd.sh)',
    () => {
      test('sssctl is installed', () => expect(hasSssctl).toBe(true));

      test.each(
        loadCatalogue(SITES_DIR)
          .filter((s) => s.slurm.length > 0 && s.spec.identity.directory && 'ldap' in s.spec.identity.directory)
          .map((s) => [s.spec.id, s] as const),
      )('%s', (_, site) => {
        const conf = releaseValues(catalogueSynth(site.spec.id).workloads, 'slurm').sssd?.conf ?? '';
        const r = sssctlCheck(conf);
        expect([r.status, r.output]).toEqual([0, expect.stringContaining('Issues identified by validators: 0') as unknown]);
      });

      test('StartTLS for ldap://, and the validator does reject an option SSSD does not know', () => {
        expect(sssctlCheck(ldapSssdConf('ldap://ldap.example.eu', 'dc=example,dc=eu')).status).toBe(0);
        const bad = sssctlCheck(`${ldapSssdConf('ldaps://ldap.example.eu', 'dc=example,dc=eu')}ldap_tls_recert = demand\n`);
        expect(bad.status).not.toBe(0);
        expect(bad.output).toContain("'ldap_tls_recert' is not allowed");
      });
    },
  );
});

describe("the site's storage in every slurmd and login pod", () => {
  test("by default each home, project and scratch file-system tier at /<role>, from a ReadWriteMany claim of the tier's StorageClass", () => {
    const values = slurmValues(
      siteModel(
        withSlurm(
          {},
          {
            storageTiers: {
              home: { role: 'home', capacityTiB: 5, backend: { type: 'nfs', server: 'nfs.example.internal', share: '/export/home' } },
              blocks: { role: 'scratch', capacityTiB: 5, backend: { type: 'rook-ceph', service: 'block' } },
            },
            tenants: { acme: { storageQuotaTiB: { home: 1, project: 10 } } },
          },
        ),
      ),
    );
    const claims = (values.extraObjects ?? []).filter((o) => o.kind === 'PersistentVolumeClaim');
    // The fixture's project tier and the home tier; a block tier cannot be shared, so it is not mounted.
    expect(claims).toEqual([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'slurm-project', annotations: { 'helm.sh/resource-policy': 'keep' } },
        spec: { accessModes: ['ReadWriteMany'], storageClassName: 'aif-project', resources: { requests: { storage: '10240Gi' } } },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'slurm-home', annotations: { 'helm.sh/resource-policy': 'keep' } },
        spec: { accessModes: ['ReadWriteMany'], storageClassName: 'aif-home', resources: { requests: { storage: '1024Gi' } } },
      },
    ]);
    const mounts = [
      { name: 'tier-project', mountPath: '/project' },
      { name: 'tier-home', mountPath: '/home' },
    ];
    const volumes = [
      { name: 'tier-project', persistentVolumeClaim: { claimName: 'slurm-project' } },
      { name: 'tier-home', persistentVolumeClaim: { claimName: 'slurm-home' } },
    ];
    expect(values.nodesets?.h100?.slurmd?.volumeMounts).toEqual(mounts);
    expect(values.nodesets?.h100?.podSpec?.volumes).toEqual(volumes);
    expect(values.loginsets?.login?.login?.volumeMounts).toEqual(mounts);
    expect(values.loginsets?.login?.podSpec?.volumes).toEqual(volumes);
  });

  test('the site file can state the paths', () => {
    const values = slurmValues(siteModel(withSlurm({ mounts: { project: '/lustre/project' } })));
    expect(values.nodesets?.h100?.slurmd?.volumeMounts).toEqual([{ name: 'tier-project', mountPath: '/lustre/project' }]);
  });

  test('a tier that cannot be shared, a missing tier, a path the images use and two tiers at one path are refused', () => {
    const tiers = {
      storageTiers: {
        blocks: { role: 'scratch', capacityTiB: 5, backend: { type: 'rook-ceph', service: 'block' } },
        other: { role: 'project', capacityTiB: 5, backend: { type: 'nfs', server: 'nfs2.example.internal', share: '/export/p2' } },
      },
    };
    expect(problemsOf(withSlurm({ mounts: { blocks: '/scratch', nope: '/x', project: '/etc/slurm/data' } }, tiers))).toEqual([
      expect.stringMatching(
        /scheduler\.slurm\.mounts\.blocks: tier blocks is rook-ceph block, which pods on many nodes cannot mount at once, got "\/scratch"; mount an nfs, csi or rook-ceph filesystem tier$/,
      ),
      expect.stringMatching(/scheduler\.slurm\.mounts\.nope: names a storage tier that does not exist, got "nope"; use one of project, blocks, other$/),
      expect.stringMatching(/scheduler\.slurm\.mounts\.project: would hide a directory the Slurm images use, got "\/etc\/slurm\/data"/),
    ]);
    expect(problemsOf(withSlurm({}, tiers))).toEqual([
      expect.stringMatching(
        /scheduler\.slurm: would mount tiers project and other at the same path \/project \(each home, project and scratch tier goes to \/<role> by default\), got no mounts; state scheduler\.slurm\.mounts with a distinct path per tier/,
      ),
    ]);
  });
});

describe('slurmd pods are Guaranteed', () => {
  test('requests equal limits: the node less the reserve, and every GPU; the log sidecar is fixed', () => {
    const values = slurmValues(siteModel(withSlurm({ nodeReserve: { cpus: 8, memoryGiB: 64 } })));
    const amounts = { cpu: '104', memory: '1984Gi', 'nvidia.com/gpu': '8' };
    expect(values.nodesets?.h100?.slurmd?.resources).toEqual({ requests: amounts, limits: amounts });
    expect(values.nodesets?.h100?.logfile?.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } });
  });

  test('a reserve as large as a node is refused', () => {
    expect(problemsOf(withSlurm({ nodeReserve: { cpus: 112, memoryGiB: 32 } }))).toEqual([
      expect.stringMatching(/scheduler\.slurm\.nodeReserve: leaves slurmd nothing on pool h100 \(112 CPUs, 2048 GiB per node\)/),
    ]);
  });
});
