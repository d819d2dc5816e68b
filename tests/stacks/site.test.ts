import { resourceCounts, resourceNamed, resources, siteSpec, synthSite } from '../helpers';

describe('site stacks', () => {
  test('a site gets a platform and a workloads stack named <site-id>-<layer>, workloads after platform', () => {
    const { stacks } = synthSite(siteSpec());
    expect(stacks.platform.node.id).toBe('xx-minimal-platform');
    expect(stacks.workloads.node.id).toBe('xx-minimal-workloads');
    expect(stacks.workloads.dependencies).toEqual([stacks.platform]);
    expect(stacks.platform.dependencies).toEqual([]);
  });

  test('providers come from the site file cluster, aliased by its name even when it is the only one', () => {
    const { platform, workloads } = synthSite(siteSpec());
    for (const json of [platform, workloads]) {
      expect(json.provider.kubernetes).toEqual([{ alias: 'main', config_path: '~/.kube/config', config_context: 'minimal' }]);
      expect(json.provider.helm).toEqual([{ alias: 'main', kubernetes: { config_path: '~/.kube/config', config_context: 'minimal' } }]);
      // Every resource names its cluster's provider: none falls back to an unaliased default.
      const used = new Set(Object.values(json.resource).flatMap((byName) => Object.values(byName).map((r) => r.provider)));
      expect(used.size).toBeGreaterThan(0);
      for (const provider of used) expect(['kubernetes.main', 'helm.main']).toContain(provider);
    }
  });

  test('several clusters get aliased providers, and each pool lands on its own cluster', () => {
    const spec = siteSpec({
      clusters: { edge: { kubeconfigPath: '/etc/edge.yaml', context: 'edge' } },
      gpuPools: {
        h100: { cluster: 'main' },
        l40: {
          cluster: 'edge',
          accelerator: 'nvidia-h200-sxm',
          nodes: 2,
          acceleratorsPerNode: 8,
          cpusPerNode: 64,
          memoryGiBPerNode: 1024,
          interconnect: 'ethernet',
        },
      },
    });
    const { platform, workloads } = synthSite(spec);
    expect(platform.provider.kubernetes).toEqual([
      { alias: 'main', config_path: '~/.kube/config', config_context: 'minimal' },
      { alias: 'edge', config_path: '/etc/edge.yaml', config_context: 'edge' },
    ]);
    expect(resourceNamed(platform, 'kubernetes_config_map_v1', 'pool-l40').provider).toBe('kubernetes.edge');
    expect(resourceNamed(platform, 'kubernetes_config_map_v1', 'pool-h100').provider).toBe('kubernetes.main');
    // Tenants exist on every cluster; GPU quota only where the pool is.
    const quotas = resources(workloads, 'kubernetes_resource_quota_v1');
    expect(quotas.map((q) => q.provider).sort()).toEqual(['kubernetes.edge', 'kubernetes.main']);
    const mainQuota = quotas.find((q) => q.provider === 'kubernetes.main') as { spec: { hard: Record<string, string> } };
    const edgeQuota = quotas.find((q) => q.provider === 'kubernetes.edge') as { spec: { hard: Record<string, string> } };
    expect(mainQuota.spec.hard['requests.nvidia.com/gpu']).toBe('16');
    // No quota on the edge pool: its GPUs are listed with 0, so the namespace cannot ask for any.
    expect(edgeQuota.spec.hard['requests.nvidia.com/gpu']).toBe('0');
  });

  describe('state backend', () => {
    test('kubernetes: one secret suffix per stack, cluster from the site file', () => {
      const { platform, workloads } = synthSite(siteSpec());
      expect(platform.terraform.backend).toEqual({
        kubernetes: { secret_suffix: 'xx-minimal-platform', namespace: 'terraform-state', config_path: '~/.kube/config', config_context: 'minimal' },
      });
      expect(workloads.terraform.backend.kubernetes.secret_suffix).toBe('xx-minimal-workloads');
    });

    test('s3: S3-compatible endpoint, lock file, one key per stack', () => {
      const { platform, workloads } = synthSite(siteSpec({ state: { backend: 's3', bucket: 'tf', endpoint: 'https://s3.site.example', namespace: null } }));
      expect(platform.terraform.backend.s3).toEqual({
        bucket: 'tf',
        key: 'xx-minimal/xx-minimal-platform.tfstate',
        region: 'eu-central-1',
        endpoints: { s3: 'https://s3.site.example' },
        use_path_style: true,
        use_lockfile: true,
        skip_credentials_validation: true,
        skip_region_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_s3_checksum: true,
      });
      expect(workloads.terraform.backend.s3.key).toBe('xx-minimal/xx-minimal-workloads.tfstate');
    });

    test('pg: one schema per stack and no connection string in the output', () => {
      const { platform } = synthSite(siteSpec({ state: { backend: 'pg', namespace: null } }));
      expect(platform.terraform.backend).toEqual({ pg: { schema_name: 'xx_minimal_platform' } });
    });

    test('local: only on development sites, one file per stack', () => {
      const { workloads } = synthSite(siteSpec({ development: true, state: { backend: 'local', namespace: null } }));
      expect(workloads.terraform.backend).toEqual({ local: { path: 'terraform.xx-minimal-workloads.tfstate' } });
    });
  });

  test('the platform stack holds the site descriptor and one descriptor per pool', () => {
    const { platform } = synthSite(siteSpec());
    // Both name the system namespace by reference, so Terraform creates the namespace first.
    const [nsAddress] = Object.entries(platform.resource.kubernetes_namespace_v1)
      .filter(([, ns]) => (ns.metadata as { name: string }).name === 'aif-system')
      .map(([address]) => address);
    const inSystemNamespace = `\${kubernetes_namespace_v1.${nsAddress}.metadata[0].name}`;
    const site = resourceNamed(platform, 'kubernetes_config_map_v1', 'site', inSystemNamespace) as { data: Record<string, string> };
    expect(site.data).toMatchObject({ id: 'xx-minimal', kind: 'factory', country: 'DE', cluster: 'main' });
    const pool = resourceNamed(platform, 'kubernetes_config_map_v1', 'pool-h100', inSystemNamespace) as { data: Record<string, string> };
    expect(JSON.parse(pool.data['pool.json'])).toMatchObject({ accelerator: 'nvidia-h100-sxm', nodes: 4, resourceName: 'nvidia.com/gpu' });
  });

  test('resource count does not depend on node count', () => {
    const small = resourceCounts(synthSite(siteSpec()).platform);
    const large = resourceCounts(synthSite(siteSpec({ gpuPools: { h100: { nodes: 10000 } } })).platform);
    expect(large).toEqual(small);
  });
});
