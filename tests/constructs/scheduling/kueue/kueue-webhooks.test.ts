/**
 * Kueue's admission webhooks as the pinned chart renders them with the project's values:
 * helm from the rehearsal binaries (`bash .ci/install-rehearsal.sh`) and the chart of the
 * pinned Kueue module. The chart takes every job and pod webhook's namespaceSelector from the
 * Configuration's `managedJobsNamespaceSelector`; this checks that it does, so the pod webhook
 * (failurePolicy Fail) never gates a system namespace.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { MANAGED_NAMESPACE_SELECTOR } from '../../../../constructs/scheduling/kueue/kueue-queues';
import { rehearsalBinaries } from '../../../../rehearsal/control-plane';
import { releaseValues, siteSpec, synthSite } from '../../../helpers';
import { describeWithRehearsal } from '../../../rehearsal/with-rehearsal';

type Webhook = { name: string; failurePolicy?: string; namespaceSelector?: unknown; rules?: { resources?: string[] }[] };

/** The webhooks of the chart's webhook configurations, rendered with `values`. */
function renderedWebhooks(values: unknown): Webhook[] {
  const { helm, kueueChart } = rehearsalBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aif-kueue-webhooks-'));
  try {
    const file = path.join(dir, 'values.json');
    fs.writeFileSync(file, JSON.stringify(values));
    const home = path.join(dir, 'helm');
    const r = spawnSync(helm, ['template', 'kueue', kueueChart, '--namespace', 'kueue-system', '-f', file, '--show-only', 'templates/webhook/manifests.yaml'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home },
    });
    if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
    return parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as { kind?: string; webhooks?: Webhook[] })
      .filter((d) => d.kind === 'MutatingWebhookConfiguration' || d.kind === 'ValidatingWebhookConfiguration')
      .flatMap((d) => d.webhooks ?? []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describeWithRehearsal("Kueue's webhooks, rendered by the pinned chart with the project's values", () => {
  let webhooks: Webhook[];
  beforeAll(() => {
    const { platform } = synthSite(siteSpec());
    webhooks = renderedWebhooks(releaseValues(platform, 'kueue'));
  });

  test('the pod, deployment and statefulset webhooks fail closed, but only in tenant and lab namespaces', () => {
    const podLevel = webhooks.filter((w) => w.rules?.some((r) => (r.resources ?? []).some((x) => ['pods', 'deployments', 'statefulsets'].includes(x))));
    expect(podLevel.map((w) => w.name).sort()).toEqual([
      'mdeployment.kb.io',
      'mpod.kb.io',
      'mstatefulset.kb.io',
      'vdeployment.kb.io',
      'vpod.kb.io',
      'vstatefulset.kb.io',
    ]);
    for (const w of podLevel) expect([w.name, w.failurePolicy, w.namespaceSelector]).toEqual([w.name, 'Fail', MANAGED_NAMESPACE_SELECTOR]);
  });

  test("every webhook with a namespace selector uses the Configuration's; the others are for Kueue's own objects", () => {
    const scoped = webhooks.filter((w) => w.namespaceSelector !== undefined);
    expect(scoped.length).toBeGreaterThan(30);
    for (const w of scoped) expect([w.name, w.namespaceSelector]).toEqual([w.name, MANAGED_NAMESPACE_SELECTOR]);
    expect(
      webhooks
        .filter((w) => w.namespaceSelector === undefined)
        .map((w) => w.name)
        .sort(),
    ).toEqual([
      'mclusterqueue.kb.io',
      'mresourceflavor.kb.io',
      'mworkload.kb.io',
      'vclusterqueue.kb.io',
      'vcohort.kb.io',
      'vresourceflavor.kb.io',
      'vworkload.kb.io',
    ]);
  });
});
