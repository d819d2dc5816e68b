import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { synthesizedStack } from '../../../constructs/charts/stack-file';
import { deepMerge, toJsonObject } from '../../../constructs/charts/json';
import { mirrorOverrides, type RegistryMirror } from '../../../constructs/charts/mirror';
import { CHART_IDS, CHARTS } from '../../../constructs/charts/registry';
import type { ClusterTarget } from '../../../constructs/core/cluster-target';
import { PinnedChart, type PinnedChartProps } from '../../../constructs/charts/pinned-chart';
import type { ChartId } from '../../../constructs/charts/registry';
import { unknownChartKeys } from './chart-keys';
import { memoryApp } from '../../../stacks/synth';

type Json = Record<string, unknown>;

const MIRROR: RegistryMirror = { imageRegistry: 'harbor.example.eu/mirror', chartRepository: 'oci://harbor.example.eu/charts', pullSecretName: 'mirror-pull' };

function setup(): { stack: TerraformStack; target: ClusterTarget } {
  const app = memoryApp();
  const stack = new TerraformStack(app, 'test');
  const target: ClusterTarget = {
    name: 'main',
    kubernetes: new KubernetesProvider(stack, 'Kubernetes', { configPath: '~/.kube/config' }),
    helm: new HelmProvider(stack, 'Helm', { kubernetes: { configPath: '~/.kube/config' } }),
  };
  return { stack, target };
}

function releases(stack: TerraformStack): Json[] {
  const json = synthesizedStack(stack) as { resource?: Record<string, Record<string, Json>> };
  return Object.values(json.resource?.helm_release ?? {});
}

function synthOne<C extends ChartId>(props: Omit<PinnedChartProps<C>, 'target'>): { release: Json; chart: PinnedChart<C>; stack: TerraformStack } {
  const { stack, target } = setup();
  const chart = new PinnedChart<C>(stack, 'Chart', { ...props, target });
  const all = releases(stack);
  expect(all).toHaveLength(1);
  return { release: all[0], chart, stack };
}

function parsedValues(release: Json): unknown {
  const values = release.values as string[];
  expect(values).toHaveLength(1);
  return parse(values[0]);
}

describe('PinnedChart', () => {
  it('installs the pinned version from the upstream repository with the defaults', () => {
    const values = { driver: { enabled: true, version: '595.91.07' }, mig: { strategy: 'mixed' as const } };
    const { release, chart } = synthOne({ chart: 'gpu-operator', values });
    expect(release).toMatchObject({
      name: 'gpu-operator',
      chart: 'gpu-operator',
      repository: 'https://helm.ngc.nvidia.com/nvidia',
      version: 'v26.7.0',
      namespace: 'gpu-operator',
      create_namespace: true,
      timeout: 600,
      wait: true,
      provider: 'helm',
    });
    expect(release.depends_on).toBeUndefined();
    expect(parsedValues(release)).toEqual(values);
    expect(chart.releaseName).toBe('gpu-operator');
    expect(chart.namespace).toBe('gpu-operator');
    expect(chart.chartRef).toBe(CHARTS['gpu-operator']);
    expect(chart.repository).toBe('https://helm.ngc.nvidia.com/nvidia');
    expect(chart.values).toEqual(values);
  });

  it('splits OCI charts into the oci:// parent and the chart name', () => {
    const { release } = synthOne({ chart: 'kueue', values: { enablePrometheus: true } });
    expect(release).toMatchObject({ chart: 'kueue', repository: 'oci://registry.k8s.io/kueue/charts', version: '0.19.2', namespace: 'kueue-system' });
  });

  it('uses the published chart names of the MinIO and AMD charts', () => {
    expect(synthOne({ chart: 'minio-operator', values: {} }).release).toMatchObject({
      name: 'minio-operator',
      chart: 'operator',
      repository: 'https://operator.min.io',
    });
    expect(synthOne({ chart: 'minio-tenant', values: {} }).release).toMatchObject({ chart: 'tenant', version: '7.1.1' });
    expect(synthOne({ chart: 'amd-gpu-operator', values: {} }).release).toMatchObject({ chart: 'gpu-operator-charts', version: 'v1.5.1' });
  });

  it('passes empty values as an empty YAML map', () => {
    expect(parsedValues(synthOne({ chart: 'slurm-operator-crds', values: {} }).release)).toEqual({});
  });

  it('takes the chart and images from the mirror and merges the overrides over the values', () => {
    const values = {
      prometheus: { prometheusSpec: { retention: '30d', serviceMonitorSelectorNilUsesHelmValues: false } },
      grafana: { enabled: true, admin: { existingSecret: 'grafana-admin' } },
      global: { imagePullSecrets: [{ name: 'site-pull' }] },
    };
    const { release, chart } = synthOne({ chart: 'kube-prometheus-stack', values, mirror: MIRROR });
    expect(release).toMatchObject({ chart: 'kube-prometheus-stack', repository: 'oci://harbor.example.eu/charts', version: '88.5.3' });
    const expected = deepMerge(toJsonObject(values), mirrorOverrides('kube-prometheus-stack', values, MIRROR));
    expect(parsedValues(release)).toEqual(expected);
    expect(chart.values).toEqual(expected);
    expect(chart.repository).toBe('oci://harbor.example.eu/charts');
    expect(chart.chartRef.repository).toBe('oci://ghcr.io/prometheus-community/charts');
    // the caller's values survive the merge, the Secret list keeps the caller's entry
    expect(parsedValues(release)).toMatchObject({
      prometheus: { prometheusSpec: { retention: '30d', image: { registry: 'harbor.example.eu/mirror/quay.io', repository: 'prometheus/prometheus' } } },
      grafana: { admin: { existingSecret: 'grafana-admin' }, image: { registry: 'harbor.example.eu/mirror/docker.io' } },
      global: { imagePullSecrets: [{ name: 'site-pull' }, { name: 'mirror-pull' }] },
    });
  });

  it.each(CHART_IDS)('writes only real keys of %s when mirrored', (chart) => {
    const { chart: pinned } = synthOne({ chart, values: {}, mirror: MIRROR });
    expect(unknownChartKeys(chart, pinned.values)).toEqual([]);
  });

  it('sets the release name, namespace, namespace creation, timeout and wait', () => {
    const { release } = synthOne({
      chart: 'slurm',
      values: {},
      releaseName: 'slurm-main',
      namespace: 'slurm-main',
      createNamespace: false,
      timeoutSeconds: 1200,
      wait: false,
    });
    expect(release).toMatchObject({ name: 'slurm-main', namespace: 'slurm-main', create_namespace: false, timeout: 1200, wait: false });
  });

  it('depends on what it is given', () => {
    const { stack, target } = setup();
    const ns = new NamespaceV1(stack, 'Ns', { provider: target.kubernetes, metadata: { name: 'cert-manager' } });
    new PinnedChart(stack, 'CertManager', { target, chart: 'cert-manager', values: { crds: { enabled: true } }, dependsOn: [ns] });
    expect(releases(stack)[0].depends_on).toEqual(['kubernetes_namespace_v1.Ns']);
  });

  it('accepts a namespace that is a reference to a namespace resource', () => {
    const { stack, target } = setup();
    const ns = new NamespaceV1(stack, 'Ns', { provider: target.kubernetes, metadata: { name: 'gpu-operator' } });
    new PinnedChart(stack, 'GpuOperator', { target, chart: 'gpu-operator', namespace: ns.metadata.name, createNamespace: false, values: {} });
    expect(releases(stack)[0].namespace).toBe('${kubernetes_namespace_v1.Ns.metadata[0].name}');
  });

  it('keeps YAML 1.1 booleans, octal-looking and null-looking strings as strings for Helm', () => {
    const values = {
      partitions: { gpu: { nodesets: ['h100'], configMap: { Default: 'YES', MaxTime: 'UNLIMITED', State: 'on' } } },
      configFiles: { 'gres.conf': 'AutoDetect=nvidia\n' },
      clusterName: 'null',
    };
    const { release } = synthOne({ chart: 'slurm', values });
    const text = (release.values as string[])[0];
    expect(text).toContain('Default: "YES"');
    expect(text).toContain('State: "on"');
    expect(text).toContain('clusterName: "null"');
    expect(parsedValues(release)).toEqual(values);
  });

  it('reports every invalid prop in one error', () => {
    expect(() =>
      synthOne({
        chart: 'lakefs',
        values: { useDevPostgres: true },
        releaseName: 'LakeFS',
        namespace: 'Data_Lab',
        timeoutSeconds: 0,
        mirror: { imageRegistry: 'https://harbor.example.eu', chartRepository: 'harbor.example.eu/charts', pullSecretName: 'Pull_Secret' },
      }),
    ).toThrow(
      [
        'PinnedChart test/Chart (lakefs 1.12.16):',
        '  releaseName: is not a valid Helm release name (DNS-1123 subdomain, at most 53 characters), got "LakeFS"; use lower-case letters, digits, "-" and "."',
        '  namespace: is not a valid Kubernetes namespace (DNS-1123 label), got "Data_Lab"; use lower-case letters, digits and "-", at most 63 characters',
        '  timeoutSeconds: must be a positive whole number of seconds, got 0; e.g. 600',
        '  mirror.imageRegistry: must be a registry host with optional path and no scheme, got "https://harbor.example.eu"; e.g. registry.example.eu/mirror',
        '  mirror.chartRepository: must start with oci:// or https://, got "harbor.example.eu/charts"; e.g. oci://registry.example.eu/charts',
        '  mirror.pullSecretName: is not a valid Secret name, got "Pull_Secret"; use a DNS-1123 subdomain',
        '  values.useDevPostgres: the dev database pod uses the hard-coded image postgres:11, got true; use an external PostgreSQL (lakefsConfig database.postgres)',
      ].join('\n'),
    );
  });

  it('rejects a release name longer than 53 characters', () => {
    expect(() => synthOne({ chart: 'kueue', values: {}, releaseName: 'k'.repeat(54) })).toThrow(
      `releaseName: is not a valid Helm release name (DNS-1123 subdomain, at most 53 characters), got "${'k'.repeat(54)}"`,
    );
  });

  it('rejects values that are not plain data', () => {
    const { stack, target } = setup();
    expect(() => new PinnedChart(stack, 'Bad', { target, chart: 'kueue', values: { controllerManager: { replicas: Number.NaN } } })).toThrow(
      'controllerManager.replicas: NaN is not a finite number; Helm values must be JSON',
    );
  });

  it('blocks values that pull unmirrorable images only when mirrored', () => {
    expect(() => synthOne({ chart: 'kube-prometheus-stack', values: { windowsMonitoring: { enabled: true } }, mirror: MIRROR })).toThrow(
      'values.windowsMonitoring.enabled: the prometheus-windows-exporter sub-chart is not pinned here',
    );
    expect(synthOne({ chart: 'kube-prometheus-stack', values: { windowsMonitoring: { enabled: true } } }).release).toMatchObject({
      chart: 'kube-prometheus-stack',
    });
  });

  it('types values per chart', () => {
    const { stack, target } = setup();
    // @ts-expect-error gpu-operator keys are not Kueue values
    new PinnedChart(stack, 'Wrong', { target, chart: 'kueue', values: { driver: { enabled: true } } });
    expect(releases(stack)).toHaveLength(1);
  });
});
