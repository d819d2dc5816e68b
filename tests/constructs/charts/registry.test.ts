import * as fs from 'fs';
import * as path from 'path';
import { MIRROR_SPECS } from '../../../constructs/charts/mirror';
import { CHART_DEFINITIONS, CHART_IDS, CHARTS } from '../../../constructs/charts/registry';

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

  it.each(CHART_IDS)('%s: lives in one folder with its pin, mirror spec and typed values', (id) => {
    expect(fs.readdirSync(path.join(CHARTS_DIR, id)).sort()).toEqual(['chart.ts', 'values.ts']);
    expect(CHARTS[id]).toBe(CHART_DEFINITIONS[id].ref);
    expect(MIRROR_SPECS[id]).toBe(CHART_DEFINITIONS[id].mirror);
  });

  it('has a folder for every chart and no other chart folder', () => {
    const folders = fs
      .readdirSync(CHARTS_DIR, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual([...CHART_IDS].sort());
  });
});
