import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { parse } from 'yaml';
import type { KubePrometheusStackValues } from '../../../constructs/charts/kube-prometheus-stack/values';
import { MONITORING_NAMESPACE, NODE_EXPORTER_TOLERATIONS, Observability, type ObservabilityProps } from '../../../constructs/observability/observability';
import { builtOnce, resourceCounts, resources, synthJson, testStack, type SynthJson } from '../../helpers';
import { unknownChartKeys } from '../charts/chart-keys';

type Release = { name: string; chart: string; version: string; namespace: string; repository: string; values: string[]; depends_on?: string[] };

const release = (json: SynthJson) => resources(json, 'helm_release')[0] as Release;
const valuesOf = (json: SynthJson) => parse(release(json).values[0]) as KubePrometheusStackValues;

/** A stack with a ConfigMap standing in for what monitoring waits for, and the monitoring stack; synthesized once. */
const observabilityOnce = (props: Partial<ObservabilityProps> = {}) =>
  builtOnce(() => {
    const { stack, target } = testStack();
    const before = new ConfigMapV1(stack, 'Before', { provider: target.kubernetes, metadata: { name: 'before', namespace: 'default' } });
    const construct = new Observability(stack, 'Observability', { target, siteId: 'xx-test', dependsOn: [before], ...props });
    return { construct, json: synthJson(stack) };
  });

describe('Observability', () => {
  describe('defaults', () => {
    const fixture = observabilityOnce();

    test('kube-prometheus-stack, pinned, in a privileged monitoring namespace, and nothing else', () => {
      const { json, construct } = fixture();
      expect(resourceCounts(json)).toEqual({ helm_release: 1, kubernetes_namespace_v1: 1, kubernetes_config_map_v1: 1 });
      expect(release(json)).toMatchObject({
        name: 'kube-prometheus-stack',
        chart: 'kube-prometheus-stack',
        version: '88.5.3',
        namespace: MONITORING_NAMESPACE,
      });
      const ns = resources(json, 'kubernetes_namespace_v1')[0].metadata as { name: string; labels: Record<string, string> };
      expect([ns.name, ns.labels['pod-security.kubernetes.io/enforce']]).toEqual([MONITORING_NAMESPACE, 'privileged']);
      expect(construct.namespace).toBe(MONITORING_NAMESPACE);
    });

    test('node exporter tolerates every NoSchedule taint, so it runs on every pool node', () => {
      expect(valuesOf(fixture().json)['prometheus-node-exporter']).toEqual({ tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }] });
      expect(NODE_EXPORTER_TOLERATIONS).toEqual([{ operator: 'Exists', effect: 'NoSchedule' }]);
    });

    test("Prometheus keeps 30 days and selects every ServiceMonitor, PodMonitor and rule, not only the chart's", () => {
      expect(valuesOf(fixture().json).prometheus?.prometheusSpec).toEqual({
        retention: '30d',
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
      });
    });

    test('Grafana reads its admin credentials from the Secret grafana-admin; no password is written', () => {
      expect(valuesOf(fixture().json).grafana).toEqual({
        enabled: true,
        admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
      });
    });

    test('waits for its namespace and for what dependsOn names', () => {
      const dependsOn = release(fixture().json).depends_on ?? [];
      expect(dependsOn.filter((d) => d.startsWith('kubernetes_namespace_v1.'))).toHaveLength(1);
      expect(dependsOn.filter((d) => d.startsWith('kubernetes_config_map_v1.'))).toHaveLength(1);
    });

    test('every value is a real key of the chart', () => {
      expect(unknownChartKeys('kube-prometheus-stack', valuesOf(fixture().json))).toEqual([]);
    });
  });

  describe('props: retention, grafanaAdminSecret and mirror', () => {
    const mirror = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts' };
    const fixture = observabilityOnce({ retention: '90d', grafanaAdminSecret: 'site-grafana', mirror });

    test('retention and grafanaAdminSecret reach Prometheus and Grafana', () => {
      const values = valuesOf(fixture().json);
      expect(values.prometheus?.prometheusSpec?.retention).toBe('90d');
      expect(values.grafana?.admin?.existingSecret).toBe('site-grafana');
    });

    test("the mirror serves the chart, and node exporter's tolerations stay", () => {
      const { json } = fixture();
      expect(release(json).repository).toBe(mirror.chartRepository);
      expect(valuesOf(json)['prometheus-node-exporter']?.tolerations).toEqual(NODE_EXPORTER_TOLERATIONS);
    });
  });
});
