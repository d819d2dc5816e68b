/**
 * Sensitive labs are sealed: no NetworkPolicy in a sensitive lab's namespace, and no policy
 * its charts would add, lets a pod reach an address range wider than the site file states
 * (the cluster's API server endpoints, the OIDC issuer's public ranges). Checked on every
 * catalogue site with a sensitive lab and on the fixture with one, as synthesized.
 */
import { parse } from 'yaml';
import { loadCatalogue } from '../../../site-model/loader';
import type { SiteModel } from '../../../site-model/resolve';
import { catalogueSynth } from '../../catalogue-synth';
import { resources, siteModel, SITES_DIR, synthSite, type SynthJson } from '../../helpers';

type Json = Record<string, unknown>;

/** An IPv4 CIDR as [first, last] address numbers. */
function range(cidr: string): [number, number] {
  const [ip, bits = '32'] = cidr.split('/');
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  const first = n - (n % size);
  return [first, first + size - 1];
}

/** Whether `inner` lies within one of `outer`. */
const within = (inner: string, outer: readonly string[]): boolean => {
  const [a, b] = range(inner);
  return outer.some((o) => {
    const [c, d] = range(o);
    return a >= c && b <= d;
  });
};

/** Every ipBlock an egress rule of a NetworkPolicy in `namespace` allows, with the policy's name. */
function egressBlocks(json: SynthJson, namespace: string): { policy: string; cidr: string; except: string[] }[] {
  return resources(json, 'kubernetes_network_policy_v1')
    .filter((p) => (p.metadata as { namespace: string }).namespace === namespace)
    .flatMap((p) =>
      ((p.spec as { egress?: { to?: { ip_block?: { cidr: string; except?: string[] } }[] }[] }).egress ?? []).flatMap((rule) =>
        (rule.to ?? []).flatMap((peer) =>
          peer.ip_block ? [{ policy: (p.metadata as { name: string }).name, cidr: peer.ip_block.cidr, except: peer.ip_block.except ?? [] }] : [],
        ),
      ),
    );
}

/** The sensitive labs of a site, with the ranges the site states for them. */
function sensitiveLabs(site: SiteModel, json: SynthJson): { lab: string; namespace: string; stated: string[] }[] {
  const labs = Object.values(site.labs).filter((l) => l.spec.sensitive ?? l.spec.sector === 'healthcare');
  return labs.map((l) => {
    const api = site.spec.clusters[l.cluster].apiServer;
    const stated = [...(api?.addresses ?? []).map((a) => (a.includes('/') ? a : `${a}/32`)), ...site.spec.identity.oidcIssuerCidrs];
    expect({
      lab: l.name,
      namespaces: resources(json, 'kubernetes_namespace_v1').some((n) => (n.metadata as { name: string }).name === `lab-${l.name}`),
    }).toEqual({
      lab: l.name,
      namespaces: true,
    });
    return { lab: l.name, namespace: `lab-${l.name}`, stated };
  });
}

/** The JupyterHub release values of a lab namespace. */
function hubValues(json: SynthJson, namespace: string): Json {
  const release = resources(json, 'helm_release').find((r) => r.namespace === namespace && r.chart === 'jupyterhub');
  return Object.assign({}, ...((release?.values as string[] | undefined) ?? []).map((v) => parse(v) as Json)) as Json;
}

const FIXTURE_SENSITIVE = {
  clusters: { main: { apiServer: { addresses: ['10.0.0.10', '10.0.0.11'], port: 6443 } } },
  storageTiers: { object: { role: 'object', capacityTiB: 10, backend: { type: 'minio' } } },
  identity: { oidcIssuerUrl: 'https://login.example.eu/realms/aif', oidcIssuerCidrs: ['192.0.2.0/24'] },
  dataLabs: { clinic: { tenants: ['acme'], pools: ['h100'], sector: 'healthcare', objectTier: 'object' } },
};

const cases: [string, () => { site: SiteModel; workloads: SynthJson }][] = [
  [
    'the fixture with a healthcare lab',
    () => {
      const site = siteModel(FIXTURE_SENSITIVE);
      return { site, workloads: synthSite(site).workloads };
    },
  ],
  ...loadCatalogue(SITES_DIR)
    .filter((s) => Object.values(s.labs).some((l) => l.spec.sensitive ?? l.spec.sector === 'healthcare'))
    .map((s): [string, () => { site: SiteModel; workloads: SynthJson }] => [s.spec.id, () => ({ site: s, workloads: catalogueSynth(s.spec.id).workloads })]),
];

describe.each(cases)('sensitive labs of %s', (_, load) => {
  const { site, workloads } = load();
  const labs = sensitiveLabs(site, workloads);

  test('the site has a sensitive lab to check', () => expect(labs.length).toBeGreaterThan(0));

  test('no egress rule allows a range wider than the site states', () => {
    for (const { lab, namespace, stated } of labs) {
      const blocks = egressBlocks(workloads, namespace);
      // The hub's and Argo's rules to the API server are there to be checked.
      expect(blocks.filter((b) => b.policy === 'allow-hub-control-plane').length).toBeGreaterThan(0);
      const wider = blocks.filter((b) => !within(b.cidr, stated));
      expect({ lab, wider }).toEqual({ lab, wider: [] });
    }
  });

  test("the charts' own policies allow no address range: private, link-local, metadata server or internet", () => {
    for (const { lab, namespace } of labs) {
      const values = hubValues(workloads, namespace);
      for (const path of ['hub', 'singleuser', 'proxy.chp', 'proxy.traefik']) {
        const policy = path.split('.').reduce<unknown>((v, k) => (v as Json | undefined)?.[k], values) as
          { egressAllowRules?: Record<string, boolean> } | undefined;
        const open = Object.entries(policy?.egressAllowRules ?? {})
          .filter(([rule, on]) => on && rule !== 'dnsPortsKubeSystemNamespace')
          .map(([rule]) => rule);
        expect({ lab, path, open }).toEqual({ lab, path, open: [] });
      }
    }
  });
});

describe('the containment the checks rely on', () => {
  test('ranges inside, equal, wider and disjoint', () => {
    expect(within('10.0.0.10/32', ['10.0.0.10/32'])).toBe(true);
    expect(within('10.0.0.8/30', ['10.0.0.0/24'])).toBe(true);
    expect(within('10.0.0.0/8', ['10.0.0.10/32'])).toBe(false);
    expect(within('169.254.0.0/16', ['10.0.0.0/8', '192.0.2.0/24'])).toBe(false);
  });

  test('a sensitive lab opened to the private ranges would fail the check', () => {
    expect(within('10.0.0.0/8', ['10.0.0.10/32', '10.0.0.11/32'])).toBe(false);
  });
});
