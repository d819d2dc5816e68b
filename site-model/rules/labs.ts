/** Rules of `dataLabs:`: references to tenants, pools and tiers of the right role, all in one cluster. */
import { labCluster, labVolumeTier, poolOwnership, poolUses, tierClusters } from '../resolve';
import { labOwnClaimsProblem } from '../../constructs/labs/lab-quota';
import { SENSITIVE_SECTORS } from '../../constructs/tenancy/tenant';
import type { RuleContext } from './context';

/** Checks the data labs of a site file, and the identity settings they need. */
export function labRules(ctx: RuleContext): void {
  const { spec, pools, tenants, tiers, clusters, capacities } = ctx;
  const poolSpecs = spec.gpuPools ?? {};
  const tierSpecs = spec.storageTiers ?? {};
  let resolvedLabs = 0;
  for (const [lname, lab] of Object.entries(spec.dataLabs ?? {})) {
    const at = ['dataLabs', lname];
    const before = ctx.problems.length;
    lab.tenants.forEach((t, i) => {
      if (!tenants.includes(t)) ctx.add([...at, 'tenants', i], 'names a tenant that does not exist', t, `use one of ${ctx.list(tenants)}`);
    });
    lab.pools.forEach((p, i) => {
      if (!pools.includes(p)) ctx.add([...at, 'pools', i], 'names a GPU pool that does not exist', p, `use one of ${ctx.list(pools)}`);
    });
    const firstPool = lab.pools.find((p) => poolSpecs[p] !== undefined);
    const cluster = labCluster(lab, poolSpecs, clusters);
    // A sensitive lab reaches the API server at its stated endpoints and nowhere wider.
    const sensitive = lab.sensitive ?? SENSITIVE_SECTORS.includes(lab.sector ?? '');
    const clusterSpec = cluster !== undefined ? spec.clusters?.[cluster] : undefined;
    if (sensitive && cluster !== undefined && clusterSpec && clusterSpec.apiServer === undefined) {
      ctx.add(
        ['clusters', cluster],
        `needs apiServer: sensitive data lab ${lname} runs there, and its hub and Argo may reach the API server only at its stated endpoints, not the private ranges`,
        ctx.described('no apiServer'),
        'add apiServer: { addresses: [<API server endpoint IPs>], port: 6443 } (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes)',
      );
    }
    lab.pools.forEach((p, i) => {
      const c = poolSpecs[p] ? ctx.poolCluster(p) : undefined;
      if (c !== undefined && cluster !== undefined && c !== cluster) {
        ctx.add(
          [...at, 'pools', i],
          `is in cluster ${c}, but a lab runs in one cluster and its first pool ${firstPool} is in ${cluster}`,
          p,
          `use pools of cluster ${cluster} only, or split the lab`,
        );
      }
    });
    for (const field of ['objectTier', 'volumeTier'] as const) {
      const tier = lab[field];
      if (tier === undefined) continue;
      if (!tiers.includes(tier)) {
        ctx.add([...at, field], 'names a storage tier that does not exist', tier, `use one of ${ctx.list(tiers)}`);
        continue;
      }
      const tierSpec = tierSpecs[tier];
      const role = tierSpec?.role;
      if (field === 'objectTier' && role !== undefined && role !== 'object') {
        ctx.add([...at, field], `must be a tier with role object, but ${tier} has role ${role}`, tier, 'name an object tier');
      }
      if (field === 'volumeTier' && role === 'object') {
        ctx.add([...at, field], `must be a tier that holds volumes, but ${tier} has role object`, tier, 'name a home or project tier');
      }
      const served = tierSpec ? tierClusters(tierSpec, clusters) : [];
      if (tierSpec && cluster !== undefined && served.length > 0 && !served.includes(cluster)) {
        ctx.add(
          [...at, field],
          `is served in cluster ${served.join(', ')}, but the lab runs in cluster ${cluster} (where its pools are)`,
          tier,
          `use a tier of cluster ${cluster}, or set that tier's cluster to ${cluster}`,
        );
      }
    }
    const volumeTier = labVolumeTier(lab, tierSpecs);
    if (lab.volumeTier === undefined && volumeTier !== undefined && cluster !== undefined) {
      const served = tierClusters(tierSpecs[volumeTier], clusters);
      if (served.length > 0 && !served.includes(cluster)) {
        ctx.add(
          at,
          `keeps its volumes on the home tier ${volumeTier}, which is served in cluster ${served.join(', ')}, not in the lab's cluster ${cluster}`,
          ctx.described('no volumeTier'),
          `set volumeTier: to a tier of cluster ${cluster}`,
        );
      }
    }
    if (lab.gpusPerNotebook > lab.gpusPerPool) {
      ctx.add(
        [...at, 'gpusPerNotebook'],
        `must not exceed gpusPerPool (${lab.gpusPerPool}), or no notebook could start`,
        lab.gpusPerNotebook,
        `lower it, or raise gpusPerPool to at least ${lab.gpusPerNotebook}`,
      );
    }
    lab.pools.forEach((p) => {
      const capacity = capacities.get(p);
      const pool = spec.gpuPools?.[p];
      const ownership = pool ? poolOwnership(pool, poolUses(spec, p)) : undefined;
      if (capacity === undefined || pool === undefined || ownership === undefined || typeof ownership === 'string' || ownership.kubernetes === 0) return;
      // Notebooks run on the nodes Kubernetes owns (the pool's ownership rules report none).
      const owned = (capacity * ownership.kubernetes) / pool.nodes;
      if (lab.gpusPerPool > owned) {
        ctx.add(
          [...at, 'gpusPerPool'],
          owned === capacity ? `exceeds the capacity of pool ${p} (${capacity})` : `exceeds the ${owned} units on pool ${p}'s Kubernetes-owned nodes`,
          lab.gpusPerPool,
          `lower it to ${owned} at most`,
        );
      }
    });
    if (ctx.problems.length === before) resolvedLabs++;
    // The lab's ResourceQuota holds its volume quota in bytes; its own claims must fit.
    const ownClaims = labOwnClaimsProblem(lab.volumeQuotaTiB);
    if (ownClaims) ctx.add([...at, 'volumeQuotaTiB'], ownClaims.problem, lab.volumeQuotaTiB, ownClaims.fix);
  }
  // JupyterHub in every lab signs users in with the site's issuer. Checked once the labs'
  // own references resolve, since a lab that names nothing real would not be built anyway.
  if (resolvedLabs > 0 && spec.identity && spec.identity.oidcIssuerUrl === undefined) {
    ctx.add(
      ['identity'],
      'needs oidcIssuerUrl because the site has data labs, whose JupyterHub signs users in through OIDC',
      ctx.described('no oidcIssuerUrl'),
      "add identity.oidcIssuerUrl: with the issuer URL of the site's identity provider",
    );
  }
}
