import { Release } from '@cdktf/provider-helm/lib/release';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { App, TerraformVariable } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ClusterTarget } from '../../../constructs/core/cluster-target';
import { IsolatedNamespace } from '../../../constructs/tenancy/isolated-namespace';
import { STORAGE_ROLE_LABEL } from '../../../constructs/core/labels';
import { mirrorOverrides } from '../../../constructs/charts/mirror';
import { CHARTS, type ChartId } from '../../../constructs/charts/registry';
import { PolicyPack, suppressPolicy, type Finding, type PolicyPackProps } from '../../../constructs/policies/pack';
import { Tenant } from '../../../constructs/tenancy/tenant';
import { synthAppOptions } from '../../../stacks/synth';
import { builtOnce, testStack } from '../../helpers';

type CaseBuilder = (scope: Construct, target: ClusterTarget) => void;

/**
 * Findings of one rule, per case: every case is built in its own construct `test/<case>/…` of
 * one stack, the policy pack checks that stack once, and each finding is filed under the case
 * its resource belongs to. Cases without findings map to `[]`.
 */
function findingsByCase(ruleId: string, cases: Readonly<Record<string, CaseBuilder>>, props: PolicyPackProps = {}): Record<string, Finding[]> {
  const { stack, target } = testStack();
  for (const [id, build] of Object.entries(cases)) build(new Construct(stack, id), target);
  const byCase: Record<string, Finding[]> = Object.fromEntries(Object.keys(cases).map((id) => [id, []]));
  for (const f of new PolicyPack(props).check(stack).filter((x) => x.ruleId === ruleId)) {
    const id = f.path.split('/')[1];
    if (!(id in byCase)) throw new Error(`finding outside every case: ${f.path}`);
    byCase[id].push(f);
  }
  return byCase;
}

/** {@link findingsByCase}, built and checked once for the tests of the enclosing `describe`. */
const findingsOnce = (ruleId: string, cases: Readonly<Record<string, CaseBuilder>>, props: PolicyPackProps = {}) =>
  builtOnce(() => findingsByCase(ruleId, cases, props));

function tenant(scope: Construct, target: ClusterTarget, name = 'acme'): Tenant {
  return new Tenant(scope, 'Acme', { target, siteId: 'xx-test', tenantName: name, kind: 'startup', groups: { admins: ['a'], members: [], viewers: [] } });
}

/** A helm_release of a pinned chart, as PinnedChart writes it (without its validation, so tests can write anything). */
function pinned(scope: Construct, target: ClusterTarget, chart: ChartId, values: object, repository = CHARTS[chart].repository) {
  return new Release(scope, 'Pinned', {
    provider: target.helm,
    name: chart,
    chart: CHARTS[chart].chart,
    repository,
    version: CHARTS[chart].version,
    values: [stringify(values)],
  });
}

function release(scope: Construct, target: ClusterTarget, props: { version?: string; repository?: string; values?: unknown }) {
  return new Release(scope, 'Chart', {
    provider: target.helm,
    name: 'demo',
    chart: 'demo',
    repository: props.repository ?? 'https://charts.example.org',
    version: props.version,
    values: props.values === undefined ? undefined : [stringify(props.values)],
  });
}

describe('AIF-TEN-1 tenant network isolation', () => {
  const findings = findingsOnce('AIF-TEN-1', {
    Compliant: (s, t) => tenant(s, t, 'ok'),
    // The default-deny policy removed through an escape hatch.
    Removed: (s, t) => tenant(s, t, 'removed').namespace.node.tryRemoveChild('DefaultDeny'),
    Opened: (s, t) => {
      const policy = tenant(s, t, 'opened').namespace.node.findChild('DefaultDeny') as unknown as { addOverride: (p: string, v: unknown) => void };
      policy.addOverride('spec.ingress', [{ from: [{ ip_block: { cidr: '0.0.0.0/0' } }] }]);
    },
    Suppressed: (s, t) => {
      const acme = tenant(s, t, 'waived');
      acme.namespace.node.tryRemoveChild('DefaultDeny');
      suppressPolicy(acme, 'AIF-TEN-1', 'isolation is enforced by the site firewall for this tenant');
    },
  });

  test('compliant: a tenant denies all traffic by default', () => {
    expect(findings().Compliant).toEqual([]);
  });

  test('non-compliant: the default-deny policy was removed through an escape hatch', () => {
    const result = findings().Removed;
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      level: 'error',
      path: 'test/Removed/Acme/Namespace/Namespace',
      details: ['namespace tenant-removed has 3 NetworkPolicies and none denies all ingress and egress'],
    });
    expect(result[0].suppressedBecause).toBeUndefined();
  });

  test('non-compliant: an override that opens the default policy is seen', () => {
    expect(findings().Opened).toHaveLength(1);
  });

  test('suppressed: the finding carries the reason', () => {
    expect(findings().Suppressed.map((f) => f.suppressedBecause)).toEqual(['isolation is enforced by the site firewall for this tenant']);
  });
});

describe('AIF-TEN-2 tenant quota', () => {
  const findings = findingsOnce('AIF-TEN-2', {
    Compliant: (s, t) => tenant(s, t, 'ok'),
    // An isolated tenant-labelled namespace without a quota.
    NoQuota: (s, t) => tenant(s, t, 'open').node.tryRemoveChild('Quota'),
    Suppressed: (s, t) => {
      const acme = tenant(s, t, 'waived');
      acme.node.tryRemoveChild('Quota');
      suppressPolicy(acme, 'AIF-TEN-2', 'quota is managed by the site admission controller');
    },
  });

  test('compliant: a tenant has a quota', () => {
    expect(findings().Compliant).toEqual([]);
  });

  test('non-compliant: an isolated tenant-labelled namespace without a quota', () => {
    expect(findings().NoQuota.map((f) => [f.details, f.suppressedBecause])).toEqual([[['namespace tenant-open has no ResourceQuota'], undefined]]);
  });

  test('suppressed', () => {
    const result = findings().Suppressed;
    expect(result).toHaveLength(1);
    expect(result[0].suppressedBecause).toBe('quota is managed by the site admission controller');
  });
});

describe('AIF-TEN-3 tenant pod security', () => {
  const baselineLab = (s: Construct, t: ClusterTarget, name: string) =>
    new IsolatedNamespace(s, 'Lab', { target: t, name, isolationGroup: name, labels: { 'ai-factory.eu/data-lab': name }, podSecurity: 'baseline' });
  const findings = findingsOnce('AIF-TEN-3', {
    Compliant: (s, t) => tenant(s, t, 'ok'),
    Weaker: (s, t) => baselineLab(s, t, 'lab-x'),
    // Namespaces that belong to no tenant or lab.
    NotApplicable: (s, t) => new IsolatedNamespace(s, 'Ops', { target: t, name: 'ops', isolationGroup: 'ops', podSecurity: 'privileged' }),
    Suppressed: (s, t) => suppressPolicy(baselineLab(s, t, 'lab-y'), 'AIF-TEN-3', 'the lab runs a vetted GPU profiler that needs baseline'),
  });

  test('compliant: restricted is enforced, audited and warned', () => {
    expect(findings().Compliant).toEqual([]);
  });

  test('non-compliant: a weaker level names each label', () => {
    expect(findings().Weaker.map((f) => f.details)).toEqual([
      [
        'label pod-security.kubernetes.io/enforce is "baseline", not "restricted"',
        'label pod-security.kubernetes.io/audit is "baseline", not "restricted"',
        'label pod-security.kubernetes.io/warn is "baseline", not "restricted"',
      ],
    ]);
  });

  test('not applicable to namespaces that belong to no tenant or lab', () => {
    expect(findings().NotApplicable).toEqual([]);
  });

  test('suppressed', () => {
    expect(findings().Suppressed.map((f) => f.suppressedBecause)).toEqual(['the lab runs a vetted GPU profiler that needs baseline']);
  });
});

describe('AIF-SEC-1 no plaintext secrets', () => {
  const findings = findingsOnce('AIF-SEC-1', {
    // References to existing Secrets and sensitive variables.
    Compliant: (s, t) => {
      const password = new TerraformVariable(s, 'db_password', { type: 'string', sensitive: true });
      release(s, t, {
        version: '1.0.0',
        values: {
          auth: { existingSecret: 'db-credentials', passwordSecretKeyRef: 'password' },
          db: { password: password.stringValue },
          // Names of keys inside existing Secrets, as mlflow and lakeFS write them.
          artifactRoot: { s3: { keyOfSecretAccessKey: 'secret-key' } },
          secretKeys: { databaseConnectionString: 'connection-string', authEncryptSecretKey: 'encrypt-key' },
        },
      });
    },
    Literal: (s, t) => {
      release(s, t, { version: '1.0.0', values: { backendStore: { postgres: { password: 'hunter2' } }, artifactRoot: { s3: { awsSecretAccessKey: 'abc' } } } });
      new SecretV1(s, 'Creds', { provider: t.kubernetes, metadata: { name: 'creds' }, data: { token: 'abc' } });
    },
    Suppressed: (s, t) =>
      suppressPolicy(
        release(s, t, { version: '1.0.0', values: { grafana: { adminPassword: 'admin' } } }),
        'AIF-SEC-1',
        'throw-away password of a disposable test cluster',
      ),
  });

  test('compliant: references to existing Secrets and sensitive variables', () => {
    expect(findings().Compliant).toEqual([]);
  });

  test('non-compliant: a literal password in Helm values and a Secret with literal data', () => {
    expect(findings().Literal.map((f) => f.details)).toEqual([
      ['values[0].backendStore.postgres.password holds a literal value', 'values[0].artifactRoot.s3.awsSecretAccessKey holds a literal value'],
      ['data.token holds a literal value'],
    ]);
  });

  test('suppressed', () => {
    expect(findings().Suppressed.map((f) => f.suppressedBecause)).toEqual(['throw-away password of a disposable test cluster']);
  });
});

describe('AIF-CHT-1 pinned chart versions', () => {
  const loose = [undefined, '^1.2.0', '1.x', '>=1.0.0'];
  const findings = findingsOnce('AIF-CHT-1', {
    Compliant: (s, t) => release(s, t, { version: 'v26.7.0' }),
    ...Object.fromEntries(loose.map((version, i) => [`Loose${i}`, (s: Construct, t: ClusterTarget) => release(s, t, { version })])),
    Suppressed: (s, t) => suppressPolicy(release(s, t, {}), 'AIF-CHT-1', 'the version is pinned by the site mirror instead'),
  });

  test('compliant: an exact version', () => {
    expect(findings().Compliant).toEqual([]);
  });

  test.each(loose.map((version, i) => [version, i] as const))('non-compliant: version %p', (version, i) => {
    expect(findings()[`Loose${i}`].map((f) => f.details)).toEqual([[`chart demo has version ${JSON.stringify(version ?? null)}`]]);
  });

  test('suppressed', () => {
    expect(findings().Suppressed.map((f) => f.suppressedBecause)).toEqual(['the version is pinned by the site mirror instead']);
  });
});

describe('AIF-IMG-1 no latest images', () => {
  const deployment = (s: Construct, t: ClusterTarget, image: string) =>
    new DeploymentV1(s, 'App', {
      provider: t.kubernetes,
      metadata: { name: 'app' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { container: [{ name: 'c', image }] } } },
    });
  const findings = findingsOnce('AIF-IMG-1', {
    // Pinned tags in values and containers.
    Compliant: (s, t) => {
      release(s, t, { version: '1.0.0', values: { image: { repository: 'ghcr.io/x/y', tag: '1.2.3' } } });
      deployment(s, t, 'ghcr.io/x/y:1.2.3');
    },
    Latest: (s, t) => {
      release(s, t, { version: '1.0.0', values: { singleuser: { image: { name: 'quay.io/jupyter/base', tag: 'latest' } } } });
      deployment(s, t, 'ghcr.io/x/y');
    },
    // A moving tag that is not spelled `latest`, and a digest that pins a moving tag.
    MovingTag: (s, t) => release(s, t, { version: '1.0.0', values: { plugin: { nodeLabellerImage: 'rocm/k8s-device-plugin:labeller-latest' } } }),
    Digest: (s, t) => deployment(s, t, 'ghcr.io/x/y:latest@sha256:0123abcd'),
    // A pinned chart whose defaults float: the images it deploys are checked, not only the values written.
    ChartDefault: (s, t) =>
      pinned(s, t, 'amd-gpu-operator', {
        kmm: { enabled: false },
        remediation: { enabled: false },
        deviceConfig: { spec: { devicePlugin: { devicePluginImage: 'rocm/k8s-device-plugin:1.31.0.10' }, metricsExporter: { enable: false } } },
      }),
    // A mirror that rewrites the repository but leaves the chart's `latest` tag.
    MirroredDefault: (s, t) => pinned(s, t, 'slurm', mirrorOverrides('slurm', {}, { imageRegistry: 'registry.site.eu/mirror' })),
    // Pinned charts whose deployed images are all pinned.
    PinnedChart: (s, t) => {
      pinned(s, t, 'kueue', {});
      pinned(new Construct(s, 'Nfd'), t, 'node-feature-discovery', {});
    },
    Suppressed: (s, t) =>
      suppressPolicy(
        release(s, t, { version: '1.0.0', values: { image: { repository: 'ghcr.io/x/y', tag: 'latest' } } }),
        'AIF-IMG-1',
        'nightly test deployment follows the latest build on purpose',
      ),
  });

  test('compliant: pinned tags in values and containers', () => {
    expect(findings().Compliant).toEqual([]);
  });

  test('non-compliant: latest in values, an untagged container image', () => {
    expect(findings().Latest.map((f) => f.details)).toEqual([
      ['values[0].singleuser.image.name is quay.io/jupyter/base:latest'],
      ['spec.template.spec.container.0.image is ghcr.io/x/y:(no tag, so latest)'],
    ]);
  });

  test('non-compliant: a tag with latest as one of its parts; a digest pins any tag', () => {
    expect(findings().MovingTag.map((f) => f.details)).toEqual([['values[0].plugin.nodeLabellerImage is rocm/k8s-device-plugin:labeller-latest']]);
    expect(findings().Digest).toEqual([]);
  });

  test("non-compliant: a pinned chart's defaults that the values leave floating, though never written", () => {
    expect(findings().ChartDefault.map((f) => f.details)).toEqual([
      [
        'values.deviceConfig.spec.commonConfig.utilsContainer.image is docker.io/rocm/amd-gpu-operator-utils:latest (chart default)',
        'values.deviceConfig.spec.devicePlugin.nodeLabellerImage is rocm/k8s-device-plugin:labeller-latest (chart default)',
      ],
    ]);
  });

  test("non-compliant: a mirrored repository keeps the chart's latest tag", () => {
    expect(findings().MirroredDefault.map((f) => f.details)).toEqual([
      [
        'values.controller.logfile.image is registry.site.eu/mirror/docker.io/library/alpine:latest (tag from the chart default)',
        'values.loginsetDefaults.initconf.image is registry.site.eu/mirror/docker.io/library/alpine:latest (tag from the chart default)',
        'values.nodesetDefaults.logfile.image is registry.site.eu/mirror/docker.io/library/alpine:latest (tag from the chart default)',
      ],
    ]);
  });

  test('compliant: pinned charts whose every deployed image has a fixed tag (or the chart picks it)', () => {
    expect(findings().PinnedChart).toEqual([]);
  });

  test('suppressed', () => {
    const result = findings().Suppressed;
    expect(result).toHaveLength(1);
    expect(result[0].suppressedBecause).toMatch(/nightly/);
  });
});

describe('AIF-MIR-1 mirrored artifacts', () => {
  const mirror = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts' };
  const cases: Record<string, CaseBuilder> = {
    // Chart and images from the mirror.
    Compliant: (s, t) =>
      release(s, t, {
        version: '1.0.0',
        repository: mirror.chartRepository,
        values: {
          image: { repository: 'registry.site.eu/mirror/docker.io/x/y', tag: '1' },
          kps: { image: { registry: 'registry.site.eu/mirror/quay.io', repository: 'prometheus/prometheus', tag: 'v3' } },
        },
      }),
    Upstream: (s, t) => release(s, t, { version: '1.0.0', values: { image: { repository: 'nvcr.io/nvidia/gpu-operator', tag: 'v1' } } }),
    // A pinned chart from the mirror, with every image the mirror rewrites.
    MirroredChart: (s, t) => pinned(s, t, 'kueue', mirrorOverrides('kueue', {}, mirror), mirror.chartRepository),
    // The same chart from the mirror, but its images left at the chart's defaults.
    UnmirroredDefaults: (s, t) => pinned(s, t, 'kueue', {}, mirror.chartRepository),
    Suppressed: (s, t) => suppressPolicy(release(s, t, { version: '1.0.0' }), 'AIF-MIR-1', 'this chart is served by the site proxy cache'),
  };
  const findings = findingsOnce('AIF-MIR-1', cases, mirror);
  const withoutMirror = findingsOnce('AIF-MIR-1', cases);

  test('not applicable without a mirror', () => {
    expect(withoutMirror()).toEqual({ Compliant: [], Upstream: [], MirroredChart: [], UnmirroredDefaults: [], Suppressed: [] });
  });

  test('compliant: a pinned chart whose deployed images the mirror rewrote', () => {
    expect(findings().MirroredChart).toEqual([]);
  });

  test("non-compliant: a pinned chart's default images pulled from upstream, though no value names them", () => {
    expect(findings().UnmirroredDefaults.map((f) => f.details)).toEqual([
      ['values.controllerManager.manager.image is registry.k8s.io/kueue/kueue (chart default)'],
    ]);
  });

  test('compliant: chart and images from the mirror', () => {
    expect(findings().Compliant).toEqual([]);
  });

  test('non-compliant: upstream chart repository and upstream image', () => {
    expect(findings().Upstream.map((f) => f.details)).toEqual([
      ['chart demo comes from https://charts.example.org', 'values[0].image.repository is nvcr.io/nvidia/gpu-operator'],
    ]);
  });

  test('suppressed', () => {
    expect(findings().Suppressed.map((f) => f.suppressedBecause)).toEqual(['this chart is served by the site proxy cache']);
  });
});

describe('AIF-STO-1 retained storage', () => {
  const storageClass = (s: Construct, t: ClusterTarget, role: string, reclaimPolicy?: string) =>
    new StorageClassV1(s, `Class-${role}`, {
      provider: t.kubernetes,
      metadata: { name: `aif-${role}`, labels: { [STORAGE_ROLE_LABEL]: role } },
      storageProvisioner: 'x.csi',
      reclaimPolicy,
    });
  const findings = findingsOnce('AIF-STO-1', {
    // Project and home retain; scratch may delete.
    Compliant: (s, t) => {
      storageClass(s, t, 'project', 'Retain');
      storageClass(s, t, 'home', 'Retain');
      storageClass(s, t, 'scratch', 'Delete');
    },
    Deleting: (s, t) => {
      storageClass(s, t, 'project', 'Delete');
      storageClass(s, t, 'home');
    },
    Suppressed: (s, t) => suppressPolicy(storageClass(s, t, 'home', 'Delete'), 'AIF-STO-1', 'home is backed up nightly to tape'),
  });

  test('compliant: project and home retain; scratch may delete', () => {
    expect(findings().Compliant).toEqual([]);
  });

  test('non-compliant: a project class that deletes, a home class with the Delete default', () => {
    expect(findings().Deleting.map((f) => f.details)).toEqual([
      ['storage class aif-project (role project) has reclaim policy Delete'],
      ['storage class aif-home (role home) has reclaim policy Delete'],
    ]);
  });

  test('suppressed', () => {
    expect(findings().Suppressed.map((f) => f.suppressedBecause)).toEqual(['home is backed up nightly to tape']);
  });
});

describe('suppressions', () => {
  test('need a known rule id and a real reason', () => {
    const { stack } = testStack();
    expect(() => suppressPolicy(stack, 'AIF-XXX-9', 'a good enough reason')).toThrow(/unknown rule id AIF-XXX-9; use one of AIF-TEN-1/);
    expect(() => suppressPolicy(stack, 'AIF-TEN-1', 'because')).toThrow(/the reason "because" is too short/);
  });

  test('unsuppressed errors become error annotations, which stop a synth', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-rules-'));
    try {
      stopsASynth(outdir);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  function stopsASynth(outdir: string): void {
    const { stack, target } = testStack('test', 'main', new App(synthAppOptions(outdir)));
    const acme = tenant(stack, target);
    acme.node.tryRemoveChild('Quota');
    new ConfigMapV1(stack, 'Unrelated', { provider: target.kubernetes, metadata: { name: 'x' } });
    const pack = new PolicyPack();
    pack.visit(stack);
    const annotations = acme.namespace.node
      .findChild('Namespace')
      .node.metadata.filter((m) => m.type.startsWith('@cdktf/'))
      .map((m) => [m.type, m.data as unknown]);
    expect(annotations).toEqual([
      ['@cdktf/error', expect.stringMatching(/^\[AIF-TEN-2\] The tenant namespace has no ResourceQuota\. namespace tenant-acme has no ResourceQuota$/)],
    ]);
    expect(() => (stack.node.root as App).synth()).toThrow(/AIF-TEN-2/);
  }

  test('suppressed findings become warnings with their reason', () => {
    const { stack, target } = testStack();
    const acme = tenant(stack, target);
    acme.node.tryRemoveChild('Quota');
    suppressPolicy(acme, 'AIF-TEN-2', 'quota is managed by the site admission controller');
    new PolicyPack().visit(stack);
    const annotations = acme.namespace.node
      .findChild('Namespace')
      .node.metadata.filter((m) => m.type.startsWith('@cdktf/'))
      .map((m) => [m.type, m.data as unknown]);
    expect(annotations).toEqual([['@cdktf/warn', expect.stringMatching(/\[AIF-TEN-2\].*\(suppressed: quota is managed by the site admission controller\)$/)]]);
  });
});
