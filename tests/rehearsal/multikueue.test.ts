/**
 * The pure parts of the MultiKueue dispatch rehearsal: the kubeconfig and Secret an operator
 * gives the manager for a cell, and the cell's access for it. The dispatch itself is checked
 * by `npm run rehearse` on two running control planes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { rehearsalBinaries } from '../../rehearsal/control-plane';
import {
  KUBECONFIG_KEY,
  MULTIKUEUE_MANAGED_BY,
  MULTIKUEUE_WORKER_ACCOUNT,
  multiKueueJob,
  workerAccess,
  workerKubeconfig,
  workerSecret,
} from '../../rehearsal/multikueue';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBdummy\n-----END CERTIFICATE-----\n';
const props = { cell: 'training-c01', server: 'https://127.0.0.1:6443', caPem: CA, token: 'eyJhbGciOi.token.sig\n' };

describe('workerKubeconfig', () => {
  test('inlines the CA and the token, and uses the cell as cluster and context', () => {
    const config = parse(workerKubeconfig(props)) as {
      clusters: { name: string; cluster: Record<string, string> }[];
      users: { name: string; user: Record<string, string> }[];
      contexts: { name: string; context: { cluster: string; user: string } }[];
      'current-context': string;
    };
    expect(config.clusters).toEqual([
      { name: 'training-c01', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from(CA).toString('base64') } },
    ]);
    expect(config.users).toEqual([{ name: MULTIKUEUE_WORKER_ACCOUNT, user: { token: 'eyJhbGciOi.token.sig' } }]);
    expect(config.contexts).toEqual([{ name: 'training-c01', context: { cluster: 'training-c01', user: MULTIKUEUE_WORKER_ACCOUNT } }]);
    expect(config['current-context']).toBe('training-c01');
  });

  test('names no file and sets nothing Kueue refuses (file paths, insecure TLS, exec or auth plugins)', () => {
    const text = workerKubeconfig(props);
    expect(text).not.toMatch(/certificate-authority:|tokenFile|insecure-skip-tls-verify|exec:|auth-provider:|client-key:|client-certificate:/);
  });

  test('reports every bad input at once', () => {
    expect(() => workerKubeconfig({ cell: 'c', server: 'http://127.0.0.1:6443', caPem: 'not pem', token: ' ' })).toThrow(
      'workerKubeconfig c: server must be https://host:port, got http://127.0.0.1:6443; caPem must be a PEM certificate; token must not be empty',
    );
  });

  let kubectl: string | undefined;
  try {
    kubectl = rehearsalBinaries().kubectl;
  } catch {
    kubectl = undefined;
  }
  (kubectl ? test : test.skip)('kubectl reads it as one cluster reached with a bearer token', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-kubeconfig-'));
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, workerKubeconfig(props));
    const run = spawnSync(kubectl!, ['config', 'view', '--kubeconfig', file, '--raw', '--minify', '-o', 'json'], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    const view = JSON.parse(run.stdout) as { clusters: { cluster: { server: string } }[]; users: { user: { token: string } }[] };
    expect([view.clusters[0].cluster.server, view.users[0].user.token]).toEqual(['https://127.0.0.1:6443', 'eyJhbGciOi.token.sig']);
  });
});

describe('workerSecret and workerAccess', () => {
  test('the Secret holds the kubeconfig under the key Kueue reads', () => {
    const secret = workerSecret('multikueue-training-c01', 'kueue-system', 'apiVersion: v1\n') as { metadata: unknown; data: Record<string, string> };
    expect(secret.metadata).toEqual({ name: 'multikueue-training-c01', namespace: 'kueue-system' });
    expect(Object.keys(secret.data)).toEqual([KUBECONFIG_KEY]);
    expect(Buffer.from(secret.data[KUBECONFIG_KEY], 'base64').toString()).toBe('apiVersion: v1\n');
  });

  test("the cell's access: a ServiceAccount bound to a ClusterRole over Workloads and Jobs", () => {
    const [sa, role, binding] = workerAccess('kueue-system') as { kind: string; rules?: { resources: string[]; verbs: string[] }[]; subjects?: unknown }[];
    expect([sa.kind, role.kind, binding.kind]).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: MULTIKUEUE_WORKER_ACCOUNT, namespace: 'kueue-system' }]);
    const can = (resource: string, verb: string) => role.rules!.some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
    expect([can('workloads', 'create'), can('workloads/status', 'patch'), can('jobs', 'create'), can('jobs', 'watch'), can('secrets', 'get')]).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('multiKueueJob', () => {
  test('is queued, suspended and managed by MultiKueue', () => {
    const job = multiKueueJob('j', 'tenant-a', 'default', 'nvidia.com/gpu', 2, 4) as {
      metadata: { labels: Record<string, string> };
      spec: {
        managedBy: string;
        suspend: boolean;
        parallelism: number;
        template: { spec: { containers: { resources: { limits: Record<string, string> } }[] } };
      };
    };
    expect(job.metadata.labels).toEqual({ 'kueue.x-k8s.io/queue-name': 'default' });
    expect([job.spec.managedBy, job.spec.suspend, job.spec.parallelism]).toEqual([MULTIKUEUE_MANAGED_BY, true, 2]);
    expect(job.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
  });
});
