/**
 * Argo Workflows steps pass Pod Security `restricted`, proved by a real kube-apiserver's Pod
 * Security admission: the pod the workflow controller creates for a container step, built from
 * the lab's chart values (`controller.workflowDefaults`: the pod's security context and the
 * template defaults of the step's `main` container; `executor.securityContext`: Argo's `init`
 * and `wait` containers), is admitted in a namespace that enforces `restricted`. Without the
 * template defaults the same pod is rejected for its `main` container.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/template-defaults/
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { labArgoWorkflowsValues } from '../../constructs/labs/argo-workflows-values';
import type { ObjectBucket } from '../../constructs/storage/storage-tier';
import { startControlPlane, type ControlPlane } from '../../rehearsal/control-plane';
import { Kube } from '../../rehearsal/kube';
import { describeWithRehearsal } from './with-rehearsal';

jest.setTimeout(120_000);

const NAMESPACE = 'lab-argo';
/** The executor image of the pinned chart's app version. */
const ARGOEXEC = 'quay.io/argoproj/argoexec:v4.0.6';

const ARTIFACTS = {
  bucketName: 'lab-argo-artifacts',
  namespace: NAMESPACE,
  credentialsSecret: 'artifacts',
  endpoint: { url: 'http://rook-ceph-rgw-aif-object.rook-ceph.svc:80', namespace: 'rook-ceph', podPort: 8080 },
} as ObjectBucket;

type Json = Record<string, unknown>;

/** The lab's Argo values, optionally without the step containers' template defaults (the state before the fix). */
function values(withTemplateDefaults: boolean) {
  const v = labArgoWorkflowsValues({ artifacts: ARTIFACTS });
  const spec = v.controller?.workflowDefaults?.spec;
  if (spec === undefined) throw new Error('the lab sets no workflowDefaults.spec');
  return {
    serviceAccountName: spec.serviceAccountName,
    podContext: spec.securityContext,
    mainContext: withTemplateDefaults ? spec.templateDefaults?.container?.securityContext : undefined,
    executor: v.executor?.securityContext,
  };
}

/**
 * The pod Argo's controller creates for a container step `step` of a workflow submitted
 * without any security context of its own: the pod-level context and service account from
 * the workflow defaults, the step's container merged with the template defaults as `main`,
 * and the executor's `init` and `wait` containers with the executor's security context.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/workflow-executors/
 */
function stepPod(name: string, withTemplateDefaults: boolean): Json {
  const { serviceAccountName, podContext, mainContext, executor } = values(withTemplateDefaults);
  const varRunArgo = { name: 'var-run-argo', mountPath: '/var/run/argo' };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: { 'workflows.argoproj.io/workflow': 'curate', 'workflows.argoproj.io/completed': 'false' },
      annotations: { 'workflows.argoproj.io/node-name': 'curate', 'kubectl.kubernetes.io/default-container': 'main' },
    },
    spec: {
      serviceAccountName,
      securityContext: podContext,
      restartPolicy: 'Never',
      volumes: [{ name: 'var-run-argo', emptyDir: {} }],
      initContainers: [
        { name: 'init', image: ARGOEXEC, command: ['argoexec', 'init'], volumeMounts: [varRunArgo], ...(executor ? { securityContext: executor } : {}) },
      ],
      containers: [
        { name: 'wait', image: ARGOEXEC, command: ['argoexec', 'wait'], volumeMounts: [varRunArgo], ...(executor ? { securityContext: executor } : {}) },
        {
          name: 'main',
          image: 'docker.io/library/python:3.13',
          command: ['/var/run/argo/argoexec', 'emissary', '--', 'python', '-c', 'print(1)'],
          volumeMounts: [varRunArgo],
          ...(mainContext ? { securityContext: mainContext } : {}),
        },
      ],
    },
  };
}

describeWithRehearsal('Argo workflow pods under Pod Security restricted', () => {
  let cp: ControlPlane;
  let kube: Kube;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-argo-psa-'));
    cp = await startControlPlane({ workDir: dir });
    kube = new Kube((args, stdin) => cp.kubectl(args, stdin));
    const setup = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } },
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: values(true).serviceAccountName, namespace: NAMESPACE } },
    ].map((o) => kube.apply(o));
    expect(setup).toEqual([{ ok: true }, { ok: true }]);
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the defaults give the step container and the executor containers the restricted context', () => {
    const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    expect(values(true).mainContext).toEqual(restricted);
    expect(values(true).executor).toEqual(restricted);
  });

  test('a step pod built from the defaults is admitted', () => {
    expect(kube.create(stepPod('curate-step-1', true))).toEqual({ ok: true });
    expect(kube.get('pod', 'curate-step-1', NAMESPACE)).toMatchObject({ metadata: { name: 'curate-step-1' } });
  });

  test('without the template defaults the same pod is rejected, for its main container only', () => {
    const result = kube.create(stepPod('curate-step-2', false));
    expect(result.ok).toBe(false);
    const error = result.ok ? '' : result.error;
    expect(error).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(error).toMatch(/allowPrivilegeEscalation != false \(container "main" must set securityContext.allowPrivilegeEscalation=false\)/);
    expect(error).toMatch(/unrestricted capabilities \(container "main" must set securityContext.capabilities.drop=\["ALL"\]\)/);
    expect(error).not.toMatch(/container "(wait|init)"/);
  });
});
