import { renderSlurm } from '../../../../constructs/scheduling/slurm/render';
import { slurmInputsFromSite } from '../../../../site-model/slurm-input';
import { releaseValues, resources, siteSpec, synthSite, type SynthJson } from '../../../helpers';

type Release = { name: string; chart: string; version: string; namespace: string; values: string[]; depends_on?: string[] };
const release = (json: SynthJson, name: string) => resources(json, 'helm_release').find((r) => r.name === name) as Release | undefined;

const slurmSite = (extra: object = {}) =>
  siteSpec({
    gpuPools: { h100: { fabric: { nodesPerLeafSwitch: 2 } } },
    scheduler: {
      slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 48, qos: 'normal' } }, loginNodes: 2, restApi: true },
    },
    ...extra,
  });

describe('Slurm on Kubernetes', () => {
  test('the platform stack installs cert-manager, the Slinky CRDs and the operator, in that order', () => {
    const { platform } = synthSite(slurmSite());
    expect(['cert-manager', 'slurm-operator-crds', 'slurm-operator'].map((n) => [n, release(platform, n)?.version])).toEqual([
      ['cert-manager', 'v1.21.1'],
      ['slurm-operator-crds', '1.2.1'],
      ['slurm-operator', '1.2.1'],
    ]);
    const ids = Object.fromEntries(Object.entries(platform.resource.helm_release).map(([id, r]) => [r.name, `helm_release.${id}`]));
    expect(release(platform, 'slurm-operator')?.depends_on).toEqual([ids['cert-manager'], ids['slurm-operator-crds']]);
    expect(releaseValues(platform, 'slurm-operator')).toEqual({ crds: { enabled: false }, certManager: { enabled: true } });
  });

  test('the workloads stack deploys exactly the rendered configuration', () => {
    const spec = slurmSite();
    const rendering = renderSlurm(slurmInputsFromSite(spec)[0].input);
    const values = releaseValues(synthSite(spec).workloads, 'slurm');
    expect(values.clusterName).toBe('xx-minimal');
    expect(values.controller?.extraConf).toBe(rendering.slurmConf);
    expect(values.configFiles).toEqual({ 'gres.conf': rendering.gresConf, 'topology.conf': rendering.topologyConf });
    expect(rendering.topologyConf).toMatch(/SwitchName=h100-leaf0 Nodes=h100-\[0-1\]/);
  });

  test('one NodeSet per pool, one slurmd per node, asking for every GPU of its node', () => {
    const values = releaseValues(synthSite(slurmSite()).workloads, 'slurm');
    expect(values.nodesets).toEqual({
      h100: {
        scalingMode: 'DaemonSet',
        replicas: 4,
        extraConfMap: { Gres: ['gpu:h100:8'] },
        slurmd: { resources: { limits: { 'nvidia.com/gpu': '8' } } },
        podSpec: {
          nodeSelector: { 'ai-factory.eu/pool': 'h100' },
          tolerations: [
            { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' },
            { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
          ],
        },
      },
    });
    expect(values.loginsets).toEqual({ login: { enabled: true, replicas: 2 } });
    expect(values.restapi).toEqual({ replicas: 1 });
    expect(values.accounting).toEqual({ enabled: false });
    expect(values.extraObjects).toBeUndefined();
  });

  test('with accounting, slurmdbd reads its password from a Secret and tenants become accounts with their limits', () => {
    const spec = slurmSite({
      scheduler: {
        slurm: {
          partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 48 } },
          accounting: { host: 'mariadb.slurm.svc', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } },
        },
      },
      tenants: { beta: { kind: 'academia', oidcGroups: {}, gpuQuota: { h100: { guaranteed: 4, max: 12 } } } },
    });
    const { workloads } = synthSite(spec);
    const values = releaseValues(workloads, 'slurm');
    expect(values.accounting).toEqual({
      enabled: true,
      storageConfig: { host: 'mariadb.slurm.svc', port: 3306, database: 'slurm_acct_db', username: 'slurm', passwordKeyRef: { name: 'slurmdbd-db', key: 'password' } },
    });
    const [configMap, job] = (values.extraObjects ?? []) as { data?: Record<string, string>; metadata?: { annotations?: Record<string, string> }; spec?: { template: { spec: { containers: { command: string[] }[] } } } }[];
    const accounts = configMap.data?.['accounts.cfg'] ?? '';
    expect(accounts.split('\n').filter((l) => l.startsWith('Account - '))).toEqual([
      "Account - 'acme':Description='acme':Organization='startup':Fairshare=8:GrpTRES='gres/gpu=16,gres/gpu:h100=16'",
      "Account - 'beta':Description='beta':Organization='academia':Fairshare=4:GrpTRES='gres/gpu=12,gres/gpu:h100=12'",
    ]);
    expect(job.metadata?.annotations?.['helm.sh/hook']).toBe('post-install,post-upgrade');
    expect(job.spec?.template.spec.containers[0].command[2]).toMatch(/sacctmgr -i load file=\/etc\/aif\/accounts.cfg$/);
    expect(JSON.stringify(workloads)).not.toMatch(/"password":\s*"[^$]/);
  });

  test('a tenant added to the site appears as an account with its limits', () => {
    const before = renderSlurm(slurmInputsFromSite(slurmSite())[0].input).accounts;
    const after = renderSlurm(
      slurmInputsFromSite(slurmSite({ tenants: { newco: { kind: 'startup', oidcGroups: {}, gpuQuota: { h100: { guaranteed: 2, max: 6 } } } } }))[0].input,
    ).accounts;
    expect(after.split('\n').filter((l) => !before.includes(l))).toEqual([
      "Account - 'newco':Description='newco':Organization='startup':Fairshare=2:GrpTRES='gres/gpu=6,gres/gpu:h100=6'",
    ]);
  });

  test('a Kueue-only site has no Slurm', () => {
    const { platform, workloads } = synthSite(siteSpec());
    expect(release(platform, 'slurm-operator')).toBeUndefined();
    expect(release(workloads, 'slurm')).toBeUndefined();
  });
});
