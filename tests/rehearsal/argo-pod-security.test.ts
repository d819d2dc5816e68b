/**
 * Argo Workflows steps pass Pod Security `restricted`, proved by a real kube-apiserver's Pod
 * Security admission: the pods the workflow controller creates for container, script and
 * containerSet steps, built from the lab's chart values (`controller.workflowDefaults`: the
 * pod's security context; `mainContainer`: the controller's defaults merged under every
 * user-code container; `executor.securityContext`: Argo's `init` and `wait` containers), are
 * admitted in a namespace that enforces `restricted`. Without the `mainContainer` defaults the
 * same pods are rejected for their user-code containers only.
 *
 * The pods follow Argo Workflows 4.0.6 (the pinned chart's app version),
 * workflow/controller/workflowpod.go: createWorkflowPod merges the controller's `mainContainer`
 * under each container it is given by strategic merge patch (the step's own fields win): the
 * template's `container`, the `script`'s container with the staged script as last argument, or
 * every container of a `containerSet`.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/workflow-controller-configmap/
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

/** The lab's Argo values, optionally without the controller's main-container defaults (the state before the fix). */
function values(withMainContainerDefaults: boolean) {
  const v = labArgoWorkflowsValues({ artifacts: ARTIFACTS });
  const spec = v.controller?.workflowDefaults?.spec;
  if (spec === undefined) throw new Error('the lab sets no workflowDefaults.spec');
  return {
    serviceAccountName: spec.serviceAccountName,
    podContext: spec.securityContext,
    mainDefaults: withMainContainerDefaults ? v.mainContainer : undefined,
    executor: v.executor?.securityContext,
  };
}

/** Maps merged key by key, `own` winning, as a strategic merge patch merges the fields of a container's security context. */
function merged(defaults: unknown, own: unknown): unknown {
  const isMap = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isMap(defaults) || !isMap(own)) return own ?? defaults;
  const out: Json = { ...defaults };
  for (const [k, v] of Object.entries(own)) out[k] = merged(defaults[k], v);
  return out;
}

/** The kinds of step the test builds pods for. */
type Step = 'container' | 'script' | 'containerSet';

/** The user-code containers of a step as the workflow spec states them (no security context), before the controller's merge. */
function userContainers(step: Step): Json[] {
  const varRunArgo = { name: 'var-run-argo', mountPath: '/var/run/argo' };
  switch (step) {
    case 'container':
      return [
        {
          name: 'main',
          image: 'docker.io/library/python:3.13',
          command: ['/var/run/argo/argoexec', 'emissary', '--', 'python', '-c', 'print(1)'],
          volumeMounts: [varRunArgo],
        },
      ];
    case 'script':
      // The executor's init container stages `source` at /argo/staging/script, the main container's last argument.
      return [
        {
          name: 'main',
          image: 'docker.io/library/python:3.13',
          command: ['/var/run/argo/argoexec', 'emissary', '--', 'python'],
          args: ['/argo/staging/script'],
          volumeMounts: [varRunArgo, { name: 'argo-staging', mountPath: '/argo/staging' }],
        },
      ];
    case 'containerSet':
      return ['prepare', 'train'].map((name) => ({
        name,
        image: 'docker.io/library/python:3.13',
        command: ['/var/run/argo/argoexec', 'emissary', '--', 'python', '-c', `print("${name}")`],
        volumeMounts: [varRunArgo],
      }));
  }
}

/**
 * The pod Argo's controller creates for a step of a workflow submitted without any security
 * context of its own: the pod-level context and service account from the workflow defaults,
 * each user-code container merged over the controller's `mainContainer` defaults, and the
 * executor's `init` and `wait` containers with the executor's security context.
 *
 * @see https://argo-workflows.readthedocs.io/en/latest/workflow-executors/
 */
function stepPod(name: string, step: Step, withMainContainerDefaults: boolean): Json {
  const { serviceAccountName, podContext, mainDefaults, executor } = values(withMainContainerDefaults);
  const varRunArgo = { name: 'var-run-argo', mountPath: '/var/run/argo' };
  const staging = step === 'script' ? [{ name: 'argo-staging', mountPath: '/argo/staging' }] : [];
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
      volumes: [{ name: 'var-run-argo', emptyDir: {} }, ...(step === 'script' ? [{ name: 'argo-staging', emptyDir: {} }] : [])],
      initContainers: [
        {
          name: 'init',
          image: ARGOEXEC,
          command: ['argoexec', 'init'],
          volumeMounts: [varRunArgo, ...staging],
          ...(executor ? { securityContext: executor } : {}),
        },
      ],
      containers: [
        { name: 'wait', image: ARGOEXEC, command: ['argoexec', 'wait'], volumeMounts: [varRunArgo], ...(executor ? { securityContext: executor } : {}) },
        ...userContainers(step).map((c) => merged(mainDefaults, c)),
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

  test('the defaults give the user-code containers and the executor containers the restricted context', () => {
    const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    expect(values(true).mainDefaults).toEqual({ securityContext: restricted });
    expect(values(true).executor).toEqual(restricted);
  });

  test.each<[Step, string]>([
    ['container', 'curate-container'],
    ['script', 'curate-script'],
    ['containerSet', 'curate-set'],
  ])('a %s step pod built from the defaults is admitted', (step, name) => {
    expect(kube.create(stepPod(name, step, true))).toEqual({ ok: true });
    expect(kube.get('pod', name, NAMESPACE)).toMatchObject({ metadata: { name } });
  });

  test.each<[Step, string, string[]]>([
    ['container', 'curate-container-2', ['main']],
    ['script', 'curate-script-2', ['main']],
    ['containerSet', 'curate-set-2', ['prepare', 'train']],
  ])('without the main-container defaults a %s step pod is rejected, for its user-code containers only', (step, name, rejected) => {
    const result = kube.create(stepPod(name, step, false));
    expect(result.ok).toBe(false);
    const error = result.ok ? '' : result.error;
    expect(error).toMatch(/violates PodSecurity "restricted:latest"/);
    const quoted = rejected.map((c) => `"${c}"`).join(', ');
    expect(error).toMatch(new RegExp(`allowPrivilegeEscalation != false \\(containers? ${quoted} must set securityContext.allowPrivilegeEscalation=false\\)`));
    expect(error).toMatch(new RegExp(`unrestricted capabilities \\(containers? ${quoted} must set securityContext.capabilities.drop=\\["ALL"\\]\\)`));
    expect(error).not.toMatch(/container "(wait|init)"/);
  });
});
