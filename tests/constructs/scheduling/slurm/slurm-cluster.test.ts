import { GpuNodePool, type GpuNodePoolProps } from '../../../../constructs/gpu/gpu-node-pool';
import { renderSlurm, type SlurmRenderInput, type SlurmRendering } from '../../../../constructs/scheduling/slurm/render';
import { ACCOUNTS_CONFIG_MAP, SLURM_LOGIN_IMAGE, SlurmCluster, type SlurmClusterProps } from '../../../../constructs/scheduling/slurm/slurm-cluster';
import { SlurmOperator } from '../../../../constructs/scheduling/slurm/slurm-operator';
import type { SiteModel } from '../../../../site-model/resolve';
import { H100_POOL, releaseValues, resourceCounts, resources, siteModel, synthJson, type SynthJson, synthSite, testStack, thrownBy } from '../../../helpers';

type Release = { name: string; chart: string; version: string; namespace: string; repository: string; values: string[]; depends_on?: string[] };
const release = (json: SynthJson, name: string) => resources(json, 'helm_release').find((r) => r.name === name) as Release | undefined;
/** `helm_release.<logical id>` of each release, by release name, as depends_on writes them. */
const releaseRefs = (json: SynthJson): Record<string, string> =>
  Object.fromEntries(Object.entries(json.resource.helm_release ?? {}).map(([id, r]) => [String(r.name), `helm_release.${id}`]));

type ExtraObject = {
  kind?: string;
  data?: Record<string, string>;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { template: { spec: { containers: { image: string; command: string[] }[] } } };
};

const H100: Omit<GpuNodePoolProps, 'target'> = { ...H100_POOL, fabric: { nodesPerLeafSwitch: 2 }, ownership: { slurm: 4, kubernetes: 0 } };

/** The renderer's input for the H100 pool above: one partition, one tenant. */
const INPUT: SlurmRenderInput = {
  clusterName: 'xx-test',
  pools: [
    {
      name: 'h100',
      nodes: 4,
      gpusPerNode: 8,
      vendor: 'nvidia',
      gresType: 'h100',
      cpusPerNode: 112,
      memoryMiBPerNode: 2048 * 1024,
      fabric: { nodesPerLeafSwitch: 2 },
    },
  ],
  partitions: [{ name: 'gpu', pools: ['h100'], default: true, maxTimeHours: 48, qos: 'normal' }],
  tenants: [{ name: 'acme', fairshare: 8, maxUnitsByPool: { h100: 16 } }],
};

const ACCOUNTING = {
  host: 'mariadb.slurm.svc',
  port: 3306,
  database: 'slurm_acct_db',
  user: 'slurm',
  passwordSecret: { name: 'slurmdbd-db', key: 'password' },
};

/** A stack with the pools and a Slurm cluster deploying `rendering`, synthesized. */
function slurmCluster(rendering: SlurmRendering, props: Partial<SlurmClusterProps> = {}, pools: readonly Omit<GpuNodePoolProps, 'target'>[] = [H100]) {
  const { stack, target } = testStack();
  const built = pools.map((p) => new GpuNodePool(stack, `Pool-${p.poolName}`, { ...p, target }));
  const construct = new SlurmCluster(stack, 'Slurm', { target, rendering, pools: built, ...props });
  return { construct, json: synthJson(stack) };
}

describe('SlurmOperator', () => {
  let json: SynthJson;
  beforeAll(() => {
    const { stack, target } = testStack();
    new SlurmOperator(stack, 'SlurmOperator', { target });
    json = synthJson(stack);
  });

  test('cert-manager, the Slinky CRDs and the operator, pinned, and nothing else', () => {
    expect(resourceCounts(json)).toEqual({ helm_release: 3 });
    expect(['cert-manager', 'slurm-operator-crds', 'slurm-operator'].map((n) => [n, release(json, n)?.version])).toEqual([
      ['cert-manager', 'v1.21.1'],
      ['slurm-operator-crds', '1.2.1'],
      ['slurm-operator', '1.2.1'],
    ]);
  });

  test('the operator installs after cert-manager and the CRDs, and leaves the CRDs to their own release', () => {
    const refs = releaseRefs(json);
    expect(release(json, 'slurm-operator')?.depends_on).toEqual([refs['cert-manager'], refs['slurm-operator-crds']]);
    expect(releaseValues(json, 'slurm-operator')).toEqual({ crds: { enabled: false }, certManager: { enabled: true } });
    expect(releaseValues(json, 'cert-manager')).toEqual({ crds: { enabled: true, keep: true } });
  });
});

describe('SlurmCluster', () => {
  describe('defaults: one pool, no accounting', () => {
    const rendering = renderSlurm(INPUT);
    let json: SynthJson;
    let construct: SlurmCluster;
    beforeAll(() => {
      ({ json, construct } = slurmCluster(rendering));
    });

    test('one release of the slurm chart in namespace slurm, and nothing else', () => {
      expect(resourceCounts(json)).toEqual({ helm_release: 1, kubernetes_config_map_v1: 1 });
      expect(release(json, 'slurm')).toMatchObject({ chart: 'slurm', version: '1.2.1', namespace: 'slurm' });
      expect(construct.clusterName).toBe('xx-test');
    });

    test('deploys exactly the rendered configuration', () => {
      const values = releaseValues(json, 'slurm');
      expect(values.clusterName).toBe('xx-test');
      expect(values.controller?.extraConf).toBe(rendering.slurmConf);
      expect(values.configFiles).toEqual({ 'gres.conf': rendering.gresConf, 'topology.conf': rendering.topologyConf });
      expect(rendering.topologyConf).toMatch(/SwitchName=h100-leaf0 Nodes=h100-\[0-1\]/);
    });

    test('one NodeSet per pool, one slurmd per node, asking for every GPU of its node', () => {
      expect(releaseValues(json, 'slurm').nodesets).toEqual({
        h100: {
          scalingMode: 'DaemonSet',
          replicas: 4,
          extraConfMap: { Gres: ['gpu:h100:8'] },
          // Guaranteed: the node less the default reserve of 4 CPUs and 32 GiB, and every GPU.
          slurmd: {
            resources: { requests: { cpu: '108', memory: '2016Gi', 'nvidia.com/gpu': '8' }, limits: { cpu: '108', memory: '2016Gi', 'nvidia.com/gpu': '8' } },
          },
          logfile: { resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } } },
          podSpec: {
            nodeSelector: { 'ai-factory.eu/pool': 'h100', 'ai-factory.eu/owner': 'slurm' },
            tolerations: [
              { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' },
              { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
            ],
          },
        },
      });
    });

    test('one login pod, no slurmrestd, no accounting and no accounts', () => {
      const values = releaseValues(json, 'slurm');
      expect(values.loginsets).toEqual({ login: { enabled: true, replicas: 1, service: { spec: { type: 'ClusterIP' } } } });
      expect(values.restapi).toEqual({ replicas: 0 });
      expect(values.accounting).toEqual({ enabled: false });
      expect(values.extraObjects).toBeUndefined();
    });

    test('a persistent controller with metrics, and DCGM for the NVIDIA pool', () => {
      const values = releaseValues(json, 'slurm');
      expect(values.controller).toMatchObject({ persistence: { enabled: true }, metrics: { enabled: true, serviceMonitor: { enabled: true } } });
      expect(values.vendor).toEqual({ nvidia: { dcgm: { enabled: true } } });
    });
  });

  describe('props: loginNodes, restApi, namespace, mirror and accounting', () => {
    const mirror = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts' };
    const rendering = renderSlurm({
      ...INPUT,
      tenants: [...(INPUT.tenants ?? []), { name: 'beta', fairshare: 4, maxUnitsByPool: { h100: 12 } }],
      accounting: true,
    });
    let json: SynthJson;
    let extraObjects: ExtraObject[];
    beforeAll(() => {
      ({ json } = slurmCluster(rendering, { loginNodes: 2, restApi: true, namespace: 'hpc', mirror, accounting: ACCOUNTING }));
      extraObjects = (releaseValues(json, 'slurm').extraObjects ?? []) as ExtraObject[];
    });

    test('loginNodes and restApi size the login pods and slurmrestd', () => {
      const values = releaseValues(json, 'slurm');
      expect(values.loginsets).toEqual({ login: { enabled: true, replicas: 2, service: { spec: { type: 'ClusterIP' } } } });
      // The mirror adds the slurmrestd image (see below).
      expect(values.restapi).toMatchObject({ replicas: 1 });
    });

    test('namespace and mirror place the release; the mirror serves the component images', () => {
      expect(release(json, 'slurm')).toMatchObject({ namespace: 'hpc', repository: mirror.chartRepository });
      const values = releaseValues(json, 'slurm');
      expect(values.restapi?.slurmrestd?.image).toEqual({ repository: 'registry.site.eu/mirror/ghcr.io/slinkyproject/slurmrestd' });
      expect(values.accounting?.slurmdbd?.image).toEqual({ repository: 'registry.site.eu/mirror/ghcr.io/slinkyproject/slurmdbd' });
    });

    test('with accounting, slurmdbd reads its password from a Secret', () => {
      const { slurmdbd: _mirroredImage, ...accounting } = releaseValues(json, 'slurm').accounting ?? {};
      expect(accounting).toEqual({
        enabled: true,
        storageConfig: {
          host: 'mariadb.slurm.svc',
          port: 3306,
          database: 'slurm_acct_db',
          username: 'slurm',
          passwordKeyRef: { name: 'slurmdbd-db', key: 'password' },
        },
      });
      expect(JSON.stringify(json)).not.toMatch(/"password":\s*"[^$]/);
    });

    test('the rendered accounts go into a ConfigMap, loaded by a Job named after what it loads (a plain Job: no Helm hook waits on it)', () => {
      expect(extraObjects.map((o) => [o.kind, o.metadata?.name])).toEqual([
        ['ConfigMap', ACCOUNTS_CONFIG_MAP],
        ['Job', expect.stringMatching(new RegExp(`^${ACCOUNTS_CONFIG_MAP}-[0-9a-f]{10}$`)) as unknown],
      ]);
      const [configMap, job] = extraObjects;
      expect(configMap.data).toEqual({ 'accounts.cfg': rendering.accounts });
      expect(rendering.accounts.split('\n').filter((l) => l.startsWith('Account - '))).toEqual([
        "Account - 'acme':Description='acme':Organization='acme':Fairshare=8:GrpTRES='gres/gpu=16,gres/gpu:h100=16'",
        "Account - 'beta':Description='beta':Organization='beta':Fairshare=4:GrpTRES='gres/gpu=12,gres/gpu:h100=12'",
      ]);
      expect(job.metadata?.annotations?.['helm.sh/hook']).toBeUndefined();
      const script = job.spec?.template.spec.containers[0].command[2] ?? '';
      // The QOS go to slurmdbd of the release's namespace first, then the Job waits for the
      // controller there, sets the QOS limits and loads the accounts.
      expect(script).toContain('AccountingStorageHost=slurm-accounting.hpc.svc');
      expect(script).toContain('sackd --conf-server slurm-controller.hpc.svc:6817');
      // (The order of QOS, limits and accounts is checked on the gigafactory's QOS in slurmdbd.test.ts.)
      expect(script.indexOf('export SLURM_CONF=/tmp/slurmdbd-client.conf')).toBeLessThan(script.indexOf('sackd'));
      expect(script).toMatch(/sacctmgr -i load file=\/etc\/aif\/accounts.cfg$/);
    });

    test('the Job runs the login image from the mirror', () => {
      expect(extraObjects[1].spec?.template.spec.containers[0].image).toBe(`registry.site.eu/mirror/${SLURM_LOGIN_IMAGE}`);
    });

    test('the Job changes with the accounts and the image, and only with them: a new Job per change, since a Job cannot be changed', () => {
      const annotation = (objects: unknown) => (objects as ExtraObject[])[1].metadata?.name;
      const deployed = annotation(extraObjects);
      expect(deployed).toMatch(/^aif-slurm-accounts-[0-9a-f]{10}$/);
      // Built, not synthesized: the chart values are what the release would carry.
      const { stack, target } = testStack();
      const pools = [new GpuNodePool(stack, 'Pool', { ...H100, target })];
      const again = new SlurmCluster(stack, 'Again', { target, rendering, pools, accounting: ACCOUNTING, namespace: 'hpc', mirror, loginNodes: 1 });
      const newco = renderSlurm({
        ...INPUT,
        tenants: [...(INPUT.tenants ?? []), { name: 'newco', fairshare: 2, maxUnitsByPool: { h100: 6 } }],
        accounting: true,
      });
      const changed = new SlurmCluster(stack, 'Changed', { target, rendering: newco, pools, accounting: ACCOUNTING, namespace: 'hpc', mirror });
      const unmirrored = new SlurmCluster(stack, 'Unmirrored', { target, rendering, pools, accounting: ACCOUNTING, namespace: 'hpc' });
      // Other props of the release (login pods) leave the Job as it was: it does not run again.
      expect(annotation(again.chart.values.extraObjects)).toBe(deployed);
      expect(annotation(changed.chart.values.extraObjects)).not.toBe(deployed);
      // Its image from a mirror is another template, which the API server would refuse under the old name
      // (tests/rehearsal/minio-quota-job.test.ts shows it on a real API server).
      expect(annotation(unmirrored.chart.values.extraObjects)).not.toBe(deployed);
    });
  });

  describe('an MI250X pool', () => {
    let json: SynthJson;
    beforeAll(() => {
      const mi250x = { ...H100, poolName: 'mi250x', accelerator: 'amd-mi250x', acceleratorsPerNode: 4, fabric: undefined };
      const input: SlurmRenderInput = {
        ...INPUT,
        pools: [{ name: 'mi250x', nodes: 4, gpusPerNode: 8, vendor: 'amd', gresType: 'mi250x', cpusPerNode: 112, memoryMiBPerNode: 2048 * 1024 }],
        partitions: [{ name: 'gpu', pools: ['mi250x'], default: true, maxTimeHours: 48 }],
        tenants: [],
      };
      ({ json } = slurmCluster(renderSlurm(input), {}, [mi250x]));
    });

    test('slurmd asks for every device of its node (two per MI250X), and no DCGM runs', () => {
      const values = releaseValues(json, 'slurm');
      expect(values.nodesets?.mi250x?.slurmd?.resources?.limits).toEqual({ cpu: '108', memory: '2016Gi', 'amd.com/gpu': String(4 * 2) });
      expect(values.vendor).toBeUndefined();
    });
  });

  describe('two pools of two vendors, one of them outside Slurm', () => {
    let json: SynthJson;
    beforeAll(() => {
      const mi300 = { ...H100, poolName: 'mi300', accelerator: 'amd-mi300x', fabric: undefined };
      const notebooks = { ...H100, poolName: 'notebooks', fabric: undefined };
      const input: SlurmRenderInput = {
        ...INPUT,
        pools: [
          ...INPUT.pools,
          { name: 'mi300', nodes: 4, gpusPerNode: 8, vendor: 'amd', gresType: 'mi300x', cpusPerNode: 112, memoryMiBPerNode: 2048 * 1024 },
        ],
        partitions: [...INPUT.partitions, { name: 'amd', pools: ['mi300'], default: false, maxTimeHours: 48 }],
      };
      ({ json } = slurmCluster(renderSlurm(input), {}, [H100, mi300, notebooks]));
    });

    test("each NodeSet selects its own pool's nodes and tolerates that pool's taint and its vendor's GPU taint, no other pool's", () => {
      const nodesets = releaseValues(json, 'slurm').nodesets ?? {};
      expect(Object.keys(nodesets).sort()).toEqual(['h100', 'mi300']);
      expect(nodesets.h100.podSpec).toEqual({
        nodeSelector: { 'ai-factory.eu/pool': 'h100', 'ai-factory.eu/owner': 'slurm' },
        tolerations: [
          { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'h100', effect: 'NoSchedule' },
          { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
      });
      expect(nodesets.mi300.podSpec).toEqual({
        nodeSelector: { 'ai-factory.eu/pool': 'mi300', 'ai-factory.eu/owner': 'slurm' },
        tolerations: [
          { key: 'ai-factory.eu/pool', operator: 'Equal', value: 'mi300', effect: 'NoSchedule' },
          { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
      });
    });
  });

  describe('validation', () => {
    test('every NodeSet of the rendering needs its pool', () => {
      const { stack, target } = testStack();
      expect(thrownBy(() => new SlurmCluster(stack, 'Slurm', { target, rendering: renderSlurm(INPUT), pools: [] }))).toBe(
        'SlurmCluster xx-test: no GpuNodePool for NodeSets h100',
      );
    });
  });
});

describe('Slurm in a site (stack wiring)', () => {
  const ACCOUNTING_DB = { host: 'mariadb.slurm.svc', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } };
  const SLURM_SITE = {
    gpuPools: { h100: { fabric: { nodesPerLeafSwitch: 2 }, owner: 'slurm' } },
    scheduler: {
      slurm: {
        partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 48, qos: 'normal' } },
        qos: { normal: {} },
        loginNodes: 2,
        restApi: true,
        accounting: ACCOUNTING_DB,
      },
    },
  };

  describe('a site with a Slurm partition, accounting and two tenants', () => {
    let model: SiteModel;
    let platform: SynthJson;
    let workloads: SynthJson;
    beforeAll(() => {
      model = siteModel({ ...SLURM_SITE, tenants: { beta: { kind: 'academia', oidcGroups: {}, gpuQuota: { h100: { guaranteed: 4, max: 12 } } } } });
      ({ platform, workloads } = synthSite(model));
    });

    test('the platform stack installs cert-manager, the Slinky CRDs and the operator, in that order', () => {
      const refs = releaseRefs(platform);
      expect(release(platform, 'slurm-operator')?.depends_on).toEqual([refs['cert-manager'], refs['slurm-operator-crds']]);
      expect(release(workloads, 'slurm-operator')).toBeUndefined();
    });

    test('the workloads stack deploys exactly the configuration the site model rendered', () => {
      const rendering = model.slurm[0].rendering;
      const values = releaseValues(workloads, 'slurm');
      expect(values.clusterName).toBe('xx-minimal');
      expect(values.controller?.extraConf).toBe(rendering.slurmConf);
      expect(values.configFiles).toEqual({ 'gres.conf': rendering.gresConf, 'topology.conf': rendering.topologyConf });
      expect(release(platform, 'slurm')).toBeUndefined();
    });

    test("the site's pool, login nodes and REST API reach the chart", () => {
      const values = releaseValues(workloads, 'slurm');
      expect(Object.keys(values.nodesets ?? {})).toEqual(['h100']);
      expect(values.nodesets?.h100).toMatchObject({
        replicas: 4,
        extraConfMap: { Gres: ['gpu:h100:8'] },
        podSpec: { nodeSelector: { 'ai-factory.eu/pool': 'h100', 'ai-factory.eu/owner': 'slurm' } },
      });
      expect(values.loginsets?.login).toMatchObject({ enabled: true, replicas: 2, service: { spec: { type: 'ClusterIP' } } });
      expect(values.restapi).toEqual({ replicas: 1 });
    });

    test("slurmdbd gets the site's database with the default port and name, and the password from its Secret", () => {
      expect(releaseValues(workloads, 'slurm').accounting).toEqual({
        enabled: true,
        storageConfig: {
          host: 'mariadb.slurm.svc',
          port: 3306,
          database: 'slurm_acct_db',
          username: 'slurm',
          passwordKeyRef: { name: 'slurmdbd-db', key: 'password' },
        },
      });
      expect(JSON.stringify(workloads)).not.toMatch(/"password":\s*"[^$]/);
    });

    test('tenants become accounts with their kind, fair share and limits', () => {
      const configMap = ((releaseValues(workloads, 'slurm').extraObjects ?? []) as ExtraObject[]).find((o) => o.kind === 'ConfigMap') ?? {};
      expect(configMap.data).toEqual({ 'accounts.cfg': model.slurm[0].rendering.accounts });
      expect((configMap.data?.['accounts.cfg'] ?? '').split('\n').filter((l) => l.startsWith('Account - '))).toEqual([
        "Account - 'acme':Description='acme':Organization='startup':Fairshare=8:GrpTRES='gres/gpu=16,gres/gpu:h100=16'",
        "Account - 'beta':Description='beta':Organization='academia':Fairshare=4:GrpTRES='gres/gpu=12,gres/gpu:h100=12'",
      ]);
    });
  });

  test('a tenant added to the site appears as an account with its limits', () => {
    const before = siteModel(SLURM_SITE).slurm[0].rendering.accounts;
    const after = siteModel({ ...SLURM_SITE, tenants: { newco: { kind: 'startup', oidcGroups: {}, gpuQuota: { h100: { guaranteed: 2, max: 6 } } } } }).slurm[0]
      .rendering.accounts;
    expect(after.split('\n').filter((l) => !before.includes(l))).toEqual([
      "Account - 'newco':Description='newco':Organization='startup':Fairshare=2:GrpTRES='gres/gpu=6,gres/gpu:h100=6'",
    ]);
  });

  describe('a Kueue-only site', () => {
    let platform: SynthJson;
    let workloads: SynthJson;
    beforeAll(() => {
      ({ platform, workloads } = synthSite(siteModel()));
    });

    test('has no Slurm', () => {
      expect(release(platform, 'slurm-operator')).toBeUndefined();
      expect(release(platform, 'slurm-operator-crds')).toBeUndefined();
      expect(release(workloads, 'slurm')).toBeUndefined();
    });
  });
});
