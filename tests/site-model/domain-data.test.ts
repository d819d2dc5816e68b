/**
 * Issue 14, gaps 4 and 5: validation backed by real domain data. MIG profiles come from
 * NVIDIA's published tables per accelerator, not from memory arithmetic; addresses, host
 * names and URLs are checked with a maintained IP library and the URL parser.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ACCELERATORS } from '../../constructs/gpu/accelerators';
import { migInstancesPerGpu, unitsPerGpu } from '../../constructs/gpu/gpu-sharing';
import { MIG_PROFILES } from '../../constructs/gpu/mig-profiles';
import { loadCatalogue } from '../../site-model/loader';
import { fixtureText, problemsOf, SITES_DIR } from '../helpers';

describe('MIG profiles from the published tables', () => {
  test("an 80 GB part's profile on an H200 is rejected, though its memory would fit", () => {
    expect(problemsOf({ gpuPools: { h100: { accelerator: 'nvidia-h200-sxm', sharing: { mode: 'mig', profile: '1g.10gb' } } } })).toEqual([
      expect.stringMatching(
        /gpuPools\.h100\.sharing\.profile: 1g\.10gb is not a MIG profile of the H200-SXM5-141GB, whose profiles are 1g\.18gb, 1g\.35gb, 2g\.35gb, 3g\.71gb, 4g\.71gb, 7g\.141gb, got "1g\.10gb"; did you mean 1g\.18gb\?$/,
      ),
    ]);
  });

  test('an H200 profile on an H100 is rejected, and a profile that needs more memory says so', () => {
    expect(problemsOf({ gpuPools: { h100: { sharing: { mode: 'mig', profile: '1g.18gb' } } } })).toEqual([
      expect.stringMatching(
        /gpuPools\.h100\.sharing\.profile: 1g\.18gb is not a MIG profile of the H100-SXM5-80GB, whose profiles are 1g\.10gb, .*, got "1g\.18gb"; /,
      ),
    ]);
    expect(problemsOf({ gpuPools: { h100: { sharing: { mode: 'mig', profile: '7g.96gb' } } } })).toEqual([
      expect.stringMatching(
        /gpuPools\.h100\.sharing\.profile: the profile does not fit: 7g\.96gb needs 96 GB but the GPU has 80 GB, got "7g\.96gb"; choose a smaller profile$/,
      ),
    ]);
  });

  test('instances per GPU are the table figures, not arithmetic: an H200 holds four 1g.35gb', () => {
    expect(migInstancesPerGpu('1g.35gb', 'nvidia-h200-sxm')).toBe(4);
    expect(unitsPerGpu('nvidia-h100-sxm', { mode: 'mig', profile: '3g.40gb' })).toBe(2);
    expect(unitsPerGpu('nvidia-gh200', { mode: 'mig', profile: '1g.12gb' })).toBe(7);
  });

  test('every MIG-capable accelerator has a table with its sources, and each profile fits its memory', () => {
    for (const [id, model] of Object.entries(ACCELERATORS).filter(([, m]) => m.migCapable)) {
      const table = MIG_PROFILES[id];
      expect({ id, table: table !== undefined }).toEqual({ id, table: true });
      expect(table.sources.length).toBeGreaterThan(0);
      for (const s of table.sources) expect(s).toMatch(/^https:\/\/(docs\.nvidia\.com|github\.com\/NVIDIA\/)/);
      for (const [profile, n] of Object.entries(table.instancesPerGpu)) {
        const [, g, gb] = /^([1-7])g\.(\d+)gb$/.exec(profile)!;
        expect({ profile, fits: Number(gb) <= (model.memoryGB ?? 0), n: n >= 1 && n <= Math.floor(7 / Number(g)) }).toEqual({ profile, fits: true, n: true });
      }
    }
  });

  test("every MIG pool of the catalogue uses a profile of its accelerator's table", () => {
    const pools = loadCatalogue(SITES_DIR).flatMap((s) => Object.values(s.pools));
    for (const p of pools.filter((x) => x.spec.sharing.mode === 'mig')) {
      const profile = (p.spec.sharing as { profile: string }).profile;
      expect({ pool: p.name, profile, known: profile in MIG_PROFILES[p.spec.accelerator].instancesPerGpu }).toEqual({ pool: p.name, profile, known: true });
    }
  });

  test('the data file cites the NVIDIA MIG user guide and the pinned mig-parted configuration', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'constructs', 'gpu', 'mig-profiles.ts'), 'utf8');
    expect(text).toContain('https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html');
    expect(text).toMatch(/https:\/\/github\.com\/NVIDIA\/mig-parted\/blob\/[0-9a-f]{40}\/deployments\/systemd\/config-default\.yaml/);
  });
});

describe('IP addresses and CIDRs', () => {
  const issuer = (cidr: string) => problemsOf({ identity: { oidcIssuerCidrs: [cidr] } });
  const apiServer = (address: string) => problemsOf({ clusters: { main: { apiServer: { addresses: [address] } } } });

  test.each([
    ['198.51.300.0/24', /the address has the number 300, above 255, got "198\.51\.300\.0\/24"; write four numbers from 0 to 255/],
    ['198.51.100.0/40', /the prefix length 40 is not a number from 0 to 32, got "198\.51\.100\.0\/40"; use a prefix length from 0 to 32/],
    [
      '198.51.100.7/24',
      /has host bits set: the range \/24 around 198\.51\.100\.7 starts at 198\.51\.100\.0, got "198\.51\.100\.7\/24"; did you mean 198\.51\.100\.0\/24\?/,
    ],
    ['010.0.0.0/8', /the address has the number 010 with a leading zero/],
    ['0.0.0.0/0', /is the whole IPv4 internet, not the issuer's range/],
  ])('identity.oidcIssuerCidrs rejects %s at its line', (cidr, message) => {
    expect(issuer(cidr)).toEqual([expect.stringMatching(new RegExp(`^sites/xx-minimal\\.yaml:\\d+ identity\\.oidcIssuerCidrs\\.0: .*${message.source}`))]);
  });

  test('identity.oidcIssuerCidrs accepts real ranges', () => {
    expect(issuer('198.51.100.0/24')).toEqual([]);
    expect(issuer('203.0.113.10/32')).toEqual([]);
  });

  test.each([
    ['10.0.0.300', /must be an IPv4 address or CIDR/],
    ['10.0.0.0/33', /must be an IPv4 address or CIDR/],
    ['10.0.0.10/29', /has host bits set: the range \/29 around 10\.0\.0\.10 starts at 10\.0\.0\.8, got "10\.0\.0\.10\/29"; did you mean 10\.0\.0\.8\/29\?/],
    ['224.0.0.1', /is a multicast address, which no endpoint answers on/],
    ['0.0.0.0', /is a unspecified address|is an unspecified address|unspecified address/],
  ])('clusters.<c>.apiServer.addresses rejects %s', (address, message) => {
    expect(apiServer(address)).toEqual([expect.stringMatching(new RegExp(`clusters\\.main\\.apiServer\\.addresses\\.0: .*${message.source}`))]);
  });

  test('clusters.<c>.apiServer.addresses accepts addresses and ranges', () => {
    expect(apiServer('10.0.0.10')).toEqual([]);
    expect(apiServer('10.0.0.8/29')).toEqual([]);
  });
});

describe('host names, URLs and Kubernetes names', () => {
  test.each([
    [
      { storageTiers: { project: { backend: { server: 'nfs_server.example' } } } },
      /storageTiers\.project\.backend\.server: is not a host name: the label "nfs_server"/,
    ],
    [
      { storageTiers: { project: { backend: { server: '10.1.1.256' } } } },
      /storageTiers\.project\.backend\.server: is not a host name or IPv4 address: it has the number 256, above 255/,
    ],
    [{ state: { backend: 's3', bucket: 'b', endpoint: 'ftp://s3.example.eu', namespace: null } }, /state\.endpoint: must be a https:\/\/ or a http:\/\/ URL/],
    [
      { state: { backend: 's3', bucket: 'b', endpoint: 'https://key:secret@s3.example.eu', namespace: null } },
      /state\.endpoint: holds a user name or password, which must never be written in a site file/,
    ],
    [{ identity: { oidcIssuerUrl: 'http://login.example.eu/realms/x' } }, /identity\.oidcIssuerUrl: must be a https:\/\/ URL/],
    [{ sources: ['https://-bad-.example.eu/page'] }, /sources\.0: is not a host name: the label "-bad-"/],
    [{ sources: ['https://example.eu:99999/'] }, /sources\.0: /],
    [
      { registryMirror: { imageRegistry: 'registry.example.eu:70000/mirror', chartRepository: 'oci://registry.example.eu/charts' } },
      /registryMirror\.imageRegistry: has the port 70000/,
    ],
    [
      { registryMirror: { imageRegistry: 'registry.example.eu', chartRepository: 'oci://reg..example.eu/charts' } },
      /registryMirror\.chartRepository: is not a host name: the label ""/,
    ],
    [{ identity: { directory: { ldap: { uri: 'ldaps://ldap.example.eu:0', searchBase: 'dc=x' } } } }, /identity\.directory\.ldap\.uri: has the port 0/],
    [
      { storageTiers: { project: { backend: { type: 'csi', provisioner: 'Lustre CSI', server: null, share: null } } } },
      /backend\.provisioner: is not a CSI driver name/,
    ],
  ])('rejects %j', (patch, message) => {
    expect(problemsOf(patch)).toEqual([expect.stringMatching(message)]);
  });

  test('accepts host names, IPv4 and IPv6 servers, and https URLs with ports', () => {
    expect(problemsOf({ storageTiers: { project: { backend: { server: 'fd00::10' } } } })).toEqual([]);
    expect(problemsOf({ storageTiers: { project: { backend: { server: '10.1.1.20' } } } })).toEqual([]);
    expect(problemsOf({ state: { backend: 's3', bucket: 'b', endpoint: 'https://s3.example.eu:9000', namespace: null } })).toEqual([]);
    expect(problemsOf({ sources: ['https://www.eurohpc-ju.europa.eu/ai-factories_en'] })).toEqual([]);
  });
});

describe('Kubernetes quantities', () => {
  test.each([
    [
      { storageTiers: { project: { capacityTiB: 1e308 } } },
      /storageTiers\.project\.capacityTiB: is more than Kubernetes holds: it becomes a storage quantity in bytes \(an int64\), at most 8,388,607 TiB, got 1e\+308; lower it to 8,388,607 at most$/,
    ],
    [{ gpuPools: { h100: { memoryGiBPerNode: 2 ** 40 } } }, /gpuPools\.h100\.memoryGiBPerNode: is more than Kubernetes holds: .* at most 8,589,934,591 GiB/],
    [
      { gpuPools: { h100: { nodes: 2 ** 31 } } },
      /gpuPools\.h100\.nodes: is more than Kubernetes holds: it becomes a Slurm NodeSet's replica count \(an int32\)/,
    ],
  ])('a value no Kubernetes quantity holds is rejected at validation, not at apply: %j', (patch, message) => {
    expect(problemsOf(patch)).toContainEqual(expect.stringMatching(message));
  });

  /** The fixture with a lab whose volume quota is `volumeQuotaTiB`. */
  const withLab = (volumeQuotaTiB: number) => ({
    storageTiers: {
      object: { role: 'object', capacityTiB: 50, backend: { type: 'rook-ceph', service: 'object' } },
      home: { role: 'home', capacityTiB: 10, backend: { type: 'nfs', server: 'nfs.example.eu', share: '/export/home' } },
    },
    dataLabs: { lab: { tenants: ['acme'], pools: ['h100'], objectTier: 'object', volumeQuotaTiB } },
    identity: { oidcIssuerUrl: 'https://login.example.eu/realms/aif' },
  });

  test("a lab's volume quota must hold the lab's own volumes, or the lab never comes up", () => {
    const line =
      fixtureText(withLab(0.04))
        .split('\n')
        .findIndex((l) => l.includes('volumeQuotaTiB:')) + 1;
    expect(problemsOf(withLab(0.04))).toEqual([
      `sites/xx-minimal.yaml:${line} dataLabs.lab.volumeQuotaTiB: is less than the lab's own volumes: its database (50 GiB) and JupyterHub's (1 GiB) claim 51 GiB, which the lab's ResourceQuota would refuse, so the lab would never come up, got 0.04; raise it to at least 0.0498046875 (51 GiB), plus 0.009765625 (10 GiB) for each notebook user's home volume`,
    ]);
    // 51 GiB exactly fits; a byte less does not.
    expect(problemsOf(withLab(51 / 1024))).toEqual([]);
    expect(problemsOf(withLab((51 * 2 ** 30 - 1) / 2 ** 40))).toHaveLength(1);
  });
});
