import { parse } from 'yaml';
import { parseImage } from '../../constructs/charts/mirror';
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

describe('AMD sites pass the image policy, with and without a mirror', () => {
  const MI300 = { accelerator: 'amd-mi300x', nodes: 2, acceleratorsPerNode: 8, cpusPerNode: 64, memoryGiBPerNode: 1024, interconnect: 'infiniband' };
  const variants = {
    'AMD only': { gpuPools: { h100: null, mi300: MI300 }, tenants: { acme: { gpuQuota: { h100: null, mi300: { guaranteed: 8, max: 16 } } } } },
    'AMD beside NVIDIA': { gpuPools: { mi300: MI300 } },
  };
  const cases = Object.entries(variants).flatMap(([name, patch]) => [
    [`${name}, upstream registries`, patch],
    [`${name}, mirrored`, { ...patch, registryMirror: MIRROR }],
  ]) as [string, object][];

  test.each(cases)('%s: no image with a moving tag and, with a mirror, none from outside it', (_name, patch) => {
    const { stacks } = buildSite(siteSpec(patch));
    const findings = checkSitePolicies(stacks).filter((f) => f.ruleId === 'AIF-IMG-1' || f.ruleId === 'AIF-MIR-1');
    expect(findings.map((f) => `${f.ruleId} ${f.path}: ${f.details.join('; ')}`)).toEqual([]);
  });

  test.each(cases)('%s: the AMD operator deploys only pinned images, its defaults included', (name, patch) => {
    // The AMD chart brings its own NFD only when no GPU Operator (with its NFD) is installed.
    const nfd = name.startsWith('AMD only');
    const { stacks } = buildSite(siteSpec(patch));
    const amd = resources(synthJson(stacks.platform), 'helm_release').find((r) => r.chart === 'gpu-operator-charts');
    // Operands the project leaves off (metrics exporter, test runner, config manager, DRA driver,
    // remediation, KMM) deploy nothing, so their `latest` defaults are not pulled: exactly these.
    const images = imageRefs({ type: 'helm_release', path: 'amd', construct: stacks.platform, config: amd ?? {} });
    // Upstream references, whether mirrored or not (`busybox` is `docker.io/library/busybox`).
    const upstream = (repository: string) => {
      const { host, path } = parseImage(repository.replace(`${MIRROR.imageRegistry}/`, ''));
      return `${host}/${path}`;
    };
    const byPath = Object.fromEntries(images.map((ref) => [ref.path, `${upstream(ref.repository)}:${ref.tag ?? '(chart)'}`]));
    expect(byPath).toEqual({
      'values.controllerManager.manager.image': 'docker.io/rocm/amd-gpu-operator:v1.5.1',
      'values.deviceConfig.spec.commonConfig.initContainerImage': 'docker.io/library/busybox:1.36',
      'values.deviceConfig.spec.commonConfig.utilsContainer.image': 'docker.io/rocm/amd-gpu-operator-utils:v1.5.1',
      'values.deviceConfig.spec.devicePlugin.devicePluginImage': 'docker.io/rocm/k8s-device-plugin:1.31.0.10',
      'values.deviceConfig.spec.devicePlugin.nodeLabellerImage': 'docker.io/rocm/k8s-device-plugin:labeller-1.31.0.10',
      ...(nfd ? { 'values.node-feature-discovery.image': 'registry.k8s.io/nfd/node-feature-discovery:(chart)' } : {}),
    });
  });
});
