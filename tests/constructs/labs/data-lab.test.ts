import type { TerraformStack } from 'cdktf';
import { ArgoWorkflowsCrds } from '../../../constructs/labs/argo-workflows-crds';
import { CephCluster } from '../../../constructs/storage/ceph-cluster';
import { DATA_LAB_PORTS, DataLab, SENSITIVE_LABEL, type DataLabProps } from '../../../constructs/labs/data-lab';
import type { ClusterTarget } from '../../../constructs/core/cluster-target';
import { GpuNodePool, type GpuNodePoolProps } from '../../../constructs/gpu/gpu-node-pool';
import { ISOLATION_LABEL, PRIVATE_RANGES } from '../../../constructs/tenancy/isolated-namespace';
import { LabDatabase, POSTGRES_IMAGE } from '../../../constructs/labs/lab-database';
import { DATA_LAB_LABEL } from '../../../constructs/core/labels';
import { PolicyPack } from '../../../constructs/policies/pack';
import { StorageTier } from '../../../constructs/storage/storage-tier';
import { Tenant } from '../../../constructs/tenancy/tenant';
import { builtOnce, H100_POOL, resourceCounts, resources, synthJson, type SynthJson } from '../../helpers';
import { unknownChartKeys, unknownTopLevelKeys } from '../charts/chart-keys';
import { at, meta, newStack, releases, valuesOf, type Release } from '../storage/storage-fixtures';

const MIRROR = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts', pullSecretName: 'mirror-pull' };
const H100 = H100_POOL;
const MIG: Omit<GpuNodePoolProps, 'target'> = { ...H100, poolName: 'h100-mig', sharing: { mode: 'mig', profile: '1g.10gb' } };

interface LabOptions {
  readonly pools?: readonly Omit<GpuNodePoolProps, 'target'>[];
  /** Owning tenants; `beta` always exists and never owns the lab. */
  readonly owners?: readonly string[];
  readonly props?: Partial<DataLabProps>;
  readonly withLab?: boolean;
  readonly volumeTier?: boolean;
}

interface LabFixture {
  readonly stack: TerraformStack;
  readonly target: ClusterTarget;
  readonly lab?: DataLab;
  readonly pools: GpuNodePool[];
  readonly tenants: Record<string, Tenant>;
  readonly json: SynthJson;
}

/** A stack with GPU pools, tenants acme and beta, a Ceph object tier, an NFS home tier and (by default) a lab owned by acme. */
function labFixture(options: LabOptions = {}): LabFixture {
  const { stack, target } = newStack();
  const pools = (options.pools ?? [H100]).map((p) => new GpuNodePool(stack, `Pool-${p.poolName}`, { ...p, target }));
  const tenants = Object.fromEntries(
    ['acme', 'beta'].map((name) => [
      name,
      new Tenant(stack, `Tenant-${name}`, {
        target,
        siteId: 'xx-test',
        tenantName: name,
        kind: 'startup',
        groups: { admins: [`${name}-admins`], members: [`${name}-ml`], viewers: [] },
      }),
    ]),
  );
  const ceph = new CephCluster(stack, 'Ceph', { target });
  const objectTier = new StorageTier(stack, 'Object', {
    target,
    siteId: 'xx-test',
    tierName: 'object',
    role: 'object',
    capacityTiB: 100,
    backend: { type: 'rook-ceph', cluster: ceph, service: 'object' },
  });
  const home = new StorageTier(stack, 'Home', {
    target,
    siteId: 'xx-test',
    tierName: 'home',
    role: 'home',
    capacityTiB: 10,
    backend: { type: 'nfs', server: 'nfs.example.eu', share: '/export/home' },
  });
  const owners = options.owners ?? ['acme'];
  const lab =
    options.withLab === false
      ? undefined
      : new DataLab(stack, 'Lab', {
          target,
          siteId: 'xx-test',
          labName: 'demo',
          tenants: owners.map((o) => tenants[o]),
          groups: { admins: owners.map((o) => `${o}-admins`), members: owners.map((o) => `${o}-ml`), viewers: [] },
          pools,
          objectTier,
          volumeTier: options.volumeTier === false ? undefined : home,
          oidc: { issuerUrl: 'https://login.example.eu/realms/aif', clientId: 'jupyterhub', clientSecret: { name: 'jupyterhub-oidc', key: 'client-secret' } },
          ...options.props,
        });
  return { stack, target, lab, pools, tenants, json: synthJson(stack) };
}

type Policy = {
  metadata: { name: string; namespace: string };
  spec: { pod_selector: Record<string, unknown>; policy_types: string[]; ingress?: Rule[]; egress?: Rule[] };
};
type Peer = { namespace_selector?: { match_labels: Record<string, string> }; pod_selector?: unknown; ip_block?: { cidr: string; except?: string[] } };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: { port: string; protocol: string }[] };

function policiesIn(json: SynthJson, namespace: string): Policy[] {
  return resources(json, 'kubernetes_network_policy_v1')
    .map((p) => p as unknown as Policy)
    .filter((p) => p.metadata.namespace === namespace);
}

/** Where a peer points: a namespace, an isolation group or a CIDR. */
function peerName(peer: Peer): string {
  if (peer.ip_block) return `cidr:${peer.ip_block.cidr}${peer.ip_block.except ? ` except ${peer.ip_block.except.join(',')}` : ''}`;
  const labels = peer.namespace_selector?.match_labels ?? {};
  if (labels['kubernetes.io/metadata.name']) return `ns:${labels['kubernetes.io/metadata.name']}`;
  if (labels[ISOLATION_LABEL]) return `group:${labels[ISOLATION_LABEL]}`;
  return 'anything';
}

const labReleases = (json: SynthJson): Release[] => Object.values(releases(json)).filter((r) => r.namespace === 'lab-demo');
const hubValues = (json: SynthJson) => valuesOf(releases(json)['lab-demo/jupyterhub']);

/** A {@link labFixture} built once for the tests of the enclosing `describe`. */
const fixtureOnce = (options: LabOptions = {}) => builtOnce(() => labFixture(options));

describe('DataLab', () => {
  describe('a minimal lab: one tenant, one pool, Ceph buckets, an NFS home tier (defaults)', () => {
    const fixture = fixtureOnce();
    let without: SynthJson;
    beforeAll(() => {
      without = labFixture({ withLab: false }).json;
    });

    describe('namespace, quota and access', () => {
      test('exact resources of a minimal lab (one tenant, one pool, Ceph buckets)', () => {
        const { json } = fixture();
        const base = resourceCounts(without);
        const delta = Object.fromEntries(
          Object.entries(resourceCounts(json))
            .map(([type, n]): [string, number] => [type, n - (base[type] ?? 0)])
            .filter(([, n]) => n !== 0),
        );
        expect(delta).toEqual({
          kubernetes_namespace_v1: 1,
          // default-deny, isolation group, DNS, internet, from the tenant, tenant's egress to the lab,
          // object store, API server for the hub, Argo and workflow pods.
          kubernetes_network_policy_v1: 10,
          kubernetes_resource_quota_v1: 1,
          kubernetes_limit_range_v1: 1,
          kubernetes_role_v1: 3,
          kubernetes_role_binding_v1: 2,
          // The landing, curated and artifacts ObjectBucketClaims.
          kubernetes_manifest: 3,
          kubernetes_config_map_v1: 1,
          kubernetes_stateful_set_v1: 1,
          kubernetes_service_v1: 1,
          helm_release: 4,
        });
        expect(
          labReleases(json)
            .map((r) => [r.name, r.chart])
            .sort(),
        ).toEqual([
          ['argo-demo', 'argo-workflows'],
          ['jupyterhub', 'jupyterhub'],
          ['lakefs', 'lakefs'],
          ['mlflow', 'mlflow'],
        ]);
      });

      test('the namespace carries the lab label, Pod Security restricted, and passes AIF-TEN-1..3', () => {
        const { json, stack } = fixture();
        const [ns] = resources(json, 'kubernetes_namespace_v1').filter((n) => meta(n).name === 'lab-demo');
        expect(meta(ns).labels).toMatchObject({
          [DATA_LAB_LABEL]: 'demo',
          [SENSITIVE_LABEL]: 'false',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        });
        const findings = new PolicyPack().check(stack);
        expect(findings).toEqual([]);
      });

      test('the ResourceQuota caps GPUs per pool resource, CPU, memory and storage on the volume tier', () => {
        const { json } = fixture();
        const [quota] = resources(json, 'kubernetes_resource_quota_v1').filter((q) => meta(q).namespace === 'lab-demo');
        expect(at(quota, 'spec.hard')).toMatchObject({
          'requests.nvidia.com/gpu': '8',
          // 8 GPUs x 14 cores + 16 for the lab's services.
          'requests.cpu': String(8 * 14 + 16),
          'requests.memory': `${8 * 256 + 64}Gi`,
          'aif-home.storageclass.storage.k8s.io/requests.storage': '1024Gi',
          'requests.storage': '1024Gi',
          'services.loadbalancers': '0',
        });
        const [limits] = resources(json, 'kubernetes_limit_range_v1').filter((q) => meta(q).namespace === 'lab-demo');
        expect(at(limits, 'spec.limit.0.default_request')).toEqual({ cpu: '250m', memory: '512Mi' });
      });

      test("the owning tenants' groups are bound in the lab namespace", () => {
        const { json } = fixture();
        const bindings = resources(json, 'kubernetes_role_binding_v1').filter((b) => meta(b).namespace === 'lab-demo');
        expect(bindings.map((b) => [at(b, 'role_ref.kind'), at(b, 'role_ref.name'), at(b, 'subject.0.name')]).sort()).toEqual([
          ['Role', 'lab-admin', 'oidc:acme-admins'],
          ['Role', 'lab-edit', 'oidc:acme-ml'],
        ]);
        const roles = resources(json, 'kubernetes_role_v1').filter((r) => meta(r).namespace === 'lab-demo');
        expect(roles.map((r) => meta(r).name)).toEqual(['lab-admin', 'lab-edit', 'lab-view']);
      });

      test('buckets for landing, curated data and artifacts, and the Secrets the site must create', () => {
        const { lab } = fixture();
        expect(lab?.buckets.landing.bucketName).toBe('lab-demo-landing');
        expect(lab?.buckets.curated.bucketName).toBe('lab-demo-curated');
        expect(lab?.buckets.artifacts.bucketName).toBe('lab-demo-artifacts');
        expect(lab?.lakefsStorageNamespace).toBe('s3://lab-demo-curated');
        // Ceph bucket claims create their own credential Secrets.
        expect(lab?.requiredSecrets).toEqual(['jupyterhub-oidc', 'lab-database', 'lakefs-auth']);
      });

      test('every Helm value is a real key of its chart, and strict schemas accept the top-level keys', () => {
        const all = labReleases(fixture().json);
        expect(all).toHaveLength(4);
        for (const release of all) {
          const chart = release.chart === 'tenant' ? 'minio-tenant' : (release.chart as 'jupyterhub' | 'mlflow' | 'lakefs' | 'argo-workflows');
          const values = valuesOf(release);
          expect({ release: release.name, unknown: unknownChartKeys(chart, values), topLevel: unknownTopLevelKeys(chart, values) }).toEqual({
            release: release.name,
            unknown: [],
            topLevel: [],
          });
        }
      });

      test('only the owning tenants (and the lab itself) may reach the lab, on its service ports', () => {
        const { json } = fixture();
        const ingress = policiesIn(json, 'lab-demo').flatMap((p) =>
          (p.spec.ingress ?? []).map((rule) => ({ from: (rule.from ?? []).map(peerName), ports: (rule.ports ?? []).map((x) => Number(x.port)) })),
        );
        expect(ingress).toEqual(
          expect.arrayContaining([
            { from: ['group:lab-demo'], ports: [] },
            { from: ['ns:tenant-acme'], ports: [...DATA_LAB_PORTS] },
          ]),
        );
        expect(ingress).toHaveLength(2);
        // The tenant has the matching egress; the other tenant has none.
        const toLab = (tenant: string) =>
          policiesIn(json, `tenant-${tenant}`).filter((p) => (p.spec.egress ?? []).some((r) => (r.to ?? []).some((peer) => peerName(peer) === 'ns:lab-demo')));
        expect(toLab('acme').map((p) => [p.metadata.name, p.spec.egress?.[0].ports?.map((x) => Number(x.port))])).toEqual([
          ['allow-to-lab-demo', [...DATA_LAB_PORTS]],
        ]);
        expect(toLab('beta')).toEqual([]);
      });
    });

    describe('JupyterHub', () => {
      test('users sign in through OIDC; the client secret comes from an existing Secret, never the values', () => {
        const values = hubValues(fixture().json);
        expect(at(values, 'hub.config.JupyterHub.authenticator_class')).toBe('generic-oauth');
        expect(at(values, 'hub.config.GenericOAuthenticator')).toEqual({
          client_id: 'jupyterhub',
          authorize_url: 'https://login.example.eu/realms/aif/protocol/openid-connect/auth',
          token_url: 'https://login.example.eu/realms/aif/protocol/openid-connect/token',
          userdata_url: 'https://login.example.eu/realms/aif/protocol/openid-connect/userinfo',
          scope: ['openid', 'profile', 'email'],
          username_claim: 'preferred_username',
          claim_groups_key: 'groups',
          allowed_groups: ['acme-admins', 'acme-ml'],
        });
        expect(at(values, 'hub.extraEnv')).toEqual({ OAUTH_CLIENT_SECRET: { valueFrom: { secretKeyRef: { name: 'jupyterhub-oidc', key: 'client-secret' } } } });
      });

      test('notebook pods fit Pod Security restricted and keep homes on the volume tier', () => {
        const values = hubValues(fixture().json);
        expect(at(values, 'hub.config.KubeSpawner.container_security_context')).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(at(values, 'singleuser.storage')).toEqual({ type: 'dynamic', capacity: '10Gi', dynamic: { storageClass: 'aif-home' } });
        expect(at(values, 'hub.db.pvc.storageClassName')).toBe('aif-home');
        expect(at(values, 'proxy.service.type')).toBe('ClusterIP');
      });
    });

    describe('MLflow, lakeFS, Argo Workflows and the database', () => {
      test('MLflow tracks in the lab database and stores artifacts in the artifacts bucket', () => {
        const values = valuesOf(releases(fixture().json)['lab-demo/mlflow']);
        expect(at(values, 'backendStore')).toEqual({
          databaseMigration: false,
          postgres: { enabled: true, host: 'postgres.lab-demo.svc', port: 5432, database: 'mlflow' },
          existingDatabaseSecret: { name: 'lab-database' },
        });
        expect(at(values, 'artifactRoot')).toEqual({
          proxiedArtifactStorage: true,
          s3: { enabled: true, bucket: 'lab-demo-artifacts', path: 'mlflow', existingSecret: { name: 'artifacts' } },
        });
        expect(at(values, 'extraEnvVars')).toEqual({ MLFLOW_S3_ENDPOINT_URL: 'http://rook-ceph-rgw-aif-object.rook-ceph.svc:80' });
      });

      test('lakeFS keeps metadata in the lab database and data in the curated bucket, with credentials from Secrets', () => {
        const values = valuesOf(releases(fixture().json)['lab-demo/lakefs']);
        expect(at(values, 'existingSecret')).toBe('lakefs-auth');
        expect(at(values, 'lakefsConfig')).toContain('endpoint: http://rook-ceph-rgw-aif-object.rook-ceph.svc:80');
        const env = at(values, 'extraEnvVars') as { name: string; value?: string; valueFrom?: unknown }[];
        expect(env.map((e) => [e.name, e.valueFrom ? at(e.valueFrom, 'secretKeyRef.name') : e.value])).toEqual([
          ['DB_USER', 'lab-database'],
          ['DB_PASSWORD', 'lab-database'],
          ['LAKEFS_DATABASE_POSTGRES_CONNECTION_STRING', 'postgres://$(DB_USER):$(DB_PASSWORD)@postgres.lab-demo.svc:5432/lakefs?sslmode=disable'],
          ['LAKEFS_BLOCKSTORE_S3_CREDENTIALS_ACCESS_KEY_ID', 'curated'],
          ['LAKEFS_BLOCKSTORE_S3_CREDENTIALS_SECRET_ACCESS_KEY', 'curated'],
        ]);
      });

      test('Argo Workflows is namespaced, installs no CRDs and archives to the artifacts bucket', () => {
        const release = releases(fixture().json)['lab-demo/argo-demo'];
        const values = valuesOf(release);
        expect([at(values, 'crds.install'), at(values, 'singleNamespace'), at(values, 'createAggregateRoles')]).toEqual([false, true, false]);
        expect(at(values, 'artifactRepository.s3')).toEqual({
          bucket: 'lab-demo-artifacts',
          endpoint: 'rook-ceph-rgw-aif-object.rook-ceph.svc:80',
          insecure: true,
          accessKeySecret: { name: 'artifacts', key: 'AWS_ACCESS_KEY_ID' },
          secretKeySecret: { name: 'artifacts', key: 'AWS_SECRET_ACCESS_KEY' },
        });
        expect(at(values, 'server.authModes')).toEqual(['client']);
      });

      test('workflow steps meet Pod Security restricted: pod, user-code (the controller main-container defaults) and executor containers', () => {
        const values = valuesOf(releases(fixture().json)['lab-demo/argo-demo']);
        const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
        expect(at(values, 'controller.workflowDefaults.spec.securityContext')).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        // mainContainer reaches container, script and containerSet steps; templateDefaults would miss containerSets.
        expect(at(values, 'mainContainer')).toEqual({ securityContext: restricted });
        expect(at(values, 'controller.workflowDefaults.spec.templateDefaults')).toBeUndefined();
        expect(at(values, 'executor.securityContext')).toEqual(restricted);
      });

      test('PostgreSQL runs in the namespace as non-root, from an existing Secret', () => {
        const { json } = fixture();
        const [sts] = resources(json, 'kubernetes_stateful_set_v1');
        expect(meta(sts)).toMatchObject({ name: 'postgres', namespace: 'lab-demo' });
        const container = at(sts, 'spec.template.spec.container.0') as Record<string, unknown>;
        expect(container.image).toBe(POSTGRES_IMAGE);
        expect(at(container, 'security_context')).toMatchObject({
          allow_privilege_escalation: false,
          read_only_root_filesystem: true,
          run_as_non_root: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(at(sts, 'spec.template.spec.security_context.seccomp_profile')).toEqual({ type: 'RuntimeDefault' });
        expect(at(container, 'env')).toEqual(
          expect.arrayContaining([{ name: 'POSTGRES_PASSWORD', value_from: { secret_key_ref: { name: 'lab-database', key: 'password' } } }]),
        );
        expect(at(sts, 'spec.volume_claim_template.0.spec.storage_class_name')).toBe('aif-home');
        const [init] = resources(json, 'kubernetes_config_map_v1').filter((c) => meta(c).name === 'postgres-init');
        expect(at(init, 'data')).toEqual({ '10-databases.sql': 'CREATE DATABASE lakefs;' });
      });

      test('releases wait for the namespace, its quota and its limits', () => {
        const all = labReleases(fixture().json);
        expect(all).toHaveLength(4);
        for (const release of all) {
          expect(release.depends_on?.some((d) => d.startsWith('kubernetes_limit_range_v1.'))).toBe(true);
          expect(release.depends_on?.some((d) => d.startsWith('kubernetes_resource_quota_v1.'))).toBe(true);
        }
      });
    });
  });

  describe('owned by two tenants', () => {
    const fixture = fixtureOnce({ owners: ['acme', 'beta'] });

    test('a lab owned by two tenants lets both in; allowTenant later adds a third path once', () => {
      const { stack, lab, tenants, json } = fixture();
      expect(policiesIn(json, 'lab-demo').map((p) => p.metadata.name)).toEqual(expect.arrayContaining(['allow-from-tenant-acme', 'allow-from-tenant-beta']));
      lab?.allowTenant(tenants.beta);
      expect(policiesIn(synthJson(stack), 'lab-demo').filter((p) => p.metadata.name === 'allow-from-tenant-beta')).toHaveLength(1);
    });
  });

  describe('sensitive, owned by two tenants, with a MIG pool beside the H100 pool', () => {
    const API = { cidrs: ['10.0.0.10/32', '10.0.0.11/32'], ports: [6443] };
    const fixture = fixtureOnce({ pools: [H100, MIG], owners: ['acme', 'beta'], props: { sensitive: true, gpusPerNotebook: 2, apiServer: API } });

    test('a sensitive lab has no internet egress: only DNS, itself, its object store and the API server for hub and Argo pods', () => {
      const { json, lab } = fixture();
      expect(lab?.sensitive).toBe(true);
      const egress = policiesIn(json, 'lab-demo').flatMap((p) =>
        (p.spec.egress ?? []).map((rule) => ({
          policy: p.metadata.name,
          podScoped: Object.keys(p.spec.pod_selector).length > 0,
          to: (rule.to ?? []).map(peerName),
          ports: (rule.ports ?? []).map((x) => x.port),
        })),
      );
      const whole = egress.filter((e) => !e.podScoped);
      expect(whole.map((e) => [e.policy, e.to])).toEqual(
        expect.arrayContaining([
          ['allow-isolation-group', ['group:lab-demo']],
          ['allow-dns', ['ns:kube-system']],
          ['allow-to-rook-ceph', ['ns:rook-ceph']],
        ]),
      );
      expect(whole).toHaveLength(3);
      // Address ranges only for the pods that talk to the API server: exactly its stated
      // endpoints and port, nothing wider; workflow pods (user code) not at all.
      const scoped = egress.filter((x) => x.podScoped);
      expect(scoped.map((e) => e.policy).sort()).toEqual(['allow-argo-api-server', 'allow-hub-control-plane']);
      for (const e of scoped) {
        expect(e.to).toEqual(['cidr:10.0.0.10/32', 'cidr:10.0.0.11/32']);
        expect(e.ports).toEqual(['6443']);
      }
      expect(lab?.workflowApiAccess).toBe(false);
      expect(JSON.stringify(policiesIn(json, 'lab-demo'))).not.toContain('0.0.0.0/0');
    });

    test('a sensitive lab without the API server endpoints is refused; a non-sensitive one never opens link-local', () => {
      expect(() => labFixture({ props: { sensitive: true } })).toThrow(
        "apiServer: a sensitive lab reaches the API server only at its stated endpoints; pass the cluster's API server addresses",
      );
      const { json } = labFixture({ props: { sensitive: false } });
      const cidrs = policiesIn(json, 'lab-demo')
        .filter((p) => p.metadata.name.endsWith('api-server') || p.metadata.name.endsWith('control-plane'))
        .flatMap((p) => (p.spec.egress ?? []).flatMap((r) => (r.to ?? []).map(peerName)));
      expect(cidrs).not.toContain('cidr:169.254.0.0/16');
      expect(new Set(cidrs)).toEqual(new Set(PRIVATE_RANGES.filter((r) => r !== '169.254.0.0/16').map((r) => `cidr:${r}`)));
    });

    test('workflow pods reach the API server only when the lab allows it', () => {
      const { json } = labFixture({ props: { sensitive: true, apiServer: API, workflowApiAccess: true } });
      const workflows = policiesIn(json, 'lab-demo').find((p) => p.metadata.name === 'allow-workflows-api-server');
      expect(workflows?.spec.egress?.map((r) => [(r.to ?? []).map(peerName), (r.ports ?? []).map((x) => x.port)])).toEqual([
        [['cidr:10.0.0.10/32', 'cidr:10.0.0.11/32'], ['6443']],
      ]);
    });

    test('the chart NetworkPolicies of JupyterHub are disabled and closed in a sensitive lab (policies add up)', () => {
      const values = hubValues(fixture().json);
      for (const path of ['hub', 'proxy.chp', 'proxy.traefik', 'singleuser']) {
        expect({ path, policy: at(values, `${path}.networkPolicy`) }).toEqual({
          path,
          policy: {
            enabled: false,
            egressAllowRules: {
              cloudMetadataServer: false,
              dnsPortsCloudMetadataServer: false,
              dnsPortsKubeSystemNamespace: true,
              dnsPortsPrivateIPs: false,
              nonPrivateIPs: false,
              privateIPs: false,
            },
          },
        });
      }
      // The privileged iptables init container would break Pod Security restricted.
      expect(at(values, 'singleuser.cloudMetadata.blockWithIptables')).toBe(false);
    });

    test("one profile per pool, with the pool's node selector, tolerations and extended resource", () => {
      const { json, pools } = fixture();
      const profiles = at(hubValues(json), 'singleuser.profileList') as Record<string, unknown>[];
      expect(profiles.map((p) => p.slug)).toEqual(pools.map((p) => p.poolName));
      profiles.forEach((profile, i) => {
        const pool = pools[i];
        expect(at(profile, 'kubespawner_override.node_selector')).toEqual(pool.nodeSelectorFor('kubernetes'));
        expect(at(profile, 'kubespawner_override.tolerations')).toEqual(pool.tolerations);
        expect(at(profile, 'kubespawner_override.extra_resource_limits')).toEqual({ [pool.resourceName]: '2' });
        expect(at(profile, 'kubespawner_override.extra_resource_guarantees')).toEqual({ [pool.resourceName]: '2' });
        expect(profile.default).toBe(i === 0);
      });
      expect(pools.map((p) => p.resourceName)).toEqual(['nvidia.com/gpu', 'nvidia.com/mig-1g.10gb']);
      const [quota] = resources(json, 'kubernetes_resource_quota_v1').filter((q) => meta(q).namespace === 'lab-demo');
      expect(at(quota, 'spec.hard')).toMatchObject({ 'requests.nvidia.com/gpu': '8', 'requests.nvidia.com/mig-1g.10gb': '8' });
    });

    test('no plaintext credential anywhere: AIF-SEC-1 finds nothing, and the JSON holds no obvious secret', () => {
      const { stack, json } = fixture();
      expect(new PolicyPack().check(stack).filter((f) => f.ruleId === 'AIF-SEC-1')).toEqual([]);
      const text = JSON.stringify(json);
      for (const pattern of [
        /minio123/,
        /AKIA[0-9A-Z]{16}/,
        /-----BEGIN/,
        /client_secret/,
        /awsSecretAccessKey/,
        /secretKey: /,
        /password: \S/i,
        /connectionString: /,
      ]) {
        expect({ pattern: String(pattern), found: pattern.test(text) }).toEqual({ pattern: String(pattern), found: false });
      }
    });
  });

  describe('sector healthcare', () => {
    const fixture = fixtureOnce({ props: { sector: 'healthcare', apiServer: { cidrs: ['10.0.0.10/32'], ports: [6443] } } });

    test('a healthcare lab is sensitive by default: no internet egress', () => {
      const { lab, json } = fixture();
      expect(lab?.sensitive).toBe(true);
      expect(policiesIn(json, 'lab-demo').map((p) => p.metadata.name)).not.toContain('allow-internet-egress');
    });
  });

  describe('sector healthcare with sensitive: false', () => {
    const fixture = fixtureOnce({ props: { sector: 'healthcare', sensitive: false } });

    test('an explicit opt-out gets internet egress', () => {
      const { lab, json } = fixture();
      expect(lab?.sensitive).toBe(false);
      expect(policiesIn(json, 'lab-demo').map((p) => p.metadata.name)).toContain('allow-internet-egress');
      expect(at(hubValues(json), 'singleuser.networkPolicy.egressAllowRules.nonPrivateIPs')).toBe(true);
    });
  });

  describe('props', () => {
    const oidc = {
      issuerUrl: 'https://idp.example.eu',
      authorizeUrl: 'https://idp.example.eu/a',
      tokenUrl: 'https://idp.example.eu/t',
      userinfoUrl: 'https://idp.example.eu/u',
      clientId: 'jh',
      clientSecret: { name: 'jupyterhub-oidc', key: 'client-secret' },
      issuerCidrs: ['192.0.2.0/24'],
    };
    const fixture = fixtureOnce({
      props: {
        trustedSources: ['monitoring'],
        apiServer: { cidrs: ['10.1.0.10/32'], ports: [443, 6443] },
        oidc,
        gpusPerPool: 16,
        volumeQuotaTiB: 2,
        notebookImage: { name: 'quay.io/jupyter/pytorch-notebook', tag: 'cuda12-2025-08-18' },
        notebookVolumeGiB: 50,
        databaseSecret: 'pg',
        lakefsSecret: 'lk',
        groupPrefix: 'idp:',
      },
    });

    test('trustedSources such as monitoring may reach the lab', () => {
      expect(policiesIn(fixture().json, 'lab-demo').map((p) => p.metadata.name)).toContain('allow-from-monitoring');
    });

    test('apiServer and the issuer ranges narrow the control-plane egress', () => {
      const hub = policiesIn(fixture().json, 'lab-demo').find((p) => p.metadata.name === 'allow-hub-control-plane');
      expect(hub?.spec.pod_selector).toEqual({ match_labels: { component: 'hub' } });
      expect(hub?.spec.egress?.map((r) => [(r.to ?? []).map(peerName), (r.ports ?? []).map((x) => x.port)])).toEqual([
        [['cidr:10.1.0.10/32'], ['443', '6443']],
        [['cidr:192.0.2.0/24'], ['443']],
      ]);
    });

    test('explicit OIDC endpoints replace the Keycloak defaults', () => {
      const auth = at(hubValues(fixture().json), 'hub.config.GenericOAuthenticator');
      expect(auth).toMatchObject({
        client_id: 'jh',
        authorize_url: 'https://idp.example.eu/a',
        token_url: 'https://idp.example.eu/t',
        userdata_url: 'https://idp.example.eu/u',
      });
    });

    test('gpusPerPool and volumeQuotaTiB size the ResourceQuota', () => {
      const [quota] = resources(fixture().json, 'kubernetes_resource_quota_v1').filter((q) => meta(q).namespace === 'lab-demo');
      expect(at(quota, 'spec.hard')).toMatchObject({
        'requests.nvidia.com/gpu': '16',
        'requests.storage': '2048Gi',
        'aif-home.storageclass.storage.k8s.io/requests.storage': '2048Gi',
      });
    });

    test('notebookImage and notebookVolumeGiB set the notebooks', () => {
      const values = hubValues(fixture().json);
      expect(at(values, 'singleuser.image')).toEqual({ name: 'quay.io/jupyter/pytorch-notebook', tag: 'cuda12-2025-08-18' });
      expect(at(values, 'singleuser.storage.capacity')).toBe('50Gi');
    });

    test('databaseSecret and lakefsSecret name the existing Secrets everywhere', () => {
      const { json, lab } = fixture();
      const r = releases(json);
      expect(at(valuesOf(r['lab-demo/mlflow']), 'backendStore.existingDatabaseSecret')).toEqual({ name: 'pg' });
      expect(at(valuesOf(r['lab-demo/lakefs']), 'existingSecret')).toBe('lk');
      expect(at(valuesOf(r['lab-demo/lakefs']), 'extraEnvVars.0.valueFrom.secretKeyRef.name')).toBe('pg');
      expect(lab?.requiredSecrets).toEqual(['jupyterhub-oidc', 'pg', 'lk']);
    });

    test('groupPrefix prefixes the RoleBinding subjects but not the JupyterHub groups', () => {
      const { json } = fixture();
      const subjects = resources(json, 'kubernetes_role_binding_v1')
        .filter((b) => meta(b).namespace === 'lab-demo')
        .map((b) => at(b, 'subject.0.name'));
      expect(subjects.sort()).toEqual(['idp:acme-admins', 'idp:acme-ml']);
      expect(at(hubValues(json), 'hub.config.GenericOAuthenticator.allowed_groups')).toEqual(['acme-admins', 'acme-ml']);
    });
  });

  describe('without a volume tier', () => {
    const fixture = fixtureOnce({ volumeTier: false });

    test('the quota caps total storage only, on the default StorageClass', () => {
      const [quota] = resources(fixture().json, 'kubernetes_resource_quota_v1').filter((q) => meta(q).namespace === 'lab-demo');
      expect(Object.keys(at(quota, 'spec.hard') as object).filter((k) => k.includes('storageclass'))).toEqual([]);
      expect((at(quota, 'spec.hard') as Record<string, string>)['requests.storage']).toBe('1024Gi');
    });

    test('notebook homes use the default StorageClass', () => {
      expect(at(hubValues(fixture().json), 'singleuser.storage.dynamic')).toEqual({});
    });
  });

  describe('on a MinIO tier', () => {
    let lab: DataLab;
    let json: SynthJson;
    beforeAll(() => {
      const { stack, target } = newStack();
      const pool = new GpuNodePool(stack, 'Pool', { ...H100, target });
      const tenant = new Tenant(stack, 'Tenant', {
        target,
        siteId: 'xx-test',
        tenantName: 'acme',
        kind: 'startup',
        groups: { admins: ['a'], members: [], viewers: [] },
      });
      const objectTier = new StorageTier(stack, 'Object', {
        target,
        siteId: 'xx-test',
        tierName: 'object',
        role: 'object',
        capacityTiB: 10,
        backend: { type: 'minio', servers: 4, volumesPerServer: 4 },
      });
      lab = new DataLab(stack, 'Lab', {
        target,
        siteId: 'xx-test',
        labName: 'demo',
        tenants: [tenant],
        groups: { admins: ['a'], members: [], viewers: [] },
        pools: [pool],
        objectTier,
        oidc: { issuerUrl: 'https://idp.example.eu', clientId: 'jh', clientSecret: { name: 'oidc', key: 'secret' } },
      });
      json = synthJson(stack);
    });

    test('a lab on a MinIO tier also needs the bucket-credentials Secret', () => {
      expect(lab.requiredSecrets).toEqual(['oidc', 'lab-database', 'lakefs-auth', 'object-credentials']);
    });

    test('its buckets reach the MinIO tenant, and the lab may reach MinIO on its pod port', () => {
      expect(at(valuesOf(releases(json)['minio-object/minio-object']), 'tenant.buckets')).toEqual([
        { name: 'lab-demo-landing' },
        { name: 'lab-demo-curated' },
        { name: 'lab-demo-artifacts' },
      ]);
      expect(policiesIn(json, 'lab-demo').find((p) => p.metadata.name === 'allow-to-minio-object')?.spec.egress?.[0].ports).toEqual([
        { port: '9000', protocol: 'TCP' },
      ]);
      expect(at(valuesOf(releases(json)['lab-demo/mlflow']), 'extraEnvVars')).toEqual({ MLFLOW_S3_ENDPOINT_URL: 'http://minio.minio-object.svc:80' });
    });
  });

  describe('mirrored installs', () => {
    const fixture = fixtureOnce({ props: { mirror: MIRROR } });

    test('charts, chart images and the database image come from the mirror', () => {
      const { stack, json } = fixture();
      for (const release of labReleases(json)) expect([release.name, release.repository]).toEqual([release.name, MIRROR.chartRepository]);
      const [sts] = resources(json, 'kubernetes_stateful_set_v1');
      expect(at(sts, 'spec.template.spec.container.0.image')).toBe('registry.site.eu/mirror/docker.io/library/postgres:17.6');
      expect(at(sts, 'spec.template.spec.image_pull_secrets')).toEqual([{ name: 'mirror-pull' }]);
      const lab = labReleases(json);
      expect(lab).toHaveLength(4);
      expect(at(valuesOf(lab.find((x) => x.name === 'jupyterhub')), 'hub.image.name')).toBe('registry.site.eu/mirror/quay.io/jupyterhub/k8s-hub');
      for (const release of lab) {
        const chart = release.chart as 'jupyterhub' | 'mlflow' | 'lakefs' | 'argo-workflows';
        expect(unknownChartKeys(chart, valuesOf(release))).toEqual([]);
      }
      const findings = new PolicyPack({ imageRegistry: MIRROR.imageRegistry, chartRepository: MIRROR.chartRepository }).check(stack);
      const inLab = findings.filter((f) => f.ruleId === 'AIF-MIR-1' && f.path.includes('/Lab/'));
      expect(inLab).toEqual([]);
    });
  });

  describe('validation', () => {
    test('every problem is reported at once, with the value and the fix', () => {
      const { stack, target } = newStack();
      const pool = new GpuNodePool(stack, 'Pool', { ...H100, target: { ...target, name: 'other' } });
      const home = new StorageTier(stack, 'Home', {
        target,
        siteId: 'xx-test',
        tierName: 'home',
        role: 'home',
        capacityTiB: 10,
        backend: { type: 'nfs', server: 'nfs', share: '/home' },
      });
      expect(
        () =>
          new DataLab(stack, 'Lab', {
            target,
            siteId: 'xx-test',
            labName: 'Demo',
            tenants: [],
            groups: { admins: [], members: [], viewers: [] },
            pools: [pool],
            gpusPerNotebook: 4,
            gpusPerPool: 2,
            objectTier: home,
            oidc: { issuerUrl: 'http://idp', clientId: 'x', clientSecret: { name: 's', key: 'k' } },
          }),
      ).toThrow(
        [
          'DataLab Demo (test/Lab):',
          '  labName: must be lower-case letters, digits and "-", starting with a letter, at most 32 characters, got "Demo"',
          '  tenants: is empty, so nobody could reach the lab; pass the owning tenants',
          "  pools: pool h100 is in cluster other, but the lab is in cluster main; use pools of the lab's cluster",
          '  gpusPerPool: must be a whole number >= gpusPerNotebook (4), got 2',
          '  objectTier: tier home has role home; pass an object tier',
          '  oidc.issuerUrl: must be an https:// URL, got "http://idp"',
          "  groups: has no admins or members, so nobody could sign in to JupyterHub; pass the tenants' OIDC groups",
        ].join('\n'),
      );
    });

    test('gpusPerPool must fit the pool', () => {
      expect(() => labFixture({ props: { gpusPerPool: 64 } })).toThrow(
        'gpusPerPool: 64 exceeds the 32 units on the Kubernetes-owned nodes of pool h100; lower it, or give Kubernetes more of the pool',
      );
    });

    test("volumeQuotaTiB must hold the lab's own volumes, as the site-file rule says", () => {
      expect(() => labFixture({ props: { volumeQuotaTiB: 0.04 } })).toThrow(
        "volumeQuotaTiB: is less than the lab's own volumes: its database (50 GiB) and JupyterHub's (1 GiB) claim 51 GiB",
      );
      expect(() => labFixture({ props: { volumeQuotaTiB: 51 / 1024 } })).not.toThrow();
    });
  });

  describe('LabDatabase validation', () => {
    test('database names and volume size are checked', () => {
      const { stack, target } = newStack();
      expect(() => new LabDatabase(stack, 'Db', { target, namespace: 'x', labels: {}, credentialsSecret: 's', databases: ['ML-flow'], storageGiB: 0 })).toThrow(
        'databases: "ML-flow" is not a plain PostgreSQL identifier; use lower-case letters, digits and _; storageGiB: must be a whole number >= 1, got 0',
      );
    });
  });
});

describe('ArgoWorkflowsCrds', () => {
  let json: SynthJson;
  beforeAll(() => {
    const { stack, target } = newStack();
    new ArgoWorkflowsCrds(stack, 'Argo', { target, siteId: 'xx-test' });
    json = synthJson(stack);
  });

  test('one release owns the CRDs and the aggregated roles, and runs no controller or server', () => {
    expect(resourceCounts(json)).toEqual({ helm_release: 1, kubernetes_namespace_v1: 1 });
    const values = valuesOf(releases(json)['argo/argo-workflows']);
    expect(values).toEqual({
      crds: { install: true, keep: true, full: false },
      createAggregateRoles: true,
      singleNamespace: true,
      controller: { replicas: 0, clusterWorkflowTemplates: { enabled: false } },
      server: { enabled: false, clusterWorkflowTemplates: { enabled: false } },
      workflow: { rbac: { create: false } },
    });
    expect(unknownChartKeys('argo-workflows', values)).toEqual([]);
  });
});
