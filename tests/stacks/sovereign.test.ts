import { parse } from 'yaml';
import { imageRefs } from '../../constructs/policies/images';
import { checkSitePolicies } from '../../stacks/site';
import { buildSite, resources, siteSpec, synthJson } from '../helpers';

const MIRROR = { imageRegistry: 'registry.site.eu/mirror', chartRepository: 'oci://registry.site.eu/charts', pullSecretName: 'mirror-pull' };

describe('sovereign (mirrored) installs', () => {
  const spec = siteSpec({
    registryMirror: MIRROR,
    gpuPools: { mi300: { accelerator: 'amd-mi300x', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 64, memoryGiBPerNode: 1024, interconnect: 'infiniband' } },
  });
  const { stacks } = buildSite(spec);
  const platform = synthJson(stacks.platform);
  const workloads = synthJson(stacks.workloads);

  test('every chart comes from the mirror, at its pinned version', () => {
    const all = [...resources(platform, 'helm_release'), ...resources(workloads, 'helm_release')];
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const r of all) expect([r.name, r.repository]).toEqual([r.name, MIRROR.chartRepository]);
  });

  test('every image written into values points at the mirror, keeping the upstream host in the path', () => {
    const gpu = parse((resources(platform, 'helm_release').find((r) => r.name === 'gpu-operator')?.values as string[])[0]) as {
      operator: { repository: string };
      driver: { repository: string };
    };
    expect(gpu.operator.repository).toBe('registry.site.eu/mirror/nvcr.io/nvidia');
    expect(gpu.driver.repository).toBe('registry.site.eu/mirror/nvcr.io/nvidia');
    const nic = resources(workloads, 'kubernetes_manifest').find((m) => (m.manifest as { kind: string }).kind === 'NicClusterPolicy')?.manifest as {
      spec: { rdmaSharedDevicePlugin: { repository: string } };
    };
    expect(nic.spec.rdmaSharedDevicePlugin.repository).toBe('registry.site.eu/mirror/nvcr.io/nvidia/mellanox');
  });

  test('the policy pack finds no chart or image outside the mirror', () => {
    const findings = checkSitePolicies(stacks).filter((f) => f.ruleId === 'AIF-MIR-1');
    expect(findings).toEqual([]);
    // Checked directly too, so a rule that saw nothing could not make this pass.
    const images = [...resources(platform, 'helm_release'), ...resources(workloads, 'helm_release')].flatMap((r) =>
      imageRefs({ type: 'helm_release', path: String(r.name), construct: stacks.platform, config: r }),
    );
    expect(images.length).toBeGreaterThan(10);
    expect(images.filter((ref) => !ref.repository.startsWith(`${MIRROR.imageRegistry}/`))).toEqual([]);
  });
});
