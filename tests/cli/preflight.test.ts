/**
 * `npm run preflight` against a real rehearsal control plane: the site's descriptor
 * ConfigMaps applied with server-side apply, its pool nodes simulated by kwok with the
 * labels, taint and GPUs the descriptors give them, the NFD labels NFD would set, and the
 * Slinky annotations node provisioning must set. First the cluster matches the site; then a
 * node goes missing, one loses its taint, one advertises too few GPUs and one loses its Slurm
 * hostname, and preflight must name each.
 *
 * Needs the binaries from `bash .ci/install-rehearsal.sh`: skipped without them, failed
 * without them when CI is set.
 */

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizedStack } from '../../constructs/charts/stack-file';
import {
  clusterTargets,
  formatPreflight,
  parsePreflightArgs,
  preflightSite,
  run as preflightCommand,
  type Kubectl,
  type PreflightReport,
} from '../../cli/preflight';
import { slinkyNodeAnnotations } from '../../constructs/scheduling/slurm/render';
import { startControlPlane, type ControlPlane } from '../../rehearsal/control-plane';
import { stackObjects } from '../../rehearsal/manifests';
import { clusterNodes, cpuNodes, poolDescriptors } from '../../rehearsal/nodes';
import { loadCatalogue } from '../../site-model/loader';
import { addSiteStacks } from '../../stacks/site';
import { fixtureText, runCommand, SITES_DIR, siteModel, type CommandRun } from '../helpers';
import { describeWithRehearsal } from '../rehearsal/with-rehearsal';
import { memoryApp } from '../../stacks/synth';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

const ROOT = path.join(__dirname, '..', '..');

/**
 * The minimal fixture with a Slurm partition on h100, which Slurm owns (with leaf switches, so
 * Slurm has a topology), and an AMD pool, which Kubernetes owns, for Kueue.
 */
const PATCH = {
  scheduler: {
    slurm: {
      partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } },
      accounting: { host: 'slurmdbd-db.example.internal', user: 'slurm', passwordSecret: { name: 'slurmdbd-db', key: 'password' } },
    },
  },
  gpuPools: {
    h100: { fabric: { nodesPerLeafSwitch: 2 }, owner: 'slurm' },
    mi300x: { accelerator: 'amd-mi300x', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 128, memoryGiBPerNode: 2048, interconnect: 'ethernet' },
  },
};

/** What NFD sets on a node with the vendor's GPUs (the GPU Operator's NFD, and the AMD GPU Operator's NodeFeatureRule). */
const NFD = { h100: { 'feature.node.kubernetes.io/pci-10de.present': 'true' }, mi300x: { 'feature.node.kubernetes.io/amd-gpu': 'true' } } as const;

describe('preflight arguments', () => {
  test('--help prints the usage and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = parsePreflightArgs(['xx-minimal', flag]);
      expect(r).toEqual({ exit: 0, text: expect.stringMatching(/^usage: aif preflight <site> \[options\]\n/) as unknown });
    }
  });

  test('a site with every option, as separate and inline values', () => {
    expect(parsePreflightArgs(['es-1healthai', '--kubeconfig', '/tmp/kc', '--context=ctx', '--json', 'out.json'])).toEqual({
      site: 'es-1healthai',
      kubeconfig: '/tmp/kc',
      context: 'ctx',
      json: 'out.json',
    });
    expect(parsePreflightArgs(['es-1healthai'])).toEqual({ site: 'es-1healthai' });
  });

  test.each([
    [[], /^name a site, e\.g\. es-1healthai\n\nusage:/],
    [['a', 'b'], /^one site at a time, got a and b\n/],
    [['a', '--force'], /^unknown option --force\n/],
    [['a', '--json'], /^--json needs a path\n/],
    [['a', '--kubeconfig', '--context', 'x'], /^--kubeconfig needs a path\n/],
    [['a', '--context='], /^--context needs a context name\n/],
  ])('%j exits 2: %s', (argv, message) => {
    const r = parsePreflightArgs(argv);
    expect(r).toEqual({ exit: 2, text: expect.stringMatching(message) as unknown });
  });

  test('--kubeconfig and --context are refused for a site with several clusters', () => {
    const [giga] = loadCatalogue(SITES_DIR, 'eu-ref-gigafactory');
    expect(clusterTargets(giga, { context: 'x' })).toMatch(
      /^site eu-ref-gigafactory has 7 clusters and cells \(training, inference, training-c01, training-c02, training-c03, training-c04, training-c05\), so --kubeconfig and --context would be ambiguous; set clusters\.<name>\.kubeconfigPath and context in .*eu-ref-gigafactory\.yaml instead$/,
    );
    const single = clusterTargets(siteModel(), { kubeconfig: '/tmp/kc' });
    if (typeof single === 'string') throw new Error(single);
    expect(single(siteModel().clusters[0])).toEqual({ kubeconfig: '/tmp/kc', context: 'minimal' });
  });

  test('a site with cells: every cell is checked with its own context, and the fix for a cell names its site-file fields', () => {
    const [giga] = loadCatalogue(SITES_DIR, 'eu-ref-gigafactory');
    const contexts: string[] = [];
    const report = preflightSite(giga, (c) => {
      contexts.push(c.context);
      return () => ({ status: 1, stdout: '', stderr: 'unreachable\n' });
    });
    expect(report.clusters.map((c) => c.cluster)).toEqual(['training', 'inference', ...giga.cells.map((c) => c.name)]);
    expect(contexts).toEqual([...giga.clusters.map((c) => c.context), ...giga.cells.map((c) => c.context)]);
    expect(new Set(contexts).size).toBe(7);
    const cell = report.clusters.find((c) => c.cluster === 'training-c03');
    expect(cell?.mismatches[0].fix).toMatch(/^check clusters\.training\.cells\.training-c03\.kubeconfigPath and context in .*eu-ref-gigafactory\.yaml/);
  });

  test('a cluster that cannot be read is a mismatch that names the kubeconfig fields', () => {
    const unreachable: Kubectl = () => ({ status: 1, stdout: '', stderr: 'The connection to the server 10.0.0.1:6443 was refused\n' });
    const report = preflightSite(siteModel(), () => unreachable);
    expect(report.ok).toBe(false);
    expect(report.clusters[0].mismatches).toEqual([
      {
        cluster: 'main',
        check: 'access',
        nodes: [],
        expected: 'read access to cluster main (get nodes, get configmaps in aif-system, /version)',
        found: 'kubectl get --raw /version: The connection to the server 10.0.0.1:6443 was refused',
        fix: 'check clusters.main.kubeconfigPath and context in sites/xx-minimal.yaml (or pass --kubeconfig and --context), that the API server is reachable, and that the credentials may read nodes and aif-system ConfigMaps',
      },
    ]);
  });
});

describeWithRehearsal('npm run preflight on a rehearsal cluster', () => {
  const site = siteModel(PATCH);
  let cp: ControlPlane;
  let workDir: string;
  let sitesDir: string;
  const calls: (readonly string[])[] = [];
  const recording: Kubectl = (args, stdin) => {
    calls.push(args);
    return cp.kubectl(args, stdin);
  };
  const kubectl = (args: string[], stdin?: string): string => {
    const r = cp.kubectl(args, stdin);
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const preflight = (minimumKubernetesVersion?: string): PreflightReport =>
    preflightSite(site, () => recording, {
      target: () => ({ kubeconfig: cp.kubeconfig, context: 'rehearsal' }),
      ...(minimumKubernetesVersion ? { minimumKubernetesVersion } : {}),
    });
  /**
   * The command itself, as an operator runs it (its `run`, in this process), with the site
   * file's cluster overridden on the command line. kubectl comes from $KUBECTL of the process.
   */
  const cli = async (...extra: string[]): Promise<CommandRun> => {
    const kubectlBefore = process.env.KUBECTL;
    process.env.KUBECTL = cp.binaries.kubectl;
    try {
      return await runCommand(preflightCommand, ['xx-minimal', '--kubeconfig', cp.kubeconfig, '--context', 'rehearsal', ...extra], {
        cwd: ROOT,
        env: { SITES_DIR: sitesDir, KUBECTL: cp.binaries.kubectl },
      });
    } finally {
      if (kubectlBefore === undefined) delete process.env.KUBECTL;
      else process.env.KUBECTL = kubectlBefore;
    }
  };
  /** The command on the cluster as set up, started in beforeAll so that it runs beside the first tests. */
  let matchingRun: ReturnType<typeof cli>;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-preflight-test-'));
    sitesDir = path.join(workDir, 'sites');
    fs.mkdirSync(sitesDir);
    fs.writeFileSync(path.join(sitesDir, 'xx-minimal.yaml'), fixtureText(PATCH));
    cp = await startControlPlane({ workDir: path.join(workDir, 'cluster') });

    // What the platform stack deploys for node provisioning: the aif-system namespace and the pool descriptors.
    const platform = stackObjects(synthesizedStack(addSiteStacks(memoryApp(), site).platform), 'xx-minimal-platform');
    const manifests = platform.manifests.filter((m) => m.cluster === 'main').map((m) => m.manifest as Json);
    const deployed = manifests.filter(
      (m) =>
        (m.kind === 'Namespace' && (m.metadata as { name: string }).name === 'aif-system') ||
        (m.kind === 'ConfigMap' && (m.metadata as { name: string }).name.startsWith('pool-')),
    );
    expect(deployed.map((m) => `${String(m.kind)}/${(m.metadata as { name: string }).name}`).sort()).toEqual([
      'ConfigMap/pool-h100',
      'ConfigMap/pool-mi300x',
      'Namespace/aif-system',
    ]);
    for (const m of deployed) kubectl(['apply', '--server-side', '--field-manager=ai-factory-cdk', '-f', '-'], JSON.stringify(m));

    // Nodes as node provisioning and NFD leave them.
    const slurm = site.slurm[0].input;
    const pools = clusterNodes(site, 'main', poolDescriptors(manifests));
    const nodes = pools.flatMap((p) =>
      p.nodes.map((n, i) => {
        const meta = n.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
        const annotations = p.pool === 'h100' ? slinkyNodeAnnotations(slurm, 'h100', i) : {};
        return {
          ...n,
          metadata: { ...meta, labels: { ...meta.labels, ...NFD[p.pool as keyof typeof NFD] }, annotations: { ...meta.annotations, ...annotations } },
        };
      }),
    );
    kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...cpuNodes(), ...nodes] }));
    matchingRun = cli('--json', path.join(workDir, 'ok.json'));
  }, 120_000);

  afterAll(async () => {
    await cp?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('a cluster that matches the site: every pool matches, and only get is used', async () => {
    // The Slinky annotations the fixture sets, spelled out once: Slurm node h100-3 under leaf switch 1.
    expect(JSON.parse(kubectl(['get', 'node', 'h100-3', '-o', 'jsonpath={.metadata.annotations}'])) as unknown).toMatchObject({
      'nodeset.slinky.slurm.net/hostname-override': 'h100-3',
      'topology.slinky.slurm.net/spec': 'default:h100-leaf1',
    });
    calls.length = 0;
    const report = preflight();
    expect(report.ok).toBe(true);
    const [main] = report.clusters;
    expect(main.mismatches).toEqual([]);
    expect(main.serverVersion).toMatch(/^v1\.34\./);
    expect(main.pools).toEqual([
      {
        pool: 'h100',
        descriptor: 'deployed',
        expectedNodes: 4,
        labelled: ['h100-0', 'h100-1', 'h100-2', 'h100-3'],
        labelledAndTainted: 4,
        labels: { ok: 4, of: 4 },
        resourceName: 'nvidia.com/gpu',
        unitsPerNode: 8,
        gpus: { ok: 4, of: 4 },
        slinky: { ok: 4, of: 4 },
        nfd: { ok: 4, of: 4 },
        owners: { slurm: { ok: 4, of: 4 }, kubernetes: { ok: 0, of: 0 } },
      },
      {
        pool: 'mi300x',
        descriptor: 'deployed',
        expectedNodes: 2,
        labelled: ['mi300x-0', 'mi300x-1'],
        labelledAndTainted: 2,
        labels: { ok: 2, of: 2 },
        resourceName: 'amd.com/gpu',
        unitsPerNode: 8,
        gpus: { ok: 2, of: 2 },
        nfd: { ok: 2, of: 2 },
        owners: { slurm: { ok: 0, of: 0 }, kubernetes: { ok: 2, of: 2 } },
      },
    ]);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((args) => args[0] !== 'get')).toEqual([]);

    const lines = formatPreflight(report).split('\n');
    expect(lines[0]).toMatch(
      /^xx-minimal \/ cluster main \(context rehearsal of .*admin\.kubeconfig\): Kubernetes v1\.34\.\d+, minimum 1\.30 \(the stacks need it: the tenant pod policy/,
    );
    expect(lines.slice(1, 4)).toEqual([
      '  pool    descriptor  nodes (label+taint)  labels  GPUs per node              Slinky  NFD  owner',
      '  h100    deployed    4/4                  4/4     4/4 with 8 nvidia.com/gpu  4/4     4/4  slurm 4/4',
      '  mi300x  deployed    2/2                  2/2     2/2 with 8 amd.com/gpu     -       2/2  kubernetes 2/2',
    ]);
    expect(lines.at(-1)).toBe('2 pool(s) in 1 cluster(s): everything matches');

    const run = await matchingRun;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n2 pool\(s\) in 1 cluster\(s\): everything matches\n$/);
    expect((JSON.parse(fs.readFileSync(path.join(workDir, 'ok.json'), 'utf8')) as PreflightReport).ok).toBe(true);
  });

  test('a cluster older than the minimum is a mismatch', () => {
    const report = preflight('1.99');
    expect(report.ok).toBe(false);
    expect(report.clusters[0].mismatches).toEqual([
      {
        cluster: 'main',
        check: 'kubernetes-version',
        nodes: [],
        expected: 'Kubernetes 1.99 or newer (option)',
        found: expect.stringMatching(/^v1\.34\.\d+$/) as unknown,
        fix: "upgrade the cluster's control plane and nodes to 1.99 or newer before deploying",
      },
    ]);
  });

  test('a missing node, a node without the taint, one with too few GPUs and a Slurm node without its hostname are each reported', async () => {
    await matchingRun; // it reads the cluster as set up
    kubectl(['delete', 'node', 'h100-3']);
    kubectl(['taint', 'node', 'h100-2', 'ai-factory.eu/pool-']);
    kubectl(['patch', 'node', 'h100-1', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { allocatable: { 'nvidia.com/gpu': '4' } } })]);
    kubectl(['annotate', 'node', 'h100-0', 'nodeset.slinky.slurm.net/hostname-override-']);
    // kwok's heartbeats patch the node status; the allocatable written above must stay.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(kubectl(['get', 'node', 'h100-1', '-o', 'jsonpath={.status.allocatable.nvidia\\.com/gpu}'])).toBe('4');

    calls.length = 0;
    const report = preflight();
    expect(calls.filter((args) => args[0] !== 'get')).toEqual([]);
    expect(report.ok).toBe(false);
    const [main] = report.clusters;
    expect(main.mismatches).toEqual([
      {
        cluster: 'main',
        pool: 'h100',
        check: 'nodes',
        nodes: [],
        expected: expect.stringMatching(/^4 node\(s\) labelled ai-factory\.eu\/pool=h100 \(sites\/xx-minimal\.yaml:\d+ gpuPools\.h100\.nodes\)$/) as unknown,
        found: '3: h100-0, h100-1, h100-2',
        fix: expect.stringMatching(
          /^provision the missing 1 node\(s\) and have the site's node provisioning apply what descriptor aif-system\/pool-h100 lists, or set sites\/xx-minimal\.yaml:\d+ gpuPools\.h100\.nodes to 3$/,
        ) as unknown,
      },
      {
        cluster: 'main',
        pool: 'h100',
        check: 'taint',
        nodes: ['h100-2'],
        expected: 'ai-factory.eu/pool=h100:NoSchedule',
        found: 'no ai-factory.eu/pool taint',
        fix: "have the site's node provisioning apply what descriptor aif-system/pool-h100 lists; by hand: kubectl taint node h100-2 ai-factory.eu/pool=h100:NoSchedule --overwrite",
      },
      {
        cluster: 'main',
        pool: 'h100',
        check: 'gpus',
        nodes: ['h100-1'],
        expected: '8 nvidia.com/gpu allocatable per node',
        found: '4',
        fix: "check the node's GPUs (nvidia-smi), its driver, and the device plugin pod on it; if the hardware differs from the site file, fix gpuPools.h100.acceleratorsPerNode or sharing",
      },
      {
        cluster: 'main',
        pool: 'h100',
        check: 'slinky-hostname',
        nodes: ['h100-0'],
        expected: 'nodeset.slinky.slurm.net/hostname-override naming a distinct Slurm node h100-0 to h100-3',
        found: 'no annotation',
        fix:
          'have node provisioning annotate each node with a Slurm node name, the one that matches its place in the fabric, that no other node has (free: h100-0, h100-3), ' +
          'e.g. kubectl annotate node h100-0 --overwrite nodeset.slinky.slurm.net/hostname-override=h100-0 topology.slinky.slurm.net/spec=default:h100-leaf0',
      },
    ]);
    expect(main.pools[0]).toMatchObject({ labelledAndTainted: 2, gpus: { ok: 2, of: 3 }, slinky: { ok: 2, of: 3 }, nfd: { ok: 3, of: 3 } });
    expect(main.pools[1]).toMatchObject({ pool: 'mi300x', labelledAndTainted: 2, gpus: { ok: 2, of: 2 } });

    const run = await cli();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('\n  h100    deployed    2/4                  3/3     2/3 with 8 nvidia.com/gpu  2/3     3/3  slurm 3/4\n');
    expect(run.stdout).toContain(
      "\n  MISMATCH main/h100 taint: node h100-2: expected ai-factory.eu/pool=h100:NoSchedule, found no ai-factory.eu/pool taint; fix: have the site's node provisioning apply",
    );
    expect(run.stdout).toMatch(/\n2 pool\(s\) in 1 cluster\(s\): 4 mismatch\(es\)\n$/);
  });

  test('a pool whose descriptor is not deployed yet is checked against the site file, saying so', () => {
    kubectl(['delete', 'configmap', 'pool-mi300x', '-n', 'aif-system']);
    const report = preflight();
    const [main] = report.clusters;
    expect(main.pools[1]).toMatchObject({ pool: 'mi300x', descriptor: 'site file', labelledAndTainted: 2, gpus: { ok: 2, of: 2 } });
    expect(main.notes).toContain('pool mi300x: descriptor aif-system/pool-mi300x is not deployed yet; checked against the site file');
    expect(main.mismatches.filter((m) => m.pool === 'mi300x')).toEqual([]);
  });

  test('a node given to the wrong scheduler, and one with no owner, are reported with the plan of owners', () => {
    kubectl(['label', 'node', 'mi300x-1', 'ai-factory.eu/owner=slurm', '--overwrite']);
    kubectl(['label', 'node', 'mi300x-0', 'ai-factory.eu/owner-']);
    const report = preflight();
    expect(report.clusters[0].pools[1]).toMatchObject({ pool: 'mi300x', owners: { slurm: { ok: 1, of: 0 }, kubernetes: { ok: 0, of: 2 } } });
    expect(report.clusters[0].mismatches.filter((m) => m.pool === 'mi300x')).toEqual([
      {
        cluster: 'main',
        pool: 'mi300x',
        check: 'owner',
        nodes: [],
        expected: '0 node(s) labelled ai-factory.eu/owner=slurm',
        found: '1',
        fix: expect.stringMatching(
          /: label kubernetes on 2 node\(s\); by hand: kubectl label node <node> ai-factory\.eu\/owner=<owner> --overwrite$/,
        ) as unknown,
      },
      expect.objectContaining({ check: 'owner', expected: '2 node(s) labelled ai-factory.eu/owner=kubernetes', found: '0' }),
      expect.objectContaining({ check: 'owner', nodes: ['mi300x-0'], found: 'no ai-factory.eu/owner label' }),
    ]);
  });
});
