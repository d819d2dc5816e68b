import { Release } from '@cdktf/provider-helm/lib/release';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { builtInKindScope, type JsonObject, type KubernetesObject, StackConversionError, type StackObjects, stackObjects } from '../../rehearsal/manifests';
import { KIND_MAPPINGS } from '../../rehearsal/manifests/kinds';
import { loadCatalogue } from '../../site-model/loader';
import { catalogueSynth } from '../catalogue-synth';
import { builtOnce, resources, SITES_DIR, synthJson, testStack, thrownBy, type SynthJson } from '../helpers';

/** The one object of `kind` named `name` (in `namespace`, if given). */
function objectNamed(result: StackObjects, kind: string, name: string, namespace?: string): KubernetesObject {
  const found = result.manifests.filter(
    (m) => m.manifest.kind === kind && m.manifest.metadata.name === name && (namespace === undefined || m.manifest.metadata.namespace === namespace),
  );
  if (found.length !== 1) throw new Error(`expected one ${kind} named ${name}, found ${found.length}`);
  return found[0].manifest;
}

/** The problems a conversion throws, one per line. */
function problemsOf(json: unknown, stack = 'xx-test'): readonly string[] {
  try {
    stackObjects(json, stack);
  } catch (e) {
    if (e instanceof StackConversionError) return e.problems;
    throw e;
  }
  throw new Error('expected the conversion to fail');
}

/** A stack of raw Terraform JSON resources, for what the typed constructs cannot write. */
const rawStack = (resource: Record<string, Record<string, JsonObject>>) => ({ resource });

const SITE_LABELS = { 'ai-factory.eu/site': 'xx-test', 'app.kubernetes.io/managed-by': 'ai-factory-cdk' };

describe('stackObjects: one mapping per typed resource', () => {
  // One stack with one resource (or a few) of every mapped type, the fields the project uses,
  // written with the provider's typed constructs so that Terraform names come from its schema.
  const built = builtOnce(() => {
    const { stack, target } = testStack();
    const kubernetes = target.kubernetes;
    const ns = new NamespaceV1(stack, 'Namespace', {
      provider: kubernetes,
      metadata: {
        name: 'lab-a',
        labels: { ...SITE_LABELS, 'pod-security.kubernetes.io/enforce': 'restricted' },
        annotations: { 'ai-factory.eu/owner': 'acme' },
      },
      waitForDefaultServiceAccount: true,
    });
    const namespace = ns.metadata.name;
    new ConfigMapV1(stack, 'ConfigMap', {
      provider: kubernetes,
      metadata: { name: 'pool-h100', namespace, labels: SITE_LABELS },
      data: { 'pool.json': '{"nodes":4}', '10-databases.sql': '' },
      binaryData: { 'blob.bin': 'AAEC' },
      immutable: true,
    });
    new LimitRangeV1(stack, 'LimitRange', {
      provider: kubernetes,
      metadata: { name: 'lab-defaults', namespace },
      spec: {
        limit: [
          {
            type: 'Container',
            default: { cpu: '2', memory: '4Gi' },
            defaultRequest: { cpu: '250m', memory: '512Mi' },
            max: { 'nvidia.com/gpu': '8' },
            min: { cpu: '10m' },
            maxLimitRequestRatio: { cpu: '10' },
          },
          { type: 'PersistentVolumeClaim', max: { storage: '1Ti' } },
        ],
      },
    });
    new ResourceQuotaV1(stack, 'Quota', {
      provider: kubernetes,
      metadata: { name: 'lab-quota', namespace },
      spec: {
        hard: { 'requests.nvidia.com/gpu': '8', 'count/jobs.batch': '500', 'aif-home.storageclass.storage.k8s.io/requests.storage': '1024Gi', pods: '200' },
        scopes: ['NotTerminating'],
        scopeSelector: { matchExpression: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] },
      },
    });
    new NetworkPolicyV1(stack, 'DefaultDeny', {
      provider: kubernetes,
      metadata: { name: 'default-deny', namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new NetworkPolicyV1(stack, 'Allow', {
      provider: kubernetes,
      metadata: { name: 'allow', namespace },
      spec: {
        podSelector: { matchExpressions: [{ key: 'workflows.argoproj.io/workflow', operator: 'Exists' }] },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
            ports: [{ port: '8000', protocol: 'TCP' }, { port: 'http' }],
          },
        ],
        egress: [
          {
            to: [
              { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16'] } },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
            ],
            ports: [
              { port: '53', protocol: 'UDP' },
              { port: '30000', endPort: 32767 },
            ],
          },
        ],
      },
    });
    new NetworkPolicyV1(stack, 'AllowAllIngress', {
      provider: kubernetes,
      metadata: { name: 'allow-all-ingress', namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
    });
    new RoleBindingV1(stack, 'RoleBinding', {
      provider: kubernetes,
      metadata: { name: 'lab-edit', namespace, labels: SITE_LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subject: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:acme-editors' },
        { apiGroup: '', kind: 'ServiceAccount', name: 'runner', namespace: 'lab-a' },
      ],
    });
    new RoleV1(stack, 'Role', {
      provider: kubernetes,
      metadata: { name: 'lab-edit', namespace, labels: SITE_LABELS },
      rule: [
        { apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create'] },
        { apiGroups: ['apps', 'batch'], resources: ['deployments', 'jobs'], resourceNames: ['train'], verbs: ['patch'] },
      ],
    });
    new ServiceV1(stack, 'Service', {
      provider: kubernetes,
      metadata: { name: 'postgres', namespace },
      spec: {
        selector: { 'app.kubernetes.io/name': 'postgres' },
        port: [
          { name: 'postgres', port: 5432, targetPort: 'postgres' },
          { name: 'metrics', port: 9187, targetPort: '9187', protocol: 'TCP' },
        ],
        type: 'ClusterIP',
        clusterIp: 'None',
        allocateLoadBalancerNodePorts: false,
      },
      waitForLoadBalancer: false,
    });
    const podLabels = { 'app.kubernetes.io/name': 'postgres' };
    new StatefulSetV1(stack, 'StatefulSet', {
      provider: kubernetes,
      metadata: { name: 'postgres', namespace, labels: podLabels },
      waitForRollout: false,
      spec: {
        replicas: '1',
        serviceName: 'postgres',
        selector: { matchLabels: podLabels },
        template: {
          metadata: { labels: podLabels, annotations: { 'kubectl.kubernetes.io/default-container': 'postgres' } },
          spec: {
            automountServiceAccountToken: false,
            imagePullSecrets: [{ name: 'mirror-pull' }],
            nodeSelector: { 'ai-factory.eu/pool': 'services' },
            toleration: [{ key: 'ai-factory.eu/pool', operator: 'Equal', value: 'services', effect: 'NoSchedule', tolerationSeconds: '300' }],
            topologySpreadConstraint: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: [{ matchLabels: podLabels }] }],
            securityContext: { runAsNonRoot: true, runAsUser: '999', runAsGroup: '999', fsGroup: '999', seccompProfile: { type: 'RuntimeDefault' } },
            initContainer: [
              {
                name: 'init-perms',
                image: 'docker.io/library/busybox:1.37',
                command: ['sh', '-c'],
                args: ['chmod 0700 /data'],
                securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
                volumeMount: [{ name: 'data', mountPath: '/data', subPath: 'pgdata' }],
              },
            ],
            container: [
              {
                name: 'postgres',
                image: 'docker.io/library/postgres:17.6',
                imagePullPolicy: 'IfNotPresent',
                port: [{ name: 'postgres', containerPort: 5432 }],
                env: [
                  { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'lab-database', key: 'username' } } },
                  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                  { name: 'POSTGRES_DB', value: 'mlflow' },
                ],
                envFrom: [{ configMapRef: { name: 'pool-h100' }, prefix: 'POOL_' }, { secretRef: { name: 'extra', optional: true } }],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi', 'nvidia.com/gpu': '1' } },
                readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1'] }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' }, initialDelaySeconds: 30, failureThreshold: 3 },
                startupProbe: { tcpSocket: [{ port: '5432' }], periodSeconds: 5 },
                volumeMount: [
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                  { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                ],
              },
            ],
            volume: [
              { name: 'init', configMap: { name: 'postgres-init', defaultMode: '0644', items: [{ key: 'init.sql', path: 'init.sql', mode: '0400' }] } },
              { name: 'creds', secret: { secretName: 'lab-database', defaultMode: '0400' } },
              { name: 'run', emptyDir: {} },
              { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
              { name: 'shared', persistentVolumeClaim: { claimName: 'shared', readOnly: true } },
            ],
          },
        },
        volumeClaimTemplate: [
          {
            metadata: { name: 'data', labels: podLabels },
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'aif-home', resources: { requests: { storage: '50Gi' } } },
          },
        ],
      },
    });
    new StorageClassV1(stack, 'StorageClass', {
      provider: kubernetes,
      metadata: { name: 'aif-home', labels: SITE_LABELS },
      storageProvisioner: 'nfs.csi.k8s.io',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: false,
      mountOptions: ['nfsvers=4.1'],
      parameters: { server: 'nfs.example.eu', share: '/export/home' },
      allowedTopologies: { matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a'] }] },
    });
    new StorageClassV1(stack, 'DefaultsStorageClass', { provider: kubernetes, metadata: { name: 'aif-scratch' }, storageProvisioner: 'cephfs.csi.ceph.com' });
    new Manifest(stack, 'LocalQueue', {
      provider: kubernetes,
      manifest: {
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'LocalQueue',
        metadata: { name: 'default', namespace },
        spec: { clusterQueue: 'tenant-acme' },
      },
      dependsOn: [ns],
    });
    new Release(stack, 'Release', {
      provider: target.helm,
      name: 'kueue',
      chart: 'kueue',
      repository: 'oci://registry.k8s.io/kueue/charts',
      version: '0.19.2',
      namespace,
      createNamespace: false,
      values: ['controllerManager:\n  replicas: 1\n', 'metrics:\n  enabled: true\n'],
      timeout: 600,
      wait: true,
      dependsOn: [ns],
    });
    const inference = new KubernetesProvider(stack, 'Inference', { alias: 'inference' });
    new NamespaceV1(stack, 'InferenceNamespace', { provider: inference, metadata: { name: 'lab-b' } });
    const json = synthJson(stack);
    return { json, result: stackObjects(json, 'xx-test') };
  });

  test('every resource of the stack is converted, and nothing else', () => {
    const { json, result } = built();
    const kubernetes = Object.entries(json.resource).filter(([type]) => type.startsWith('kubernetes_'));
    expect(result.manifests).toHaveLength(kubernetes.reduce((n, [, byName]) => n + Object.keys(byName).length, 0));
    expect(result.manifests).toHaveLength(15);
    expect(result.helmReleases).toHaveLength(1);
    expect(result.ignored).toEqual([]);
    expect(result.stack).toBe('xx-test');
  });

  test('kubernetes_namespace_v1: metadata kept verbatim, wait_for_default_service_account not sent', () => {
    expect(objectNamed(built().result, 'Namespace', 'lab-a')).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'lab-a',
        labels: { ...SITE_LABELS, 'pod-security.kubernetes.io/enforce': 'restricted' },
        annotations: { 'ai-factory.eu/owner': 'acme' },
      },
    });
  });

  test('kubernetes_config_map_v1: data keys verbatim, an empty value kept, the namespace reference resolved', () => {
    expect(objectNamed(built().result, 'ConfigMap', 'pool-h100')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'pool-h100', namespace: 'lab-a', labels: SITE_LABELS },
      data: { 'pool.json': '{"nodes":4}', '10-databases.sql': '' },
      binaryData: { 'blob.bin': 'AAEC' },
      immutable: true,
    });
  });

  test('kubernetes_limit_range_v1: limit blocks become spec.limits, resource names verbatim', () => {
    expect(objectNamed(built().result, 'LimitRange', 'lab-defaults')).toEqual({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'lab-defaults', namespace: 'lab-a' },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '2', memory: '4Gi' },
            defaultRequest: { cpu: '250m', memory: '512Mi' },
            max: { 'nvidia.com/gpu': '8' },
            min: { cpu: '10m' },
            maxLimitRequestRatio: { cpu: '10' },
          },
          { type: 'PersistentVolumeClaim', max: { storage: '1Ti' } },
        ],
      },
    });
  });

  test('kubernetes_resource_quota_v1: hard keys verbatim, scope_selector.match_expression becomes matchExpressions', () => {
    expect(objectNamed(built().result, 'ResourceQuota', 'lab-quota')).toEqual({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'lab-quota', namespace: 'lab-a' },
      spec: {
        hard: { 'requests.nvidia.com/gpu': '8', 'count/jobs.batch': '500', 'aif-home.storageclass.storage.k8s.io/requests.storage': '1024Gi', pods: '200' },
        scopes: ['NotTerminating'],
        scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] },
      },
    });
  });

  test('kubernetes_network_policy_v1: an empty pod selector is sent, numeric ports become numbers, named ports stay strings', () => {
    const { result } = built();
    expect(objectNamed(result, 'NetworkPolicy', 'default-deny')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'lab-a' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(objectNamed(result, 'NetworkPolicy', 'allow')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow', namespace: 'lab-a' },
      spec: {
        podSelector: { matchExpressions: [{ key: 'workflows.argoproj.io/workflow', operator: 'Exists' }] },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
            ports: [{ port: 8000, protocol: 'TCP' }, { port: 'http' }],
          },
        ],
        egress: [
          {
            to: [
              { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16'] } },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
            ],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 30000, endPort: 32767 },
            ],
          },
        ],
      },
    });
  });

  test('kubernetes_network_policy_v1: an empty ingress rule (allow all) is kept, not dropped', () => {
    expect(objectNamed(built().result, 'NetworkPolicy', 'allow-all-ingress').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
  });

  test('kubernetes_role_binding_v1: role_ref, subject blocks become subjects, a subject namespace defaults to "default" as in the provider', () => {
    expect(objectNamed(built().result, 'RoleBinding', 'lab-edit')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'lab-edit', namespace: 'lab-a', labels: SITE_LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:acme-editors', namespace: 'default' },
        { kind: 'ServiceAccount', name: 'runner', namespace: 'lab-a' },
      ],
    });
  });

  test('kubernetes_role_v1: rule blocks become rules, the core group kept as an empty string', () => {
    expect(objectNamed(built().result, 'Role', 'lab-edit')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'lab-edit', namespace: 'lab-a', labels: SITE_LABELS },
      rules: [
        { apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create'] },
        { apiGroups: ['apps', 'batch'], resources: ['deployments', 'jobs'], resourceNames: ['train'], verbs: ['patch'] },
      ],
    });
  });

  test('kubernetes_service_v1: port blocks become ports, target ports parsed as int-or-string, cluster_ip becomes clusterIP, load-balancer-only fields dropped', () => {
    expect(objectNamed(built().result, 'Service', 'postgres')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'postgres', namespace: 'lab-a' },
      spec: {
        selector: { 'app.kubernetes.io/name': 'postgres' },
        ports: [
          { name: 'postgres', port: 5432, targetPort: 'postgres' },
          { name: 'metrics', port: 9187, targetPort: 9187, protocol: 'TCP' },
        ],
        type: 'ClusterIP',
        clusterIP: 'None',
      },
    });
  });

  test('kubernetes_stateful_set_v1: a full pod template and volume claim templates', () => {
    const podLabels = { 'app.kubernetes.io/name': 'postgres' };
    expect(objectNamed(built().result, 'StatefulSet', 'postgres')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'postgres', namespace: 'lab-a', labels: podLabels },
      spec: {
        replicas: 1,
        serviceName: 'postgres',
        selector: { matchLabels: podLabels },
        template: {
          metadata: { labels: podLabels, annotations: { 'kubectl.kubernetes.io/default-container': 'postgres' } },
          spec: {
            automountServiceAccountToken: false,
            imagePullSecrets: [{ name: 'mirror-pull' }],
            nodeSelector: { 'ai-factory.eu/pool': 'services' },
            tolerations: [{ key: 'ai-factory.eu/pool', operator: 'Equal', value: 'services', effect: 'NoSchedule', tolerationSeconds: 300 }],
            // max_skew and when_unsatisfiable: the provider's schema defaults, which Kubernetes requires.
            topologySpreadConstraints: [
              { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: podLabels }, maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' },
            ],
            securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
            initContainers: [
              {
                name: 'init-perms',
                image: 'docker.io/library/busybox:1.37',
                command: ['sh', '-c'],
                args: ['chmod 0700 /data'],
                // privileged and read_only_root_filesystem unset: the provider sends its schema defaults.
                securityContext: {
                  allowPrivilegeEscalation: false,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                  privileged: false,
                  readOnlyRootFilesystem: false,
                },
                volumeMounts: [{ name: 'data', mountPath: '/data', subPath: 'pgdata' }],
              },
            ],
            containers: [
              {
                name: 'postgres',
                image: 'docker.io/library/postgres:17.6',
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'postgres', containerPort: 5432 }],
                env: [
                  { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'lab-database', key: 'username' } } },
                  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                  { name: 'POSTGRES_DB', value: 'mlflow' },
                ],
                envFrom: [{ configMapRef: { name: 'pool-h100' }, prefix: 'POOL_' }, { secretRef: { name: 'extra', optional: true } }],
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                  privileged: false,
                },
                resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi', 'nvidia.com/gpu': '1' } },
                readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1'] }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' }, initialDelaySeconds: 30, failureThreshold: 3 },
                startupProbe: { tcpSocket: { port: 5432 }, periodSeconds: 5 },
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                  { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                ],
              },
            ],
            volumes: [
              // Octal modes, as the provider parses them: 0644 is 420, 0400 is 256.
              { name: 'init', configMap: { name: 'postgres-init', defaultMode: 420, items: [{ key: 'init.sql', path: 'init.sql', mode: 256 }] } },
              { name: 'creds', secret: { secretName: 'lab-database', defaultMode: 256 } },
              { name: 'run', emptyDir: {} },
              { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
              { name: 'shared', persistentVolumeClaim: { claimName: 'shared', readOnly: true } },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            // The provider's claim template metadata has the namespaced default, so it sends it.
            metadata: { name: 'data', namespace: 'default', labels: podLabels },
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'aif-home', resources: { requests: { storage: '50Gi' } } },
          },
        ],
      },
    });
  });

  test('kubernetes_storage_class_v1: storage_provisioner becomes provisioner, allowed_topologies a list', () => {
    expect(objectNamed(built().result, 'StorageClass', 'aif-home')).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'aif-home', labels: SITE_LABELS },
      provisioner: 'nfs.csi.k8s.io',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: false,
      mountOptions: ['nfsvers=4.1'],
      parameters: { server: 'nfs.example.eu', share: '/export/home' },
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a'] }] }],
    });
  });

  test('kubernetes_storage_class_v1: the provider sends its defaults, volume expansion allowed', () => {
    expect(objectNamed(built().result, 'StorageClass', 'aif-scratch')).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'aif-scratch' },
      provisioner: 'cephfs.csi.ceph.com',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: true,
    });
  });

  test('kubernetes_manifest: the manifest as written, references resolved', () => {
    const queue = built().result.manifests.find((m) => m.manifest.kind === 'LocalQueue');
    expect(queue?.manifest).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'LocalQueue',
      metadata: { name: 'default', namespace: 'lab-a' },
      spec: { clusterQueue: 'tenant-acme' },
    });
  });

  test('helm_release: chart, values documents, namespace resolved, dependencies', () => {
    const { result } = built();
    const namespaceAddress = result.manifests.find((m) => m.manifest.kind === 'Namespace' && m.manifest.metadata.name === 'lab-a')?.address;
    expect(namespaceAddress).toMatch(/^kubernetes_namespace_v1\.Namespace/);
    expect(result.helmReleases).toEqual([
      {
        address: expect.stringMatching(/^helm_release\.Release/) as unknown,
        cluster: 'default',
        name: 'kueue',
        namespace: 'lab-a',
        chart: 'kueue',
        repository: 'oci://registry.k8s.io/kueue/charts',
        version: '0.19.2',
        values: ['controllerManager:\n  replicas: 1\n', 'metrics:\n  enabled: true\n'],
        createNamespace: false,
        dependsOn: [namespaceAddress],
      },
    ]);
  });

  test('cluster: the provider alias, or default', () => {
    const { result } = built();
    const cluster = (name: string) => result.manifests.find((m) => m.manifest.metadata.name === name)?.cluster;
    expect(cluster('lab-b')).toBe('inference');
    expect(cluster('lab-a')).toBe('default');
  });

  test('dependsOn: depends_on and referenced resources', () => {
    const { result } = built();
    const ns = result.manifests.find((m) => m.manifest.metadata.name === 'lab-a' && m.manifest.kind === 'Namespace')!;
    expect(result.manifests.find((m) => m.manifest.kind === 'LocalQueue')?.dependsOn).toEqual([ns.address]);
    expect(result.manifests.find((m) => m.manifest.kind === 'ConfigMap')?.dependsOn).toEqual([ns.address]);
    expect(ns.dependsOn).toEqual([]);
  });

  test('every mapped type is exercised by this stack', () => {
    const types = new Set(Object.keys(built().json.resource));
    for (const type of Object.keys(KIND_MAPPINGS)) expect(types).toContain(type);
  });
});

describe('stackObjects: references', () => {
  const namespace = (name: string): JsonObject => ({ metadata: { name } });
  const configMap = (namespaceRef: string, extra: JsonObject = {}): JsonObject => ({ metadata: [{ name: 'cm', namespace: namespaceRef }], ...extra });

  test('a reference into a block written as a list or as an object', () => {
    const json = rawStack({
      kubernetes_namespace_v1: { a: { metadata: [{ name: 'lab-a' }] }, b: namespace('lab-b') },
      kubernetes_config_map_v1: {
        one: configMap('${kubernetes_namespace_v1.a.metadata[0].name}'),
        two: { metadata: { name: 'two', namespace: '${kubernetes_namespace_v1.b.metadata[0].name}' } },
      },
    });
    const result = stackObjects(json, 'xx-test');
    expect(objectNamed(result, 'ConfigMap', 'cm').metadata).toEqual({ name: 'cm', namespace: 'lab-a' });
    expect(objectNamed(result, 'ConfigMap', 'two').metadata).toEqual({ name: 'two', namespace: 'lab-b' });
  });

  test('interpolation inside a string, a chain of references, and the $${ escape', () => {
    const json = rawStack({
      kubernetes_namespace_v1: { a: namespace('lab-a'), b: namespace('${kubernetes_namespace_v1.a.metadata[0].name}-mirror') },
      kubernetes_config_map_v1: {
        cm: configMap('${kubernetes_namespace_v1.b.metadata[0].name}', {
          data: { host: 'db.${kubernetes_namespace_v1.a.metadata[0].name}.svc', 'script.sh': 'echo $${HOME}' },
        }),
      },
    });
    const cm = objectNamed(stackObjects(json, 'xx-test'), 'ConfigMap', 'cm');
    expect(cm.metadata.namespace).toBe('lab-a-mirror');
    expect(cm.data).toEqual({ host: 'db.lab-a.svc', 'script.sh': 'echo ${HOME}' });
  });

  test('a whole-string reference keeps the referenced value and its type', () => {
    const json = rawStack({
      kubernetes_service_v1: { a: { metadata: { name: 'a', namespace: 'x' }, spec: { port: [{ port: 5432, target_port: '5432' }] } } },
      kubernetes_network_policy_v1: {
        p: {
          metadata: { name: 'p', namespace: 'x' },
          spec: { pod_selector: {}, ingress: [{ ports: [{ port: '${kubernetes_service_v1.a.spec[0].port[0].port}' }] }], policy_types: ['Ingress'] },
        },
      },
    });
    expect(objectNamed(stackObjects(json, 'xx-test'), 'NetworkPolicy', 'p').spec).toEqual({
      podSelector: {},
      ingress: [{ ports: [{ port: 5432 }] }],
      policyTypes: ['Ingress'],
    });
  });

  test('every unresolvable reference is reported, naming it', () => {
    const json = rawStack({
      kubernetes_namespace_v1: { a: namespace('lab-a') },
      kubernetes_config_map_v1: {
        computed: configMap('${kubernetes_namespace_v1.a.metadata[0].uid}'),
        missing: configMap('${kubernetes_namespace_v1.nope.metadata[0].name}'),
        variable: configMap('${var.namespace}'),
        fn: configMap('${lower(kubernetes_namespace_v1.a.metadata[0].name)}'),
        directive: configMap('%{ if true }a%{ endif }'),
      },
    });
    expect(problemsOf(json)).toEqual([
      'xx-test kubernetes_config_map_v1.computed metadata[0].namespace: has an unresolvable reference ${kubernetes_namespace_v1.a.metadata[0].uid}: kubernetes_namespace_v1.a.metadata[0].uid is not set in the configuration (a computed attribute?), got "${kubernetes_namespace_v1.a.metadata[0].uid}"; reference an attribute the configuration sets',
      'xx-test kubernetes_config_map_v1.missing metadata[0].namespace: has an unresolvable reference ${kubernetes_namespace_v1.nope.metadata[0].name}: no resource kubernetes_namespace_v1.nope in this stack, got "${kubernetes_namespace_v1.nope.metadata[0].name}"; reference a resource of the same stack',
      'xx-test kubernetes_config_map_v1.variable metadata[0].namespace: has an unresolvable reference ${var.namespace}: it names an input variable, which the rehearsal cannot read, got "${var.namespace}"; pass the value in the configuration',
      'xx-test kubernetes_config_map_v1.fn metadata[0].namespace: has an unresolvable reference ${lower(kubernetes_namespace_v1.a.metadata[0].name)}: only resource attribute references (type.name.attribute) are resolved, got "${lower(kubernetes_namespace_v1.a.metadata[0].name)}"; compute the value in TypeScript',
      'xx-test kubernetes_config_map_v1.directive metadata[0].namespace: has a Terraform template directive, which the rehearsal does not evaluate, got "%{ if true }a%{ endif }"; compute the value in TypeScript, or escape it as %%{',
    ]);
  });

  test('a reference cycle is reported', () => {
    const json = rawStack({
      kubernetes_namespace_v1: { a: namespace('${kubernetes_namespace_v1.b.metadata[0].name}'), b: namespace('${kubernetes_namespace_v1.a.metadata[0].name}') },
    });
    expect(problemsOf(json)).toEqual([
      'xx-test kubernetes_namespace_v1.a metadata.name: has an unresolvable reference ${kubernetes_namespace_v1.b.metadata[0].name}: through kubernetes_namespace_v1.b, has an unresolvable reference ${kubernetes_namespace_v1.a.metadata[0].name}: the references form a cycle (kubernetes_namespace_v1.a -> kubernetes_namespace_v1.b -> kubernetes_namespace_v1.a), got "${kubernetes_namespace_v1.b.metadata[0].name}"; break the cycle',
      'xx-test kubernetes_namespace_v1.b metadata.name: has an unresolvable reference ${kubernetes_namespace_v1.a.metadata[0].name}: through kubernetes_namespace_v1.a, has an unresolvable reference ${kubernetes_namespace_v1.b.metadata[0].name}: the references form a cycle (kubernetes_namespace_v1.b -> kubernetes_namespace_v1.a -> kubernetes_namespace_v1.b), got "${kubernetes_namespace_v1.a.metadata[0].name}"; break the cycle',
      // The references are dependencies too, so the apply order has the same cycle.
      'xx-test: the dependencies form a cycle, got kubernetes_namespace_v1.a, kubernetes_namespace_v1.b; remove a depends_on between them',
    ]);
  });

  test('a depends_on that names no resource of the stack is reported', () => {
    const json = rawStack({ kubernetes_namespace_v1: { a: { ...namespace('lab-a'), depends_on: ['kubernetes_namespace_v1.gone'] } } });
    expect(problemsOf(json)).toEqual([
      'xx-test kubernetes_namespace_v1.a depends_on[0]: names no resource of this stack (Terraform refuses it), got "kubernetes_namespace_v1.gone"; depend on a resource of the same stack',
    ]);
  });
});

describe('stackObjects: problems', () => {
  test('a kubernetes_* type without a mapping names the type and the address', () => {
    const json = rawStack({ kubernetes_secret_v1: { Creds_1A2B3C4D: { metadata: { name: 'creds', namespace: 'x' }, data: { password: 'p' } } } });
    const message = thrownBy(() => stackObjects(json, 'xx-test-workloads'));
    expect(message).toContain(
      'xx-test-workloads kubernetes_secret_v1.Creds_1A2B3C4D: resource type kubernetes_secret_v1 has no rehearsal mapping, got "kubernetes_secret_v1"; add one in rehearsal/manifests/kinds.ts',
    );
  });

  test('an attribute the mapping does not know is reported with its path, with every other problem of the stack', () => {
    const json = rawStack({
      kubernetes_service_v1: { a: { metadata: { name: 'a', namespace: 'x' }, spec: { port: [{ port: 80, bogus: 1 }] } } },
      kubernetes_stateful_set_v1: {
        b: {
          metadata: { name: 'b', namespace: 'x' },
          spec: { service_name: 'b', replicas: 'two', template: { spec: { container: [{ name: 'c', gpu: 1 }] } } },
        },
      },
    });
    const problems = problemsOf(json);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /^xx-test kubernetes_service_v1\.a spec\.port\[0\]\.bogus: is not an attribute the rehearsal maps here, got 1; use one of app_protocol, name, node_port, port, protocol, target_port/,
    );
    expect(problems[1]).toBe(
      'xx-test kubernetes_stateful_set_v1.b spec.replicas: must be a string holding a whole number (the provider parses it), got "two"; write a whole number',
    );
    expect(problems[2]).toMatch(/^xx-test kubernetes_stateful_set_v1\.b spec\.template\.spec\.container\[0\]\.gpu: is not an attribute/);
  });

  test('count and for_each are refused: one object per resource', () => {
    const json = rawStack({ kubernetes_namespace_v1: { a: { ...{ metadata: { name: 'a' } }, count: 2 } } });
    expect(problemsOf(json)[0]).toMatch(/^xx-test kubernetes_namespace_v1\.a count: is not supported by the rehearsal/);
  });

  test('a default request on a Pod limit is refused, as the provider does', () => {
    const json = rawStack({
      kubernetes_limit_range_v1: { a: { metadata: { name: 'a', namespace: 'x' }, spec: { limit: [{ type: 'Pod', default_request: { cpu: '1' } }] } } },
    });
    expect(problemsOf(json)).toEqual([
      'xx-test kubernetes_limit_range_v1.a spec.limit[0].default_request: cannot be set for a Pod limit (the provider refuses it), got {"cpu":"1"}; remove it, or use type Container',
    ]);
  });

  test('a helm_release setting the rehearsal cannot render is reported', () => {
    const json = rawStack({ helm_release: { r: { name: 'r', chart: 'c', set: [{ name: 'a', value: 'b' }] } } });
    expect(problemsOf(json)).toEqual([
      'xx-test helm_release.r set: is a helm_release attribute the rehearsal does not render, got [{"name":"a","value":"b"}]; put the setting in values, or map it in rehearsal/manifests.ts',
    ]);
  });

  test('a stack whose values files are not inlined is reported with the function that inlines them', () => {
    const json = rawStack({ helm_release: { r: { name: 'r', chart: 'c', values: ['${file("${path.module}/values/R/Chart.yaml")}'] } } });
    expect(problemsOf(json)).toEqual([
      'xx-test helm_release.r values[0]: reads values/R/Chart.yaml beside the stack, which this JSON does not hold, got "${file(\\"${path.module}/values/R/Chart.yaml\\")}"; pass synthesizedStack(stack) or readSynthesizedStack(file) from constructs/charts/stack-file.ts, which inline the files',
    ]);
  });

  test('input that is not Terraform JSON', () => {
    expect(problemsOf('nope')).toEqual(['xx-test: is not synthesized Terraform JSON, got "nope"; pass JSON.parse of cdk.tf.json']);
  });

  test('other resource types are listed as ignored', () => {
    expect(stackObjects(rawStack({ null_resource: { x: {} } }), 'xx-test').ignored).toEqual(['null_resource.x']);
  });
});

describe('stackObjects: order', () => {
  test('Namespaces, CRDs, cluster objects, namespaced configuration, Services, workloads, custom resources; depends_on first', () => {
    const meta = (name: string, namespace?: string) => ({ metadata: { name, ...(namespace ? { namespace } : {}) } });
    const json = rawStack({
      kubernetes_manifest: {
        queue: { manifest: { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', ...meta('q', 'ns') } },
        crd: { manifest: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', ...meta('queues.kueue.x-k8s.io') } },
      },
      kubernetes_stateful_set_v1: { sts: { ...meta('db', 'ns'), spec: { service_name: 'db' } } },
      kubernetes_service_v1: { svc: { ...meta('db', 'ns') } },
      kubernetes_config_map_v1: { cm: { ...meta('cm', 'ns') }, early: { ...meta('early', 'ns') } },
      kubernetes_storage_class_v1: { sc: { ...meta('sc'), storage_provisioner: 'x' } },
      // A namespace that waits for a config map (which is odd, but depends_on wins).
      kubernetes_namespace_v1: { ns: meta('ns'), late: { ...meta('late'), depends_on: ['kubernetes_config_map_v1.early'] } },
    });
    expect(stackObjects(json, 'xx-test').manifests.map((m) => m.address)).toEqual([
      'kubernetes_namespace_v1.ns',
      'kubernetes_manifest.crd',
      'kubernetes_storage_class_v1.sc',
      'kubernetes_config_map_v1.cm',
      'kubernetes_config_map_v1.early',
      'kubernetes_namespace_v1.late',
      'kubernetes_service_v1.svc',
      'kubernetes_stateful_set_v1.sts',
      'kubernetes_manifest.queue',
    ]);
  });

  test('a dependency cycle is reported', () => {
    const json = rawStack({
      kubernetes_namespace_v1: {
        a: { metadata: { name: 'a' }, depends_on: ['kubernetes_namespace_v1.b'] },
        b: { metadata: { name: 'b' }, depends_on: ['kubernetes_namespace_v1.a'] },
      },
    });
    expect(problemsOf(json)).toEqual([
      'xx-test: the dependencies form a cycle, got kubernetes_namespace_v1.a, kubernetes_namespace_v1.b; remove a depends_on between them',
    ]);
  });
});

/** Scopes of the custom resources the project writes; a new kind must be added here. */
const CUSTOM_SCOPES: Readonly<Record<string, 'Namespaced' | 'Cluster'>> = {
  // Scopes as the Kueue 0.19.2 CRDs declare them (shared/crds/kueue/0.19.2/crds.yaml).
  'kueue.x-k8s.io/AdmissionCheck': 'Cluster',
  'kueue.x-k8s.io/ClusterQueue': 'Cluster',
  'kueue.x-k8s.io/Cohort': 'Cluster',
  'kueue.x-k8s.io/LocalQueue': 'Namespaced',
  'kueue.x-k8s.io/MultiKueueCluster': 'Cluster',
  'kueue.x-k8s.io/MultiKueueConfig': 'Cluster',
  'kueue.x-k8s.io/ResourceFlavor': 'Cluster',
  'kueue.x-k8s.io/Topology': 'Cluster',
  'mellanox.com/NicClusterPolicy': 'Cluster',
  'objectbucket.io/ObjectBucketClaim': 'Namespaced',
};

function scopeOf(object: KubernetesObject): 'Namespaced' | 'Cluster' | undefined {
  return builtInKindScope(object.apiVersion, object.kind) ?? CUSTOM_SCOPES[`${object.apiVersion.split('/')[0]}/${object.kind}`];
}

/** Fields whose keys are data (label keys, resource names), not field names. */
const MAP_FIELDS = new Set([
  'labels',
  'annotations',
  'data',
  'binaryData',
  'hard',
  'matchLabels',
  'selector',
  'nodeSelector',
  'parameters',
  'limits',
  'requests',
]);
const MAP_FIELDS_OF_LIMITS = new Set(['default', 'defaultRequest', 'max', 'min', 'maxLimitRequestRatio']);

/** Field names with `_` or `-`, outside map-valued fields: a Terraform name left unconverted. */
function snakeCaseKeys(value: unknown, path: string, inLimit = false): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => snakeCaseKeys(v, `${path}[${i}]`, inLimit));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    if (MAP_FIELDS.has(k) || (inLimit && MAP_FIELDS_OF_LIMITS.has(k))) return [];
    const here = /[_-]/.test(k) ? [`${path}.${k}`] : [];
    return [...here, ...snakeCaseKeys(v, `${path}.${k}`, k === 'limits')];
  });
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

describe('the whole catalogue converts', () => {
  const converted = builtOnce(() =>
    loadCatalogue(SITES_DIR).map((site) => {
      const id = site.spec.id;
      const { platform, workloads } = catalogueSynth(id);
      return {
        id,
        stacks: [
          { json: platform, result: stackObjects(platform, `${id}-platform`) },
          { json: workloads, result: stackObjects(workloads, `${id}-workloads`) },
        ] satisfies { json: SynthJson; result: StackObjects }[],
      };
    }),
  );

  test('every resource of every stack, one object per Kubernetes resource and one spec per Helm release', () => {
    for (const { stacks } of converted()) {
      for (const { json, result } of stacks) {
        const kubernetes = Object.entries(json.resource).filter(([type]) => type.startsWith('kubernetes_'));
        expect([result.stack, result.manifests.length]).toEqual([result.stack, kubernetes.reduce((n, [, byName]) => n + Object.keys(byName).length, 0)]);
        expect([result.stack, result.helmReleases.length]).toEqual([result.stack, resources(json, 'helm_release').length]);
        expect([result.stack, result.ignored]).toEqual([result.stack, []]);
      }
    }
    expect(converted().length).toBeGreaterThanOrEqual(20);
  });

  test('every object has apiVersion, kind, a valid name, and a namespace exactly when its kind is namespaced', () => {
    const problems: string[] = [];
    for (const { stacks } of converted()) {
      for (const { result } of stacks) {
        for (const { address, manifest } of result.manifests) {
          const { apiVersion, kind, metadata } = manifest;
          const scope = scopeOf(manifest);
          const where = `${result.stack} ${address} (${apiVersion} ${kind})`;
          if (!apiVersion || !kind) problems.push(`${where}: no apiVersion or kind`);
          if (typeof metadata.name !== 'string' || !DNS_SUBDOMAIN.test(metadata.name) || metadata.name.length > 253)
            problems.push(`${where}: name ${metadata.name}`);
          if (scope === undefined) problems.push(`${where}: unknown scope; add the kind to CUSTOM_SCOPES`);
          if (scope === 'Namespaced' && typeof metadata.namespace !== 'string') problems.push(`${where}: no namespace`);
          if (scope === 'Cluster' && metadata.namespace !== undefined) problems.push(`${where}: a namespace on a cluster-scoped kind`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('no Terraform attribute name is left in a converted object, and labels are valid', () => {
    const problems: string[] = [];
    for (const { stacks } of converted()) {
      for (const { result } of stacks) {
        for (const { address, manifest } of result.manifests) {
          if (!address.startsWith('kubernetes_manifest.')) problems.push(...snakeCaseKeys(manifest, `${result.stack} ${address}`));
          for (const [key, value] of Object.entries((manifest.metadata.labels ?? {}) as Record<string, string>)) {
            if (!LABEL_NAME.test(key) || !LABEL_VALUE.test(value) || value.length > 63) problems.push(`${result.stack} ${address}: label ${key}=${value}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('every namespace used is created by the site on the same cluster, or is kube-system or default', () => {
    const problems: string[] = [];
    for (const { id, stacks } of converted()) {
      const created = new Set<string>();
      for (const { result } of stacks) {
        for (const m of result.manifests) if (m.manifest.kind === 'Namespace') created.add(`${m.cluster}/${m.manifest.metadata.name}`);
        for (const r of result.helmReleases) if (r.createNamespace) created.add(`${r.cluster}/${r.namespace}`);
      }
      const uses = stacks.flatMap(({ result }) => [
        ...result.manifests
          .filter((m) => typeof m.manifest.metadata.namespace === 'string')
          .map((m) => ({ address: m.address, cluster: m.cluster, ns: String(m.manifest.metadata.namespace) })),
        ...result.helmReleases.map((r) => ({ address: r.address, cluster: r.cluster, ns: r.namespace })),
      ]);
      for (const use of uses) {
        if (!created.has(`${use.cluster}/${use.ns}`) && use.ns !== 'kube-system' && use.ns !== 'default')
          problems.push(`${id} ${use.address}: namespace ${use.ns} on ${use.cluster}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('what lives in a namespace of the same stack depends on it, so Terraform creates the namespace first', () => {
    const problems: string[] = [];
    for (const { stacks } of converted()) {
      for (const { result } of stacks) {
        const namespaces = new Map(
          result.manifests.filter((m) => m.manifest.kind === 'Namespace').map((m) => [`${m.cluster}/${m.manifest.metadata.name}`, m.address]),
        );
        const deps = new Map<string, readonly string[]>([...result.manifests, ...result.helmReleases].map((x) => [x.address, x.dependsOn]));
        const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
          if (from === to) return true;
          if (seen.has(from)) return false;
          seen.add(from);
          return (deps.get(from) ?? []).some((d) => reaches(d, to, seen));
        };
        const placed = [
          ...result.manifests.map((m) => ({ address: m.address, key: `${m.cluster}/${String(m.manifest.metadata.namespace)}` })),
          ...result.helmReleases.map((r) => ({ address: r.address, key: `${r.cluster}/${r.namespace}` })),
        ];
        for (const { address, key } of placed) {
          const ns = namespaces.get(key);
          if (ns && !reaches(address, ns)) problems.push(`${result.stack} ${address} does not depend on ${ns}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('objects come after what they depend on, and namespaced objects after their Namespace', () => {
    for (const { stacks } of converted()) {
      for (const { result } of stacks) {
        const position = new Map(result.manifests.map((m, i) => [m.address, i]));
        const namespaceAt = new Map(
          result.manifests.filter((m) => m.manifest.kind === 'Namespace').map((m) => [m.manifest.metadata.name, position.get(m.address)!]),
        );
        result.manifests.forEach((m, i) => {
          for (const d of m.dependsOn) if (position.has(d)) expect([m.address, position.get(d)! < i]).toEqual([m.address, true]);
          const ns = namespaceAt.get(String(m.manifest.metadata.namespace));
          if (ns !== undefined) expect([m.address, ns < i]).toEqual([m.address, true]);
        });
      }
    }
  });
});
