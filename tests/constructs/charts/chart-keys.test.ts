import { CHART_IDS, CHARTS } from '../../../constructs/charts/registry';
import { chartKeyIndex, unknownChartKeys, unknownTopLevelKeys } from './chart-keys';

describe('chart key index fixtures', () => {
  it.each(CHART_IDS)('%s: fixture matches the pinned chart', (chart) => {
    const index = chartKeyIndex(chart);
    expect(index.chart).toBe(chart);
    expect(index.version).toBe(CHARTS[chart].version);
    expect(index.source).toBe(CHARTS[chart].source);
  });

  it('holds sub-chart keys under their alias', () => {
    expect(chartKeyIndex('gpu-operator').keys).toContain('node-feature-discovery.image.repository');
    expect(chartKeyIndex('kube-prometheus-stack').keys).toEqual(
      expect.arrayContaining(['grafana.sidecar.image.registry', 'kube-state-metrics.image.registry', 'prometheus-node-exporter.image.registry']),
    );
    expect(chartKeyIndex('network-operator').keys).toEqual(
      expect.arrayContaining(['sriov-network-operator.images.metricsExporter', 'maintenance-operator-chart.operator.image.name']),
    );
    expect(chartKeyIndex('rook-ceph').keys).toContain('ceph-csi-operator.controllerManager.manager.image.repository');
    expect(chartKeyIndex('amd-gpu-operator').keys).toEqual(
      expect.arrayContaining(['kmm.controller.manager.env.relatedImageWorker', 'node-feature-discovery.image.repository']),
    );
  });

  it('applies the documented packaging rewrite of the kueue images', () => {
    expect(chartKeyIndex('kueue').imageDefaults['controllerManager.manager.image.repository']).toBe('registry.k8s.io/kueue/kueue');
  });
});

describe('unknownChartKeys', () => {
  it('accepts real keys of the defaults, maps and lists included', () => {
    expect(
      unknownChartKeys('gpu-operator', {
        driver: { enabled: true, version: '595.91.07', rdma: { enabled: true } },
        daemonsets: { tolerations: [{ key: 'a', operator: 'Exists' }] },
      }),
    ).toEqual([]);
  });

  it('names every unknown key path as written, and does not descend below it', () => {
    expect(unknownChartKeys('gpu-operator', { driver: { enabeld: true, rdma: { enable: true } }, operatr: { x: { y: 1 } } })).toEqual([
      'driver.enabeld',
      'driver.rdma.enable',
      'operatr',
    ]);
  });

  it('accepts keys that only exist in comments or templates (extraKeys)', () => {
    expect(
      unknownChartKeys('gpu-operator', { dcgmExporter: { config: { name: 'm', create: true, data: 'x' }, hpcJobMapping: { enabled: true, directory: '/d' } } }),
    ).toEqual([]);
    expect(unknownChartKeys('kube-prometheus-stack', { grafana: { adminPassword: 'x' } })).toEqual([]);
    expect(
      unknownChartKeys('csi-driver-nfs', {
        storageClass: { create: true, name: 'nfs', parameters: { server: 's', share: '/' }, mountOptions: ['nfsvers=4.1'] },
      }),
    ).toEqual([]);
    expect(
      unknownChartKeys('lakefs', { image: { repository: 'treeverse/lakefs' }, secrets: { databaseConnectionString: 'x', authEncryptSecretKey: 'y' } }),
    ).toEqual([]);
    expect(
      unknownChartKeys('minio-tenant', {
        tenant: { pools: [{ name: 'p', servers: 4, volumesPerServer: 4, size: '1Ti', storageClassName: 'local' }], configSecret: { existingSecret: true } },
      }),
    ).toEqual([]);
    expect(
      unknownChartKeys('argo-workflows', { artifactRepository: { s3: { bucket: 'b', endpoint: 'e', accessKeySecret: { name: 'n', key: 'k' } } } }),
    ).toEqual([]);
    // ceph-csi-drivers reads these in its templates only: a driver's kubelet path and the controllers' priority class.
    expect(
      unknownChartKeys('ceph-csi-drivers', {
        operatorConfig: { driverSpecDefaults: { controllerPlugin: { priorityClassName: 'system-cluster-critical' } } },
        drivers: { rbd: { nodePlugin: { kubeletDirPath: '/var/lib/kubelet', enableSeLinuxHostMount: false } } },
      }),
    ).toEqual([]);
  });

  it('accepts any key below an empty-map default and a Kubernetes passthrough', () => {
    expect(
      unknownChartKeys('kube-prometheus-stack', {
        prometheus: { prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: { storageClassName: 'x' } } } } },
      }),
    ).toEqual([]);
    expect(unknownChartKeys('gpu-operator', { operator: { resources: { limits: { 'nvidia.com/gpu': 1 } }, nodeSelector: { a: 'b' } } })).toEqual([]);
  });

  it('still checks list items whose defaults have structure', () => {
    expect(unknownChartKeys('minio-tenant', { tenant: { pools: [{ name: 'p', serverz: 4 }] } })).toEqual(['tenant.pools[0].serverz']);
  });

  it('accepts user-named entries of free-form maps', () => {
    expect(unknownChartKeys('slurm', { configFiles: { 'gres.conf': 'AutoDetect=nvidia' }, controller: { extraConfMap: { GresTypes: 'gpu' } } })).toEqual([]);
    expect(unknownChartKeys('rook-ceph-cluster', { cephClusterSpec: { storage: { useAllNodes: false, nodes: [{ name: 'n1' }] }, mon: { count: 3 } } })).toEqual(
      [],
    );
    expect(unknownChartKeys('kueue', { managerConfig: { controllerManagerConfigYaml: 'apiVersion: x' } })).toEqual([]);
  });

  it('checks slurm nodeset and loginset entries against their defaults blocks', () => {
    const values = {
      nodesets: {
        h100: {
          replicas: 8,
          slurmd: { resources: { limits: { 'nvidia.com/gpu': 8 } }, imag: {} },
          extraConfMap: { Gres: ['gpu:h100:8'] },
          partition: { enabled: true },
          podSpec: { nodeSelector: { pool: 'h100' } },
        },
      },
      loginsets: { main: { login: { image: { repository: 'x' } }, loginz: 1 } },
      partitions: { gpu: { enabled: true, nodesets: ['h100'], configMap: { MaxTime: 'UNLIMITED' } } },
    };
    expect(unknownChartKeys('slurm', values)).toEqual(['nodesets.h100.slurmd.imag', 'loginsets.main.loginz']);
  });

  it('flags keys that the defaults still carry but the chart no longer reads', () => {
    expect(unknownChartKeys('network-operator', { 'node-feature-discovery': { enableNodeFeatureApi: true, featureGates: { NodeFeatureAPI: true } } })).toEqual([
      'node-feature-discovery.enableNodeFeatureApi',
      'node-feature-discovery.featureGates.NodeFeatureAPI',
    ]);
    // The chart names the NFS node plugin's service account itself.
    expect(unknownChartKeys('ceph-csi-drivers', { drivers: { nfs: { nodePlugin: { serviceAccountName: 'sa' } } } })).toEqual([
      'drivers.nfs.nodePlugin.serviceAccountName',
    ]);
  });
});

describe('strict top-level schemas', () => {
  it.each(['mlflow', 'jupyterhub', 'cert-manager'] as const)('%s rejects unknown top-level keys', (chart) => {
    expect(chartKeyIndex(chart).strictTopLevel).toBe(true);
    expect(unknownTopLevelKeys(chart, { notAKey: 1 })).toEqual(['notAKey']);
  });

  it('accepts the top-level keys the charts define', () => {
    expect(unknownTopLevelKeys('mlflow', { backendStore: {}, artifactRoot: {}, extraEnvVars: {}, imagePullSecrets: [] })).toEqual([]);
    expect(unknownTopLevelKeys('jupyterhub', { hub: {}, singleuser: {}, imagePullSecrets: [] })).toEqual([]);
    expect(unknownTopLevelKeys('cert-manager', { crds: {}, imageRegistry: 'x', global: {} })).toEqual([]);
  });
});
