import * as fs from 'fs';
import * as path from 'path';
import { MIRROR_SPECS } from '../../../constructs/charts/mirror';
import {
  CHART_DEFINITIONS,
  CHART_IDS,
  chartIdOf,
  CHARTS,
  compareKubernetes,
  KUBERNETES_REQUIREMENT,
  kubeVersionFloor,
  parseKubernetesVersion,
} from '../../../constructs/charts/registry';

const CHARTS_DIR = path.join(__dirname, '..', '..', '..', 'constructs', 'charts');

describe('chart registry', () => {
  it('pins the published versions', () => {
    expect(Object.fromEntries(CHART_IDS.map((id) => [id, CHARTS[id].version]))).toEqual({
      'gpu-operator': 'v26.7.0',
      'network-operator': '26.4.1',
      'node-feature-discovery': '0.19.0',
      'kube-prometheus-stack': '88.5.3',
      'cert-manager': 'v1.21.1',
      kueue: '0.19.2',
      'amd-gpu-operator': 'v1.5.1',
      'slurm-operator-crds': '1.2.1',
      'slurm-operator': '1.2.1',
      slurm: '1.2.1',
      'rook-ceph': 'v1.20.6',
      'ceph-csi-drivers': '1.0.4',
      'rook-ceph-cluster': 'v1.20.6',
      'csi-driver-nfs': '4.13.4',
      'minio-operator': '7.1.1',
      'minio-tenant': '7.1.1',
      jupyterhub: '4.4.0',
      mlflow: '1.11.5',
      lakefs: '1.12.16',
      'argo-workflows': '1.0.18',
    });
  });

  it.each(CHART_IDS)('%s: repository and chart take the form helm_release expects', (id) => {
    const ref = CHARTS[id];
    expect(ref.repository).toMatch(/^(https:\/\/|oci:\/\/)\S+$/);
    // OCI: the repository is the parent, the chart name is not repeated in it
    if (ref.repository.startsWith('oci://')) expect(ref.repository.endsWith(`/${ref.chart}`)).toBe(false);
    expect(ref.chart).toMatch(/^[a-z0-9-]+$/);
    expect(ref.namespace).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it('installs OCI charts from their oci:// parents', () => {
    expect(CHARTS.kueue).toMatchObject({ repository: 'oci://registry.k8s.io/kueue/charts', chart: 'kueue' });
    expect(CHARTS['cert-manager']).toMatchObject({ repository: 'oci://quay.io/jetstack/charts', chart: 'cert-manager' });
    expect(CHARTS.slurm).toMatchObject({ repository: 'oci://ghcr.io/slinkyproject/charts', chart: 'slurm' });
    expect(CHARTS['kube-prometheus-stack']).toMatchObject({ repository: 'oci://ghcr.io/prometheus-community/charts', chart: 'kube-prometheus-stack' });
  });

  it.each(CHART_IDS)('%s: lives in one folder with its pin, mirror spec, default images and typed values', (id) => {
    expect(fs.readdirSync(path.join(CHARTS_DIR, id)).sort()).toEqual(['chart.ts', 'default-images.ts', 'values.ts']);
    expect(CHARTS[id]).toBe(CHART_DEFINITIONS[id].ref);
    expect(MIRROR_SPECS[id]).toBe(CHART_DEFINITIONS[id].mirror);
  });

  it('finds a release by chart name and version, whatever repository it comes from', () => {
    expect(CHART_IDS.map((id) => chartIdOf(CHARTS[id].chart, CHARTS[id].version))).toEqual(CHART_IDS);
    expect(chartIdOf('gpu-operator-charts', 'v1.5.1')).toBe('amd-gpu-operator');
    expect(chartIdOf('gpu-operator-charts', 'v1.5.0')).toBeUndefined();
    expect(chartIdOf('demo', '1.0.0')).toBeUndefined();
  });

  it('has a folder for every chart and no other chart folder', () => {
    const folders = fs
      .readdirSync(CHARTS_DIR, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual([...CHART_IDS].sort());
  });
});

describe('Kubernetes versions the pinned charts need', () => {
  it("carries each chart's kubeVersion from its Chart.yaml", () => {
    expect(Object.fromEntries(CHART_IDS.map((id) => [id, CHARTS[id].kubeVersion]))).toEqual({
      'gpu-operator': '>= 1.16.0-0',
      'network-operator': '>= 1.21.0-0',
      'node-feature-discovery': null,
      'kube-prometheus-stack': '>=1.25.0-0',
      'cert-manager': '>= 1.22.0-0',
      kueue: null,
      'amd-gpu-operator': '>= 1.29.0-0',
      'slurm-operator-crds': null,
      'slurm-operator': '>= 1.29.0-0',
      slurm: '>= 1.29.0-0',
      'rook-ceph': null,
      'ceph-csi-drivers': null,
      'rook-ceph-cluster': null,
      'csi-driver-nfs': null,
      'minio-operator': null,
      'minio-tenant': null,
      jupyterhub: '>=1.28.0-0',
      mlflow: '>=1.16.0-0',
      lakefs: null,
      'argo-workflows': null,
    });
  });

  it.each(CHART_IDS.filter((id) => CHARTS[id].kubeVersion !== null))('%s: its kubeVersion has a form the project reads', (id) => {
    expect(kubeVersionFloor(CHARTS[id].kubeVersion ?? '')).toEqual(expect.objectContaining({ major: 1 }));
  });

  it("needs Kubernetes 1.30, for the tenant pod policy's API; the newest chart floor, 1.29, is below it", () => {
    expect(KUBERNETES_REQUIREMENT).toEqual({
      version: '1.30',
      minor: { major: 1, minor: 30 },
      charts: [],
      apis: ['the tenant pod policy (ValidatingAdmissionPolicy, admissionregistration.k8s.io/v1)'],
      neededBy: 'the tenant pod policy (ValidatingAdmissionPolicy, admissionregistration.k8s.io/v1)',
    });
    const chartFloors = CHART_IDS.flatMap((id) => {
      const floor = kubeVersionFloor(CHARTS[id].kubeVersion ?? '');
      return floor ? [floor.minor] : [];
    });
    expect(Math.max(...chartFloors)).toBe(29);
  });

  it('reads the lower bounds of kubeVersion constraints, and nothing else', () => {
    expect(kubeVersionFloor('>= 1.29.0-0')).toEqual({ major: 1, minor: 29 });
    expect(kubeVersionFloor('>=1.25.0-0')).toEqual({ major: 1, minor: 25 });
    expect(kubeVersionFloor('^1.25.0-0')).toEqual({ major: 1, minor: 25 });
    expect(kubeVersionFloor('< 1.30.0')).toBeUndefined();
    expect(kubeVersionFloor('>= 1.29.3')).toBeUndefined();
  });

  it('parses and orders cluster versions as sites state them', () => {
    expect(['1.29', '1.31.4', 'v1.30.2', '1.3', 'latest'].map(parseKubernetesVersion)).toEqual([
      { major: 1, minor: 29 },
      { major: 1, minor: 31 },
      { major: 1, minor: 30 },
      { major: 1, minor: 3 },
      undefined,
    ]);
    expect(compareKubernetes({ major: 1, minor: 29 }, KUBERNETES_REQUIREMENT.minor)).toBeLessThan(0);
    expect(compareKubernetes({ major: 1, minor: 31 }, KUBERNETES_REQUIREMENT.minor)).toBeGreaterThan(0);
    expect(compareKubernetes({ major: 2, minor: 0 }, KUBERNETES_REQUIREMENT.minor)).toBeGreaterThan(0);
  });
});
