import { Release } from '@cdktf/provider-helm/lib/release';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { type App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { stringify } from 'yaml';
import type { ClusterTarget } from '../../../constructs/core/cluster-target';
import { IsolatedNamespace } from '../../../constructs/tenancy/isolated-namespace';
import { STORAGE_ROLE_LABEL } from '../../../constructs/core/labels';
import { PolicyPack, suppressPolicy, type Finding, type PolicyPackProps } from '../../../constructs/policies/pack';
import { Tenant } from '../../../constructs/tenancy/tenant';

function newStack(): { stack: TerraformStack; target: ClusterTarget } {
  const stack = new TerraformStack(Testing.app(), 'test');
  const kubernetes = new KubernetesProvider(stack, 'Kubernetes', {});
  const helm = new HelmProvider(stack, 'Helm', {});
  return { stack, target: { name: 'main', kubernetes, helm } };
}

/** Findings of one rule after `build` adds resources to a fresh stack. */
function findings(ruleId: string, build: (stack: TerraformStack, target: ClusterTarget) => void, props: PolicyPackProps = {}): Finding[] {
  const { stack, target } = newStack();
  build(stack, target);
  return new PolicyPack(props).check(stack).filter((f) => f.ruleId === ruleId);
}

function tenant(stack: TerraformStack, target: ClusterTarget): Tenant {
  return new Tenant(stack, 'Acme', { target, siteId: 'xx-test', tenantName: 'acme', kind: 'startup', groups: { admins: ['a'], members: [], viewers: [] } });
}

function release(stack: TerraformStack, target: ClusterTarget, props: { version?: string; repository?: string; values?: unknown }) {
  return new Release(stack, 'Chart', {
    provider: target.helm,
    name: 'demo',
    chart: 'demo',
    repository: props.repository ?? 'https://charts.example.org',
    version: props.version,
    values: props.values === undefined ? undefined : [stringify(props.values)],
  });
}

describe('AIF-TEN-1 tenant network isolation', () => {
  test('compliant: a tenant denies all traffic by default', () => {
    expect(findings('AIF-TEN-1', (s, t) => tenant(s, t))).toEqual([]);
  });

  test('non-compliant: the default-deny policy was removed through an escape hatch', () => {
    const result = findings('AIF-TEN-1', (s, t) => tenant(s, t).namespace.node.tryRemoveChild('DefaultDeny'));
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ level: 'error', path: 'test/Acme/Namespace/Namespace', details: ['namespace tenant-acme has 3 NetworkPolicies and none denies all ingress and egress'] });
  });

  test('non-compliant: an override that opens the default policy is seen', () => {
    const result = findings('AIF-TEN-1', (s, t) => {
      const policy = tenant(s, t).namespace.node.findChild('DefaultDeny') as unknown as { addOverride: (p: string, v: unknown) => void };
      policy.addOverride('spec.ingress', [{ from: [{ ip_block: { cidr: '0.0.0.0/0' } }] }]);
    });
    expect(result).toHaveLength(1);
  });

  test('suppressed: the finding carries the reason', () => {
    const result = findings('AIF-TEN-1', (s, t) => {
      const acme = tenant(s, t);
      acme.namespace.node.tryRemoveChild('DefaultDeny');
      suppressPolicy(acme, 'AIF-TEN-1', 'isolation is enforced by the site firewall for this tenant');
    });
    expect(result.map((f) => f.suppressedBecause)).toEqual(['isolation is enforced by the site firewall for this tenant']);
  });
});

describe('AIF-TEN-2 tenant quota', () => {
  test('compliant: a tenant has a quota', () => {
    expect(findings('AIF-TEN-2', (s, t) => tenant(s, t))).toEqual([]);
  });

  test('non-compliant: an isolated tenant-labelled namespace without a quota', () => {
    const result = findings('AIF-TEN-2', (s, t) => tenant(s, t).node.tryRemoveChild('Quota'));
    expect(result.map((f) => f.details)).toEqual([['namespace tenant-acme has no ResourceQuota']]);
  });

  test('suppressed', () => {
    const result = findings('AIF-TEN-2', (s, t) => {
      const acme = tenant(s, t);
      acme.node.tryRemoveChild('Quota');
      suppressPolicy(acme, 'AIF-TEN-2', 'quota is managed by the site admission controller');
    });
    expect(result).toHaveLength(1);
    expect(result[0].suppressedBecause).toBe('quota is managed by the site admission controller');
  });
});

describe('AIF-TEN-3 tenant pod security', () => {
  test('compliant: restricted is enforced, audited and warned', () => {
    expect(findings('AIF-TEN-3', (s, t) => tenant(s, t))).toEqual([]);
  });

  test('non-compliant: a weaker level names each label', () => {
    const result = findings('AIF-TEN-3', (s, t) => {
      new IsolatedNamespace(s, 'Lab', { target: t, name: 'lab-x', isolationGroup: 'lab-x', labels: { 'ai-factory.eu/data-lab': 'x' }, podSecurity: 'baseline' });
    });
    expect(result[0].details).toEqual([
      'label pod-security.kubernetes.io/enforce is "baseline", not "restricted"',
      'label pod-security.kubernetes.io/audit is "baseline", not "restricted"',
      'label pod-security.kubernetes.io/warn is "baseline", not "restricted"',
    ]);
  });

  test('not applicable to namespaces that belong to no tenant or lab', () => {
    expect(findings('AIF-TEN-3', (s, t) => new IsolatedNamespace(s, 'Ops', { target: t, name: 'ops', isolationGroup: 'ops', podSecurity: 'privileged' }))).toEqual([]);
  });

  test('suppressed', () => {
    const result = findings('AIF-TEN-3', (s, t) => {
      const ns = new IsolatedNamespace(s, 'Lab', { target: t, name: 'lab-x', isolationGroup: 'lab-x', labels: { 'ai-factory.eu/data-lab': 'x' }, podSecurity: 'baseline' });
      suppressPolicy(ns, 'AIF-TEN-3', 'the lab runs a vetted GPU profiler that needs baseline');
    });
    expect(result[0].suppressedBecause).toBe('the lab runs a vetted GPU profiler that needs baseline');
  });
});

describe('AIF-SEC-1 no plaintext secrets', () => {
  test('compliant: references to existing Secrets and sensitive variables', () => {
    expect(
      findings('AIF-SEC-1', (s, t) => {
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
      }),
    ).toEqual([]);
  });

  test('non-compliant: a literal password in Helm values and a Secret with literal data', () => {
    const result = findings('AIF-SEC-1', (s, t) => {
      release(s, t, { version: '1.0.0', values: { backendStore: { postgres: { password: 'hunter2' } }, artifactRoot: { s3: { awsSecretAccessKey: 'abc' } } } });
      new SecretV1(s, 'Creds', { provider: t.kubernetes, metadata: { name: 'creds' }, data: { token: 'abc' } });
    });
    expect(result.map((f) => f.details)).toEqual([
      ['values[0].backendStore.postgres.password holds a literal value', 'values[0].artifactRoot.s3.awsSecretAccessKey holds a literal value'],
      ['data.token holds a literal value'],
    ]);
  });

  test('suppressed', () => {
    const result = findings('AIF-SEC-1', (s, t) => {
      const r = release(s, t, { version: '1.0.0', values: { grafana: { adminPassword: 'admin' } } });
      suppressPolicy(r, 'AIF-SEC-1', 'throw-away password of a disposable test cluster');
    });
    expect(result.map((f) => f.suppressedBecause)).toEqual(['throw-away password of a disposable test cluster']);
  });
});

describe('AIF-CHT-1 pinned chart versions', () => {
  test('compliant: an exact version', () => {
    expect(findings('AIF-CHT-1', (s, t) => release(s, t, { version: 'v26.7.0' }))).toEqual([]);
  });

  test.each([[undefined], ['^1.2.0'], ['1.x'], ['>=1.0.0']])('non-compliant: version %p', (version) => {
    const result = findings('AIF-CHT-1', (s, t) => release(s, t, { version }));
    expect(result.map((f) => f.details)).toEqual([[`chart demo has version ${JSON.stringify(version ?? null)}`]]);
  });

  test('suppressed', () => {
    const result = findings('AIF-CHT-1', (s, t) => suppressPolicy(release(s, t, {}), 'AIF-CHT-1', 'the version is pinned by the site mirror instead'));
    expect(result[0].suppressedBecause).toBe('the version is pinned by the site mirror instead');
  });
});

describe('AIF-IMG-1 no latest images', () => {
  test('compliant: pinned tags in values and containers', () => {
    expect(
      findings('AIF-IMG-1', (s, t) => {
        release(s, t, { version: '1.0.0', values: { image: { repository: 'ghcr.io/x/y', tag: '1.2.3' } } });
        new DeploymentV1(s, 'App', {
          provider: t.kubernetes,
          metadata: { name: 'app' },
          spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { container: [{ name: 'c', image: 'ghcr.io/x/y:1.2.3' }] } } },
        });
      }),
    ).toEqual([]);
  });

  test('non-compliant: latest in values, an untagged container image', () => {
    const result = findings('AIF-IMG-1', (s, t) => {
      release(s, t, { version: '1.0.0', values: { singleuser: { image: { name: 'quay.io/jupyter/base', tag: 'latest' } } } });
      new DeploymentV1(s, 'App', {
        provider: t.kubernetes,
        metadata: { name: 'app' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { container: [{ name: 'c', image: 'ghcr.io/x/y' }] } } },
      });
    });
    expect(result.map((f) => f.details)).toEqual([
      ['values[0].singleuser.image.name is quay.io/jupyter/base:latest'],
      ['spec.template.spec.container.0.image is ghcr.io/x/y:(no tag, so latest)'],
    ]);
  });

  test('suppressed', () => {
    const result = findings('AIF-IMG-1', (s, t) => {
      const r = release(s, t, { version: '1.0.0', values: { image: { repository: 'ghcr.io/x/y', tag: 'latest' } } });
      suppressPolicy(r, 'AIF-IMG-1', 'nightly test deployment follows the latest build on purpose');
    });
    expect(result[0].suppressedBecause).toMatch(/nightly/);
  });
});

describe('AIF-MIR-1 mirrored artifacts', () => {
  const mirror = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts' };

  test('not applicable without a mirror', () => {
    expect(findings('AIF-MIR-1', (s, t) => release(s, t, { version: '1.0.0', values: { image: { repository: 'docker.io/x/y', tag: '1' } } }))).toEqual([]);
  });

  test('compliant: chart and images from the mirror', () => {
    expect(
      findings(
        'AIF-MIR-1',
        (s, t) =>
          release(s, t, {
            version: '1.0.0',
            repository: mirror.chartRepository,
            values: { image: { repository: 'registry.site.eu/mirror/docker.io/x/y', tag: '1' }, kps: { image: { registry: 'registry.site.eu/mirror/quay.io', repository: 'prometheus/prometheus', tag: 'v3' } } },
          }),
        mirror,
      ),
    ).toEqual([]);
  });

  test('non-compliant: upstream chart repository and upstream image', () => {
    const result = findings('AIF-MIR-1', (s, t) => release(s, t, { version: '1.0.0', values: { image: { repository: 'nvcr.io/nvidia/gpu-operator', tag: 'v1' } } }), mirror);
    expect(result[0].details).toEqual(['chart demo comes from https://charts.example.org', 'values[0].image.repository is nvcr.io/nvidia/gpu-operator']);
  });

  test('suppressed', () => {
    const result = findings('AIF-MIR-1', (s, t) => suppressPolicy(release(s, t, { version: '1.0.0' }), 'AIF-MIR-1', 'this chart is served by the site proxy cache'), mirror);
    expect(result[0].suppressedBecause).toBe('this chart is served by the site proxy cache');
  });
});

describe('AIF-STO-1 retained storage', () => {
  const storageClass = (s: TerraformStack, t: ClusterTarget, role: string, reclaimPolicy?: string) =>
    new StorageClassV1(s, `Class-${role}`, { provider: t.kubernetes, metadata: { name: `aif-${role}`, labels: { [STORAGE_ROLE_LABEL]: role } }, storageProvisioner: 'x.csi', reclaimPolicy });

  test('compliant: project and home retain; scratch may delete', () => {
    expect(
      findings('AIF-STO-1', (s, t) => {
        storageClass(s, t, 'project', 'Retain');
        storageClass(s, t, 'home', 'Retain');
        storageClass(s, t, 'scratch', 'Delete');
      }),
    ).toEqual([]);
  });

  test('non-compliant: a project class that deletes, a home class with the Delete default', () => {
    const result = findings('AIF-STO-1', (s, t) => {
      storageClass(s, t, 'project', 'Delete');
      storageClass(s, t, 'home');
    });
    expect(result.map((f) => f.details)).toEqual([['storage class aif-project (role project) has reclaim policy Delete'], ['storage class aif-home (role home) has reclaim policy Delete']]);
  });

  test('suppressed', () => {
    const result = findings('AIF-STO-1', (s, t) => suppressPolicy(storageClass(s, t, 'home', 'Delete'), 'AIF-STO-1', 'home is backed up nightly to tape'));
    expect(result[0].suppressedBecause).toBe('home is backed up nightly to tape');
  });
});

describe('suppressions', () => {
  test('need a known rule id and a real reason', () => {
    const { stack } = newStack();
    expect(() => suppressPolicy(stack, 'AIF-XXX-9', 'a good enough reason')).toThrow(/unknown rule id AIF-XXX-9; use one of AIF-TEN-1/);
    expect(() => suppressPolicy(stack, 'AIF-TEN-1', 'because')).toThrow(/the reason "because" is too short/);
  });

  test('unsuppressed errors become error annotations, which stop a synth', () => {
    const { stack, target } = newStack();
    const acme = tenant(stack, target);
    acme.node.tryRemoveChild('Quota');
    new ConfigMapV1(stack, 'Unrelated', { provider: target.kubernetes, metadata: { name: 'x' } });
    const pack = new PolicyPack();
    pack.visit(stack);
    const annotations = acme.namespace.node
      .findChild('Namespace')
      .node.metadata.filter((m) => m.type.startsWith('@cdktf/'))
      .map((m) => [m.type, m.data]);
    expect(annotations).toEqual([['@cdktf/error', expect.stringMatching(/^\[AIF-TEN-2\] The tenant namespace has no ResourceQuota\. namespace tenant-acme has no ResourceQuota$/)]]);
    expect(() => (stack.node.root as App).synth()).toThrow(/AIF-TEN-2/);
  });

  test('suppressed findings become warnings with their reason', () => {
    const { stack, target } = newStack();
    const acme = tenant(stack, target);
    acme.node.tryRemoveChild('Quota');
    suppressPolicy(acme, 'AIF-TEN-2', 'quota is managed by the site admission controller');
    new PolicyPack().visit(stack);
    const annotations = acme.namespace.node
      .findChild('Namespace')
      .node.metadata.filter((m) => m.type.startsWith('@cdktf/'))
      .map((m) => [m.type, m.data]);
    expect(annotations).toEqual([['@cdktf/warn', expect.stringMatching(/\[AIF-TEN-2\].*\(suppressed: quota is managed by the site admission controller\)$/)]]);
  });
});
