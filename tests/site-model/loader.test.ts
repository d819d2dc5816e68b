import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkSiteText, loadCatalogue } from '../../site-model/loader';
import { formatProblem, SiteValidationError } from '../../site-model/problems';
import { FIXTURE, fixtureText, merge, problemsOf, siteModel, siteSpec } from '../helpers';
import { TEST_ACCOUNTING } from '../constructs/scheduling/slurm/slurm-helpers';

const FILE = 'sites/xx-minimal.yaml';

describe('site file loader', () => {
  test('the minimal fixture is valid and gets defaults', () => {
    const spec = siteSpec();
    expect(spec.id).toBe('xx-minimal');
    expect(spec.development).toBe(false);
    expect(spec.gpuPools.h100.sharing).toEqual({ mode: 'exclusive' });
    expect(spec.oversubscription).toEqual({ gpu: 1, storage: 1 });
    expect(spec.identity.oidcGroupPrefix).toBe('oidc:');
    expect(spec.state).toEqual({ backend: 'kubernetes', namespace: 'terraform-state' });
  });

  test('a missing required field names the field and where to add it', () => {
    expect(problemsOf({ city: null })).toEqual([`${FILE}:1 city: is required (string), got nothing; add city: to the top level`]);
  });

  test('a misspelt field is reported at its own line with a suggestion', () => {
    const text = fixtureText().replace('    interconnect: infiniband', '    interconect: infiniband');
    const problems = checkSiteText(text, FILE).problems.map(formatProblem);
    const line = text.split('\n').findIndex((l) => l.includes('interconect')) + 1;
    expect(problems).toContain(`${FILE}:${line} gpuPools.h100.interconect: is not a field of this section, got "interconect"; did you mean interconnect?`);
  });

  test('an unknown enum value suggests the closest option', () => {
    const [problem] = problemsOf({ gpuPools: { h100: { accelerator: 'nvidia-h100-sx' } } });
    expect(problem).toMatch(/gpuPools\.h100\.accelerator: must be one of nvidia-a100-sxm-80gb, .*, got "nvidia-h100-sx"; did you mean nvidia-h100-sxm\?$/);
  });

  test('a wrong discriminator names the allowed forms', () => {
    expect(problemsOf({ state: { backend: 'consul' } })).toEqual([
      expect.stringMatching(/^sites\/xx-minimal.yaml:\d+ state.backend: must be one of s3, kubernetes, pg, local, got "consul"; set backend: to one of them$/),
    ]);
  });

  describe('a value of the wrong shape names the shape expected and its section of docs/site-file.md', () => {
    const REFERENCE = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'site-file.md'), 'utf8');
    /** The anchor a problem links to, checked to exist in the reference. */
    const linkOf = (problem: string): string => {
      const anchor = /\(see docs\/site-file\.md#([-a-z0-9]+)\)$/.exec(problem)?.[1] ?? '(no link)';
      expect({ anchor, inReference: REFERENCE.includes(`<a id="${anchor}"></a>`) }).toEqual({ anchor, inReference: true });
      return anchor;
    };

    test('a storage backend written as a word gets every form, and the form that word names', () => {
      // A broken copy of the fixture as written, so the line is the one an operator sees.
      const text = fs
        .readFileSync(FIXTURE, 'utf8')
        .replace('    backend: { type: nfs, server: nfs.example.internal, share: /export/project }', '    backend: csi');
      const line = text.split('\n').indexOf('    backend: csi') + 1;
      const problems = checkSiteText(text, FILE).problems.map(formatProblem);
      expect(problems).toEqual([
        `${FILE}:${line} storageTiers.project.backend: must be an object, one of { type: csi, provisioner, ... } or { type: rook-ceph, service } or { type: nfs, server, share } or { type: minio, ... }, got "csi"; write it as backend: { type: csi, provisioner: <string, not empty>, ... } (see docs/site-file.md#storagetiers-tier-backend--type-csi)`,
      ]);
      expect(linkOf(problems[0])).toBe('storagetiers-tier-backend--type-csi');
      // The form it suggests, filled in, is valid.
      const fixed = text.replace('    backend: csi', '    backend: { type: csi, provisioner: lustre.csi.hpe.com }');
      expect(checkSiteText(fixed, FILE).problems.map(formatProblem)).toEqual([]);
    });

    test('an object section written as a list names its keys', () => {
      const [problem] = problemsOf({ tenants: { acme: { gpuQuota: { h100: 8 } } } });
      expect(problem).toMatch(
        /tenants\.acme\.gpuQuota\.h100: must be an object \{ guaranteed, max \}, got 8; write it as h100: \{ guaranteed: <integer ≥ 0>, max: <integer ≥ 0> \} \(see docs\/site-file\.md#tenants-tenant-gpuquota-pool\)$/,
      );
      linkOf(problem);
    });

    test('a union of a word and an object names both', () => {
      const [problem] = problemsOf({ gpuPools: { h100: { owner: 3 } } });
      expect(problem).toMatch(
        /gpuPools\.h100\.owner: must be one of slurm, kubernetes or an object \{ slurm, kubernetes \}, got 3; write it as owner: \{ slurm: <integer ≥ 0>, kubernetes: <integer ≥ 0> \}/,
      );
      linkOf(problem);
    });

    test('a map written as a word names its entries, and a list written as a word its items', () => {
      const map = problemsOf({ scheduler: { slurm: { partitions: 'gpu' } } }).find((p) => p.includes(' scheduler.slurm.partitions: ')) ?? '(none)';
      expect(map).toMatch(/scheduler\.slurm\.partitions: must be a map of <partition> to \{ pools, maxTimeHours, \.\.\. \}, got "gpu"/);
      expect(linkOf(map)).toBe('scheduler-slurm-partitions-partition');
      const [list] = problemsOf({ dataLabs: { lab: { tenants: 'acme', pools: ['h100'], objectTier: 'project' } } });
      expect(list).toMatch(/dataLabs\.lab\.tenants: must be a list such as \[<name>, \.\.\.\], got "acme"; write it as tenants: \[<name>, \.\.\.\]/);
      expect(linkOf(list)).toBe('datalabs-lab');
    });
  });

  test('numbers out of range say the limit', () => {
    expect(problemsOf({ gpuPools: { h100: { nodes: 0 } } })).toEqual([
      expect.stringMatching(/gpuPools\.h100\.nodes: must be at least 1, got 0; change it to at least 1$/),
    ]);
  });

  test('a map key that is not a valid name is rejected', () => {
    expect(problemsOf({ tenants: { Acme_Corp: { kind: 'sme', oidcGroups: {} } } })).toEqual([
      expect.stringMatching(
        /tenants\.Acme_Corp: the name must be lower-case letters, digits and "-", starting with a letter, at most 32 characters, got "Acme_Corp"; rename the key$/,
      ),
    ]);
  });

  test('invalid YAML and duplicate keys are reported with their line', () => {
    const dup = checkSiteText('schemaVersion: 1\nid: a\nid: b\n', FILE).problems.map(formatProblem);
    expect(dup).toEqual([
      expect.stringMatching(
        /^sites\/xx-minimal.yaml:3 id: the key id appears twice in the same map \(first at line 2\), and YAML keeps only one, got "id"; keep one id: entry/,
      ),
    ]);
    const bad = checkSiteText('id: [unclosed\n', FILE).problems;
    expect(bad[0].problem).toMatch(/not valid YAML/);
  });

  test('the id must match the file name', () => {
    const line = fixtureText().split('\n').indexOf('id: xx-minimal') + 1;
    expect(problemsOf({}, 'sites/xx-other.yaml')).toEqual([
      `sites/xx-other.yaml:${line} id: the site id must match the file name, got "xx-minimal"; rename the file to xx-minimal.yaml or set id: xx-other`,
    ]);
  });

  describe('cross-field rules', () => {
    test('a pool must name an existing cluster', () => {
      expect(problemsOf({ gpuPools: { h100: { cluster: 'other' } } })).toEqual([
        expect.stringMatching(/gpuPools\.h100\.cluster: names a cluster that the site does not declare, got "other"; use one of main$/),
      ]);
    });

    test('with several clusters every pool names its cluster', () => {
      expect(problemsOf({ clusters: { second: { kubeconfigPath: 'k', context: 'c' } } })).toEqual([
        expect.stringMatching(/gpuPools\.h100: must name its cluster because the site has several, got no cluster; add cluster: with one of main, second$/),
      ]);
    });

    describe('Kubernetes version of a cluster', () => {
      const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

      test('defaults to the oldest release the stacks install on', () => {
        expect(siteSpec().clusters.main.kubernetesVersion).toBe('1.30');
      });

      test('accepts 1.30 and newer, as 1.31 or v1.30.2', () => {
        for (const kubernetesVersion of ['1.30', '1.31', 'v1.30.2', '1.30.0']) {
          expect(siteSpec({ clusters: { main: { kubernetesVersion } } }).clusters.main.kubernetesVersion).toBe(kubernetesVersion);
        }
      });

      test('rejects an older cluster at its line, naming what needs more', () => {
        const text = fixtureText({ clusters: { main: { kubernetesVersion: '1.29' } } });
        expect(checkSiteText(text, FILE).problems.map(formatProblem)).toEqual([
          `${FILE}:${lineOf(text, 'kubernetesVersion')} clusters.main.kubernetesVersion: is older than the stacks install on: Kubernetes 1.30 or newer, for the tenant pod policy (ValidatingAdmissionPolicy, admissionregistration.k8s.io/v1), got "1.29"; upgrade the cluster to 1.30 or newer and state its version`,
        ]);
      });

      test('checks every cluster of the site', () => {
        const problems = problemsOf({
          clusters: { main: { kubernetesVersion: 'v1.27.9' }, edge: { kubeconfigPath: 'k', context: 'c', kubernetesVersion: '1.20' } },
          gpuPools: { h100: { cluster: 'main' } },
        });
        expect(problems).toEqual([
          expect.stringMatching(/:\d+ clusters\.main\.kubernetesVersion: is older than the stacks install on: .*, got "v1\.27\.9"; upgrade the cluster/),
          expect.stringMatching(/:\d+ clusters\.edge\.kubernetesVersion: is older than the stacks install on: .*, got "1\.20"; upgrade the cluster/),
        ]);
      });

      test('a version YAML reads as a number must be quoted', () => {
        const text = fixtureText().replace('    context: minimal\n', '    context: minimal\n    kubernetesVersion: 1.30\n');
        expect(checkSiteText(text, FILE).problems.map(formatProblem)).toEqual([
          `${FILE}:${lineOf(text, 'kubernetesVersion')} clusters.main.kubernetesVersion: must be a string, got 1.3; write a string here`,
        ]);
      });

      test('anything else is not a version', () => {
        expect(problemsOf({ clusters: { main: { kubernetesVersion: 'latest' } } })).toEqual([
          expect.stringMatching(
            /clusters\.main\.kubernetesVersion: must be a Kubernetes version such as 1\.31 or v1\.31\.4, got "latest"; change the value to that form$/,
          ),
        ]);
      });
    });

    test('tenant quotas must reference existing pools and tiers', () => {
      expect(problemsOf({ tenants: { acme: { gpuQuota: { b200: { guaranteed: 1, max: 1 } }, storageQuotaTiB: { scratch: 1 } } } })).toEqual([
        expect.stringMatching(/tenants\.acme\.gpuQuota\.b200: names a GPU pool that does not exist, got "b200"; use one of h100$/),
        expect.stringMatching(/tenants\.acme\.storageQuotaTiB\.scratch: names a storage tier that does not exist, got "scratch"; use one of project$/),
      ]);
    });

    test('guaranteed must not exceed max, and max must fit the pool', () => {
      expect(problemsOf({ tenants: { acme: { gpuQuota: { h100: { guaranteed: 20, max: 40 } } } } })).toEqual([
        expect.stringMatching(/tenants\.acme\.gpuQuota\.h100\.max: exceeds the capacity of pool h100 \(32\), got 40; lower it to 32 at most$/),
      ]);
      expect(problemsOf({ tenants: { acme: { gpuQuota: { h100: { guaranteed: 9, max: 8 } } } } })).toEqual([
        expect.stringMatching(/tenants\.acme\.gpuQuota\.h100\.guaranteed: must not exceed max \(8\), got 9; lower guaranteed or raise max$/),
      ]);
    });

    const twoTenants = {
      tenants: {
        acme: { gpuQuota: { h100: { guaranteed: 20, max: 32 } } },
        beta: { kind: 'academia', oidcGroups: {}, gpuQuota: { h100: { guaranteed: 16, max: 32 } } },
      },
    };

    test('guaranteed quotas across tenants must fit the pool, naming pool, sum and capacity', () => {
      expect(problemsOf(twoTenants)).toEqual([
        expect.stringMatching(
          /tenants\.beta\.gpuQuota\.h100\.guaranteed: guaranteed quotas on pool h100 add up to 36 \(acme, beta\) but the pool offers 32, got 36; lower the guarantees or set oversubscription.gpu to at least 1.13$/,
        ),
      ]);
    });

    test('an explicit oversubscription ratio allows more guarantees', () => {
      expect(problemsOf({ ...twoTenants, oversubscription: { gpu: 1.2 } })).toEqual([]);
    });

    test('MIG and time-slicing quotas count instances and replicas', () => {
      expect(
        problemsOf({
          gpuPools: { h100: { sharing: { mode: 'mig', profile: '1g.10gb' } } },
          tenants: { acme: { gpuQuota: { h100: { guaranteed: 200, max: 224 } } } },
        }),
      ).toEqual([]);
      expect(
        problemsOf({
          gpuPools: { h100: { sharing: { mode: 'time-slicing', replicas: 4 } } },
          tenants: { acme: { gpuQuota: { h100: { guaranteed: 129, max: 129 } } } },
        }),
      ).toEqual([
        expect.stringMatching(/guaranteed quotas on pool h100 add up to 129 \(acme\) but the pool offers 128/),
        expect.stringMatching(/max: exceeds the capacity of pool h100 \(128\), got 129/),
      ]);
    });

    test('a MIG profile must fit the accelerator', () => {
      expect(problemsOf({ gpuPools: { h100: { sharing: { mode: 'mig', profile: '1g.100gb' } } } })).toEqual([
        expect.stringMatching(
          /gpuPools\.h100\.sharing\.profile: the profile does not fit: 1g.100gb needs 100 GB but the GPU has 80 GB, got "1g.100gb"; choose a smaller profile$/,
        ),
      ]);
      expect(problemsOf({ gpuPools: { h100: { accelerator: 'amd-mi300x', sharing: { mode: 'mig', profile: '1g.10gb' } } } })).toEqual([
        expect.stringMatching(/gpuPools\.h100\.sharing\.mode: amd-mi300x does not support MIG, got "mig"; use exclusive or time-slicing$/),
      ]);
    });

    test('accelerators without a pinned operator are rejected at validation', () => {
      expect(problemsOf({ gpuPools: { h100: { accelerator: 'intel-gaudi3' } } })).toEqual([
        expect.stringMatching(
          /gpuPools\.h100\.accelerator: Intel accelerators are not yet supported: the project pins no operator chart for them, got "intel-gaudi3"; use an NVIDIA or AMD accelerator/,
        ),
      ]);
    });

    test('an MI250X counts as two devices, as Kubernetes and Slurm see it', () => {
      expect(
        problemsOf({
          gpuPools: { h100: { accelerator: 'amd-mi250x', acceleratorsPerNode: 4 } },
          tenants: { acme: { gpuQuota: { h100: { guaranteed: 8, max: 32 } } } },
        }),
      ).toEqual([]);
      expect(
        problemsOf({
          gpuPools: { h100: { accelerator: 'amd-mi250x', acceleratorsPerNode: 4 } },
          tenants: { acme: { gpuQuota: { h100: { guaranteed: 8, max: 33 } } } },
        }),
      ).toEqual([expect.stringMatching(/max: exceeds the capacity of pool h100 \(32\), got 33/)]);
    });

    test('storage quotas must fit the tier capacity', () => {
      expect(problemsOf({ tenants: { acme: { storageQuotaTiB: { project: 150 } } } })).toEqual([
        expect.stringMatching(
          /tenants\.acme\.storageQuotaTiB\.project: storage quotas on tier project add up to 150 TiB \(acme\) but the tier holds 100 TiB, got 150; lower the quotas or set oversubscription.storage to at least 1.5$/,
        ),
      ]);
    });

    test('an NVLink domain wider than one node validates with a warning at its line, not a problem', () => {
      const text = fixtureText({ gpuPools: { h100: { fabric: { nodesPerNvlinkDomain: 2 } } } });
      const check = checkSiteText(text, 'sites/xx-minimal.yaml');
      const line = text.split('\n').findIndex((l) => l.includes('nodesPerNvlinkDomain')) + 1;
      expect(check.problems).toEqual([]);
      // The value is kept: the pool's Slurm topology still has its NVLink domains.
      expect(check.site?.pools.h100.spec.fabric?.nodesPerNvlinkDomain).toBe(2);
      expect((check.warnings ?? []).map(formatProblem)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^sites/xx-minimal\\.yaml:${line} gpuPools\\.h100\\.fabric\\.nodesPerNvlinkDomain: Kubernetes workloads cannot use NVLink across the 2 nodes of a domain: .*, got 2; keep Kubernetes jobs within one node \\(8 GPUs\\)`,
          ),
        ) as unknown,
      ]);
      expect(checkSiteText(fixtureText({ gpuPools: { h100: { fabric: { nodesPerLeafSwitch: 2 } } } }), 'sites/xx-minimal.yaml').warnings).toEqual([]);
    });

    test('a quota per storage class stays within what a ResourceQuota accepts (8388 TiB)', () => {
      const big = { storageTiers: { project: { capacityTiB: 100000 } } };
      expect(problemsOf({ ...big, tenants: { acme: { storageQuotaTiB: { project: 8388 } } } })).toEqual([]);
      expect(problemsOf({ ...big, tenants: { acme: { storageQuotaTiB: { project: 8389 } } } })).toEqual([
        expect.stringMatching(
          /tenants\.acme\.storageQuotaTiB\.project: is more than a Kubernetes ResourceQuota accepts for one storage class \(8388 TiB: the API server rejects larger values as "must be an integer"\), got 8389; lower it to 8388 at most/,
        ),
      ]);
    });

    test('at least one scheduler, and slurm partitions reference pools with one default', () => {
      expect(problemsOf({ scheduler: { kueue: null } })).toEqual([
        expect.stringMatching(/scheduler: must choose at least one scheduler, got \{\}; add slurm:, kueue: or both$/),
      ]);
      const slurm = {
        gpuPools: { h100: { owner: 'slurm' } },
        scheduler: {
          slurm: {
            partitions: {
              gpu: { pools: ['h100'], default: true, maxTimeHours: 48 },
              big: { pools: ['h200'], default: true, maxTimeHours: 24 },
            },
            accounting: TEST_ACCOUNTING,
          },
        },
      };
      expect(problemsOf(slurm)).toEqual([
        expect.stringMatching(/scheduler\.slurm\.partitions\.big\.pools\.0: names a GPU pool that does not exist, got "h200"; use one of h100$/),
        expect.stringMatching(
          /scheduler\.slurm\.partitions\.big\.default: only one partition can be the default, got gpu and big; set default: true on one partition only$/,
        ),
      ]);
    });

    test('Slurm problems are reported with their line: a partition across clusters, NVLink domains that do not fit', () => {
      const twoClusters = {
        clusters: { edge: { kubeconfigPath: 'k', context: 'c' } },
        gpuPools: {
          h100: { cluster: 'main', owner: 'slurm' },
          edge: {
            cluster: 'edge',
            owner: 'slurm',
            accelerator: 'nvidia-h100-sxm',
            nodes: 2,
            acceleratorsPerNode: 8,
            cpusPerNode: 64,
            memoryGiBPerNode: 1024,
            interconnect: 'ethernet',
          },
        },
        scheduler: { slurm: { partitions: { all: { pools: ['h100', 'edge'], default: true, maxTimeHours: 24 } }, accounting: TEST_ACCOUNTING } },
      };
      expect(problemsOf(twoClusters)).toEqual([expect.stringMatching(/^sites\/xx-minimal\.yaml:\d+ scheduler\.slurm\.partitions\.all\.pools: .*cluster/)]);
      // A leaf switch must hold whole NVLink domains: 3 nodes per leaf, 2 per domain do not nest.
      const blocks = {
        gpuPools: { h100: { nodes: 6, fabric: { nodesPerNvlinkDomain: 2, nodesPerLeafSwitch: 3 }, owner: 'slurm' } },
        scheduler: { slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } }, accounting: TEST_ACCOUNTING } },
      };
      expect(problemsOf(blocks)).toEqual([expect.stringMatching(/^sites\/xx-minimal\.yaml:\d+ gpuPools\.h100\.fabric\.nodesPerLeafSwitch: .*, got .*; .+$/)]);
    });

    describe('Slurm accounting and QOS', () => {
      const gpu = { pools: ['h100'], default: true, maxTimeHours: 24 };
      const slurmSite = (slurm: Record<string, unknown>) => ({
        gpuPools: { h100: { owner: 'slurm' } },
        scheduler: { slurm: { partitions: { gpu }, ...slurm } },
      });
      const lineOf = (patch: unknown, text: string) =>
        fixtureText(patch)
          .split('\n')
          .findIndex((l) => l.includes(text)) + 1;
      const ADD = 'add scheduler.slurm.accounting: host, user and passwordSecret (an existing Secret holding the database password)';

      test("a tenant's quota on nodes Slurm owns needs accounting, at the quota's line", () => {
        const patch = slurmSite({});
        expect(problemsOf(patch)).toEqual([
          `sites/xx-minimal.yaml:${lineOf(patch, 'guaranteed: 8')} tenants.acme.gpuQuota.h100: Slurm enforces its part (up to 16 units on the nodes of h100 it owns) only through slurmdbd accounting, and this Slurm has none, got {"guaranteed":8,"max":16}; ${ADD}`,
        ]);
        expect(problemsOf(slurmSite({ accounting: TEST_ACCOUNTING }))).toEqual([]);
      });

      test("on a split pool only Slurm's part counts; a pool Slurm does not own needs no accounting", () => {
        // Slurm owns 1 of 4 nodes: a quota of at most 16 leaves it 4 units.
        const split = merge(slurmSite({}), { gpuPools: { h100: { owner: { slurm: 1, kubernetes: 3 } } }, scheduler: { kueue: {} } });
        expect(problemsOf(split)).toEqual([
          expect.stringMatching(/ tenants\.acme\.gpuQuota\.h100: Slurm enforces its part \(up to 4 units on the nodes of h100 it owns\)/),
        ]);
        // A quota of at most 1 GPU leaves Slurm none of it (Kubernetes gets the nearest unit).
        expect(problemsOf(merge(split, { tenants: { acme: { gpuQuota: { h100: { guaranteed: 0, max: 1 } } } } }))).toEqual([]);
        // Slurm without tenants' quotas on its nodes runs without accounting.
        expect(problemsOf(merge(slurmSite({}), { tenants: { acme: { gpuQuota: { h100: null } } } }))).toEqual([]);
      });

      test('a partition QOS must be defined under scheduler.slurm.qos, at its line', () => {
        const patch = slurmSite({ accounting: TEST_ACCOUNTING, partitions: { gpu: { ...gpu, qos: 'frontier' } } });
        expect(problemsOf(patch)).toEqual([
          `sites/xx-minimal.yaml:${lineOf(patch, 'qos: frontier')} scheduler.slurm.partitions.gpu.qos: names a QOS that scheduler.slurm.qos does not define, got "frontier"; define frontier under scheduler.slurm.qos with its limits, or remove qos`,
        ]);
        const other = merge(patch, { scheduler: { slurm: { qos: { short: { maxWallHours: 2 } } } } });
        expect(problemsOf(other)).toEqual([
          expect.stringMatching(
            /scheduler\.slurm\.partitions\.gpu\.qos: names a QOS that scheduler\.slurm\.qos does not define, got "frontier"; use one of short, or define frontier under scheduler\.slurm\.qos with its limits$/,
          ),
        ]);
        expect(
          problemsOf(merge(patch, { scheduler: { slurm: { qos: { frontier: { priority: 10, maxWallHours: 24, maxGpusPerUser: 16, maxJobsPerUser: 2 } } } } })),
        ).toEqual([]);
      });

      test('QOS need accounting, at the line of qos', () => {
        const patch = merge(slurmSite({ qos: { frontier: { maxWallHours: 24 }, short: {} } }), { tenants: { acme: { gpuQuota: { h100: null } } } });
        expect(problemsOf(patch)).toEqual([
          `sites/xx-minimal.yaml:${lineOf(patch, '      frontier:')} scheduler.slurm.qos: QOS live in slurmdbd's database, and this Slurm has no accounting, got frontier, short; ${ADD}`,
        ]);
      });

      test('QOS limits are checked by the schema, each at its line', () => {
        const patch = slurmSite({ accounting: TEST_ACCOUNTING, qos: { frontier: { maxWallHours: 0, maxGpusPerUser: 1.5, priority: -1 } } });
        expect(problemsOf(patch).filter((p) => p.includes(' scheduler.slurm.qos.'))).toEqual([
          `sites/xx-minimal.yaml:${lineOf(patch, 'maxWallHours: 0')} scheduler.slurm.qos.frontier.maxWallHours: must be more than 0, got 0; change it to more than 0`,
          expect.stringMatching(
            new RegExp(`^sites/xx-minimal\\.yaml:${lineOf(patch, 'maxGpusPerUser: 1.5')} scheduler\\.slurm\\.qos\\.frontier\\.maxGpusPerUser: .*, got 1\\.5; `),
          ),
          `sites/xx-minimal.yaml:${lineOf(patch, 'priority: -1')} scheduler.slurm.qos.frontier.priority: must be at least 0, got -1; change it to at least 0`,
        ]);
      });
    });

    describe('one scheduler owns each node', () => {
      const partition = { slurm: { partitions: { gpu: { pools: ['h100'], default: true, maxTimeHours: 24 } }, accounting: TEST_ACCOUNTING } };
      const lab = { dataLabs: { lab: { tenants: ['acme'], pools: ['h100'], objectTier: 'object' } } };
      const objectTier = { storageTiers: { object: { role: 'object', capacityTiB: 10, backend: { type: 'minio' } } } };
      const identity = { identity: { oidcIssuerUrl: 'https://login.example.eu' } };

      test('a pool that Slurm and Kueue would both use must say who owns it, at its line', () => {
        expect(problemsOf({ scheduler: partition })).toEqual([
          expect.stringMatching(
            /^sites\/xx-minimal\.yaml:\d+ gpuPools\.h100: needs an owner: both Slurm \(partition gpu\) and Kubernetes \(Kueue\) would use its nodes/,
          ),
        ]);
      });

      test("without Kueue or a lab, a pool in a partition is Slurm's; a pool in none is Kubernetes'", () => {
        const site = siteModel({ scheduler: { kueue: null, ...partition } });
        expect(site.pools.h100.ownership).toEqual({ slurm: 4, kubernetes: 0 });
        expect(siteModel().pools.h100.ownership).toEqual({ slurm: 0, kubernetes: 4 });
      });

      test('a split must give every node exactly one owner', () => {
        expect(problemsOf({ gpuPools: { h100: { owner: { slurm: 4, kubernetes: 2 } } }, scheduler: partition })).toEqual([
          expect.stringMatching(
            /gpuPools\.h100\.owner: owns 2 node\(s\) twice: its owners' nodes add up to 6, but the pool has 4, got \{"slurm":4,"kubernetes":2\}; make slurm and kubernetes add up to 4$/,
          ),
        ]);
        expect(problemsOf({ gpuPools: { h100: { owner: { slurm: 1, kubernetes: 2 } } }, scheduler: partition })).toEqual([
          expect.stringMatching(/gpuPools\.h100\.owner: leaves 1 node\(s\) without an owner: .*; make slurm and kubernetes add up to 4$/),
        ]);
      });

      test('Slurm owns nodes exactly when a partition runs on the pool', () => {
        expect(problemsOf({ gpuPools: { h100: { owner: 'kubernetes' } }, scheduler: partition })).toEqual([
          expect.stringMatching(/gpuPools\.h100\.owner: gives Slurm no node, but partition gpu runs on the pool, got "kubernetes"; give Slurm nodes/),
        ]);
        expect(problemsOf({ gpuPools: { h100: { owner: { slurm: 1, kubernetes: 3 } } } })).toEqual([
          expect.stringMatching(/gpuPools\.h100\.owner: gives Slurm nodes that no Slurm partition runs on, got .*; add the pool to a partition/),
        ]);
      });

      test("a data lab's notebooks need nodes Kubernetes owns, as many as the lab's quota", () => {
        const base = { ...objectTier, ...identity, ...lab, scheduler: partition };
        expect(problemsOf({ ...base, gpuPools: { h100: { owner: 'slurm' } } })).toEqual([
          expect.stringMatching(
            /gpuPools\.h100\.owner: gives Kubernetes no node, but data lab lab run notebooks on the pool, got "slurm"; give Kubernetes nodes/,
          ),
        ]);
        // One node of 8 GPUs left to Kubernetes: a lab quota of 16 does not fit.
        expect(
          problemsOf({ ...base, gpuPools: { h100: { owner: { slurm: 3, kubernetes: 1 } } }, dataLabs: { lab: { ...lab.dataLabs.lab, gpusPerPool: 16 } } }),
        ).toEqual([
          expect.stringMatching(/dataLabs\.lab\.gpusPerPool: exceeds the 8 units on pool h100's Kubernetes-owned nodes, got 16; lower it to 8 at most$/),
        ]);
        expect(problemsOf({ ...base, gpuPools: { h100: { owner: { slurm: 3, kubernetes: 1 } } } })).toEqual([]);
      });

      test('a split keeps NVLink domains whole', () => {
        const nvl = { nodes: 8, fabric: { nodesPerNvlinkDomain: 4 } };
        expect(problemsOf({ gpuPools: { h100: { ...nvl, owner: { slurm: 6, kubernetes: 2 } } }, scheduler: partition })).toEqual([
          expect.stringMatching(
            /gpuPools\.h100\.owner\.slurm: splits an NVLink domain between Slurm and Kubernetes: .*, got 6; use a multiple of 4, e\.g\. owner: \{ slurm: 4, kubernetes: 4 \} or owner: \{ slurm: 8, kubernetes: 0 \}$/,
          ),
        ]);
        expect(problemsOf({ gpuPools: { h100: { ...nvl, owner: { slurm: 4, kubernetes: 4 } } }, scheduler: partition })).toEqual([]);
      });

      test("a tenant's quota on a split pool is split in proportion to the nodes, adding up to the quota", () => {
        // acme: guaranteed 8, max 16 GPUs of h100's 32.
        const split = (slurm: number) =>
          siteModel({ gpuPools: { h100: { owner: { slurm, kubernetes: 4 - slurm } } }, scheduler: partition }).tenants.acme.gpuQuotas[0];
        expect(split(3)).toMatchObject({ guaranteed: 8, max: 16, kubernetes: { guaranteed: 2, max: 4 }, slurm: { guaranteed: 6, max: 12 } });
        expect(split(1)).toMatchObject({ kubernetes: { guaranteed: 6, max: 12 }, slurm: { guaranteed: 2, max: 4 } });
        const whole = siteModel({ gpuPools: { h100: { owner: 'slurm' } }, scheduler: partition }).tenants.acme.gpuQuotas[0];
        expect(whole).toMatchObject({ kubernetes: { guaranteed: 0, max: 0 }, slurm: { guaranteed: 8, max: 16 } });
      });
    });

    test('data labs reference tenants, pools and an object tier', () => {
      expect(problemsOf({ dataLabs: { lab: { tenants: ['nobody'], pools: ['h100'], objectTier: 'project' } } })).toEqual([
        expect.stringMatching(/dataLabs\.lab\.tenants\.0: names a tenant that does not exist, got "nobody"; use one of acme$/),
        expect.stringMatching(/dataLabs\.lab\.objectTier: must be a tier with role object, but project has role project, got "project"; name an object tier$/),
      ]);
    });

    test('local state needs a development site', () => {
      expect(problemsOf({ state: { backend: 'local' } })).toEqual([
        expect.stringMatching(
          /state\.backend: local state is only allowed on a development site, got "local"; use s3, kubernetes or pg, or set development: true$/,
        ),
      ]);
      expect(problemsOf({ state: { backend: 'local' }, development: true })).toEqual([]);
    });

    test('assumptions must name fields that exist', () => {
      expect(problemsOf({ assumptions: { 'gpuPools.h100.nodes': 'reference design', 'gpuPools.b200.nodes': 'x' } })).toEqual([
        expect.stringMatching(/assumptions\.gpuPools\.b200\.nodes: names a field that the file does not have, got "gpuPools.b200.nodes"/),
      ]);
    });
  });

  test('ten different mistakes give ten precise messages in one run', () => {
    const problems = problemsOf({
      country: 'de',
      gpuPools: { h100: { nodes: 0, interconnect: 'myrinet' } },
      scheduler: { kueue: { fairshare: true } },
      storageTiers: { project: { capacityTiB: -1 } },
      tenants: {
        acme: { kind: 'startups', gpuQuota: { h200: { guaranteed: 1, max: 1 } } },
        beta: { kind: 'sme', oidcGroups: {}, storageQuotaTiB: { scratch: 1 } },
      },
      state: { backend: 'local' },
      assumptions: { 'gpuPools.b200.nodes': 'guess' },
      registryMirror: { imageRegistry: 'https://registry.example.eu', chartRepository: 'oci://registry.example.eu/charts' },
    });
    expect(problems).toHaveLength(10);
    const paths = problems.map((p) => p.split(' ')[1].replace(/:$/, ''));
    expect(paths.sort()).toEqual(
      [
        'country',
        'gpuPools.h100.nodes',
        'gpuPools.h100.interconnect',
        'scheduler.kueue.fairshare',
        'storageTiers.project.capacityTiB',
        'tenants.acme.kind',
        'tenants.beta.storageQuotaTiB.scratch',
        'state.backend',
        'assumptions.gpuPools.b200.nodes',
        'registryMirror.imageRegistry',
      ].sort(),
    );
    for (const p of problems) expect(p).toMatch(/^sites\/xx-minimal\.yaml:\d+ \S+: .+, got .+; .+$/);
  });

  describe('catalogue loading', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-sites-'));
      fs.writeFileSync(path.join(dir, 'xx-minimal.yaml'), fixtureText());
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('loads every site, or only the named one', () => {
      fs.writeFileSync(path.join(dir, 'xx-second.yaml'), fixtureText({ id: 'xx-second', clusters: { main: { context: 'second' } } }));
      expect(loadCatalogue(dir).map((s) => s.spec.id)).toEqual(['xx-minimal', 'xx-second']);
      expect(loadCatalogue(dir, 'xx-second').map((s) => s.spec.id)).toEqual(['xx-second']);
    });

    test('an unknown SITE suggests the closest id', () => {
      expect(() => loadCatalogue(dir, 'xx-minimall')).toThrow(/SITE: no such site in the catalogue, got "xx-minimall"; did you mean xx-minimal\?/);
    });

    test('problems of every file are collected into one error', () => {
      fs.writeFileSync(path.join(dir, 'xx-broken.yaml'), fixtureText({ id: 'xx-broken', city: null, kind: 'lab', clusters: { main: { context: 'broken' } } }));
      fs.writeFileSync(path.join(dir, 'xx-worse.yaml'), fixtureText({ id: 'xx-worse', country: 'germany', clusters: { main: { context: 'worse' } } }));
      try {
        loadCatalogue(dir);
        throw new Error('expected a SiteValidationError');
      } catch (e) {
        expect(e).toBeInstanceOf(SiteValidationError);
        const problems = (e as SiteValidationError).problems;
        expect(problems.map((p) => `${path.basename(p.file)} ${p.path}`)).toEqual(['xx-broken.yaml city', 'xx-broken.yaml kind', 'xx-worse.yaml country']);
        expect((e as Error).message).toMatch(/^3 problems in site files:/);
      }
    });
  });
});
