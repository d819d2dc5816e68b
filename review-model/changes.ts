/**
 * What changes between two synthesized states of a site (a git ref and now): capacity, node
 * ownership, quotas, Slurm switches, charts, and every Terraform resource added, removed or
 * changed by address with its changed attributes. {@link siteChanges} is a pure function of
 * two {@link SiteSnapshot}s; {@link changesMarkdown} prints the result as a pull-request
 * comment.
 */
import { parse } from 'yaml';
import {
  chartFacts,
  ModelReadError,
  siteFacts,
  topologySwitches,
  type Amounts,
  type ChartFacts,
  type Ownership,
  type PoolFacts,
  type QuotaFacts,
  type SiteFacts,
} from './facts';
import { sumKnown } from './figures';
import { code, dec, int, partial, table } from './markdown';
import { resourcesOf, type SiteSnapshot } from './snapshot';

/** A field that changed, with its values before and after as text. */
export interface FieldChange {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

/** A pool added, removed or changed. */
export interface PoolChange {
  readonly pool: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly fields: readonly FieldChange[];
}

/** A pool whose node owners changed; `undefined` where that side's model states none. */
export interface OwnershipChange {
  readonly pool: string;
  readonly from?: Ownership;
  readonly to?: Ownership;
}

/** A tenant's quota on a pool (or storage tier) that changed. */
export interface QuotaChange {
  readonly tenant: string;
  readonly pool: string;
  readonly from?: QuotaFacts;
  readonly to?: QuotaFacts;
}

/** A tenant added or removed, with its quotas. */
export interface TenantChange {
  readonly tenant: string;
  readonly kind: string;
  readonly gpu: Readonly<Record<string, QuotaFacts>>;
  readonly storageTiB: Readonly<Record<string, number>>;
}

/** Switches of one Slurm cluster's topology.conf added, removed or rewired. */
export interface TopologyChange {
  readonly kubernetesCluster: string;
  readonly switchesFrom: number;
  readonly switchesTo: number;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Switches whose nodes or child switches changed. */
  readonly rewired: readonly string[];
}

/** A Helm release whose chart, version or repository changed. */
export interface ChartChange {
  /** `<cluster>/<namespace>/<release>`. */
  readonly release: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly from?: Pick<ChartFacts, 'chart' | 'version' | 'repository'>;
  readonly to?: Pick<ChartFacts, 'chart' | 'version' | 'repository'>;
}

/** An attribute of a resource that changed. */
export interface AttributeChange {
  /** Path inside the resource's configuration, e.g. `values[0].controller.extraConf`. */
  readonly path: string;
  /** The value before, as text; undefined when the attribute is new. */
  readonly from?: string;
  /** The value after, as text; undefined when the attribute is gone. */
  readonly to?: string;
}

/** Terraform changes of one stack. */
export interface StackChange {
  readonly stack: string;
  /** Set when the whole stack is new or gone. */
  readonly change?: 'added' | 'removed';
  /** Where its state is kept, when that changed. */
  readonly backend?: { readonly from: string; readonly to: string };
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly address: string; readonly attributes: readonly AttributeChange[] }[];
}

/** Everything that changes between a site at a git ref and now. */
export interface SiteChanges {
  readonly site: string;
  /** The ref compared against, and its commit. */
  readonly from: { readonly ref: string; readonly commit?: string; readonly siteExisted: boolean };
  readonly capacity: {
    readonly pools: readonly PoolChange[];
    readonly accelerators: { readonly from: number; readonly to: number };
    readonly bf16PeakPflops: { readonly from: string; readonly to: string };
  };
  readonly ownership: readonly OwnershipChange[];
  readonly tenants: { readonly added: readonly TenantChange[]; readonly removed: readonly TenantChange[] };
  readonly quotas: readonly QuotaChange[];
  readonly storageQuotas: readonly { readonly tenant: string; readonly tier: string; readonly from?: number; readonly to?: number }[];
  readonly topology: readonly TopologyChange[];
  readonly charts: readonly ChartChange[];
  readonly terraform: readonly StackChange[];
  /**
   * Why capacity, ownership, tenants, quotas and topology were not compared: a side whose code
   * has a model this review cannot read. Charts and Terraform are compared from the stacks.
   * @default - everything was compared
   */
  readonly modelNotCompared?: string;
}

// ---------------------------------------------------------------------------------------
// Comparing

/** The longest value text kept per attribute; the JSON report has the same cut. */
const MAX_VALUE = 160;

const EMPTY_FACTS: SiteFacts = { site: '', name: '', kind: '', country: '', pools: {}, tenants: {}, slurm: [], charts: [], assumptions: {} };

function keysOf<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function poolFields(p: PoolFacts): Record<string, string> {
  return {
    cluster: p.cluster,
    accelerator: p.accelerator.id,
    nodes: String(p.nodes),
    acceleratorsPerNode: String(p.acceleratorsPerNode),
    accelerators: String(p.capacity.accelerators),
    sharing: p.sharing,
    units: String(p.capacity.units),
    'peak dense BF16, PFLOP/s': p.capacity.bf16PeakPflops === null ? 'not published' : dec(p.capacity.bf16PeakPflops, 1),
  };
}

function poolChanges(from: SiteFacts, to: SiteFacts): PoolChange[] {
  return keysOf(from.pools, to.pools).flatMap((name): PoolChange[] => {
    const a = from.pools[name] as PoolFacts | undefined;
    const b = to.pools[name] as PoolFacts | undefined;
    const fa = a ? poolFields(a) : {};
    const fb = b ? poolFields(b) : {};
    const fields = keysOf(fa, fb)
      .filter((f) => fa[f] !== fb[f])
      .map((f) => ({ field: f, from: fa[f] ?? '-', to: fb[f] ?? '-' }));
    if (fields.length === 0) return [];
    return [{ pool: name, change: !a ? 'added' : !b ? 'removed' : 'changed', fields }];
  });
}

const sameAmounts = (a: Amounts | undefined, b: Amounts | undefined) => a?.guaranteed === b?.guaranteed && a?.max === b?.max;
const sameQuota = (a: QuotaFacts | undefined, b: QuotaFacts | undefined) =>
  sameAmounts(a, b) && sameAmounts(a?.slurm, b?.slurm) && sameAmounts(a?.kubernetes, b?.kubernetes);

function switchesOf(facts: SiteFacts): Map<string, Map<string, string>> {
  return new Map(facts.slurm.map((s) => [s.kubernetesCluster, topologySwitches(s.topologyConf)]));
}

function topologyChanges(from: SiteFacts, to: SiteFacts): TopologyChange[] {
  const a = switchesOf(from);
  const b = switchesOf(to);
  return [...new Set([...a.keys(), ...b.keys()])].flatMap((cluster): TopologyChange[] => {
    const sa = a.get(cluster) ?? new Map<string, string>();
    const sb = b.get(cluster) ?? new Map<string, string>();
    const added = [...sb.keys()].filter((s) => !sa.has(s));
    const removed = [...sa.keys()].filter((s) => !sb.has(s));
    const rewired = [...sb.keys()].filter((s) => sa.has(s) && sa.get(s) !== sb.get(s));
    if (added.length + removed.length + rewired.length === 0) return [];
    return [{ kubernetesCluster: cluster, switchesFrom: sa.size, switchesTo: sb.size, added, removed, rewired }];
  });
}

function chartChanges(from: SiteFacts, to: SiteFacts): ChartChange[] {
  const key = (c: ChartFacts) => `${c.cluster}/${c.namespace}/${c.release}`;
  const pick = (c: ChartFacts) => ({ chart: c.chart, version: c.version, repository: c.repository });
  const a = new Map(from.charts.map((c) => [key(c), c]));
  const b = new Map(to.charts.map((c) => [key(c), c]));
  return [...new Set([...a.keys(), ...b.keys()])].flatMap((k): ChartChange[] => {
    const x = a.get(k);
    const y = b.get(k);
    if (x?.chart === y?.chart && x?.version === y?.version && x?.repository === y?.repository) return [];
    return [{ release: k, change: !x ? 'added' : !y ? 'removed' : 'changed', ...(x ? { from: pick(x) } : {}), ...(y ? { to: pick(y) } : {}) }];
  });
}

/**
 * A resource's configuration made comparable: cdktf's metadata dropped, Helm values documents
 * and JSON-encoded strings (descriptor `pool.json`) parsed, so a change reads as the key that
 * changed rather than a rewritten blob.
 */
function comparable(value: unknown, inValues = false): unknown {
  if (Array.isArray(value)) return value.map((v) => comparable(v, inValues));
  if (typeof value === 'string') {
    if (inValues) {
      try {
        return comparable(parse(value) as unknown);
      } catch {
        return value;
      }
    }
    const t = value.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return comparable(JSON.parse(t) as unknown);
      } catch {
        return value;
      }
    }
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k !== '//')
      .map(([k, v]) => [k, k === 'depends_on' && Array.isArray(v) ? dependencySet(v) : comparable(v, k === 'values')]),
  );
}

/**
 * `depends_on` as a set keyed by address: its order means nothing to Terraform, and a list
 * diffed by position reports every entry after an insertion as changed.
 */
function dependencySet(list: readonly unknown[]): Record<string, true> {
  return Object.fromEntries(list.map((d) => [String(d), true]));
}

function pathKey(parent: string, key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? (parent ? `${parent}.${key}` : key) : `${parent}[${JSON.stringify(key)}]`;
}

/** Leaves of a value by path; empty objects and arrays are leaves of their own. */
function leaves(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, []);
    value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(path, {});
    for (const [k, v] of entries) leaves(v, pathKey(path, k), out);
  } else {
    out.set(path, value);
  }
  return out;
}

function valueText(v: unknown): string {
  // One line: a value may hold a file (sshd config, slurm.conf), which would break a table or list.
  const text = (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\r?\n/g, '\\n');
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** A multi-line string's change as its changed lines. */
function linesChange(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  const sa = new Set(la);
  const sb = new Set(lb);
  const gone = la.filter((l) => !sb.has(l));
  const come = lb.filter((l) => !sa.has(l));
  const sample = [...gone.slice(0, 2).map((l) => `-${l}`), ...come.slice(0, 2).map((l) => `+${l}`)].join(' ');
  return valueText(`${come.length} line(s) added, ${gone.length} removed: ${sample}`);
}

/** The attributes that differ between two configurations of one resource. */
export function attributeChanges(from: unknown, to: unknown): AttributeChange[] {
  const a = leaves(comparable(from));
  const b = leaves(comparable(to));
  const out: AttributeChange[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])]) {
    const x = a.get(path);
    const y = b.get(path);
    if (a.has(path) && b.has(path) && JSON.stringify(x) === JSON.stringify(y)) continue;
    if (typeof x === 'string' && typeof y === 'string' && (x.includes('\n') || y.includes('\n'))) {
      out.push({ path, from: '(text)', to: linesChange(x, y) });
      continue;
    }
    out.push({ path, ...(a.has(path) ? { from: valueText(x) } : {}), ...(b.has(path) ? { to: valueText(y) } : {}) });
  }
  return out;
}

function backendOf(snapshot: SiteSnapshot, stack: string): string | undefined {
  const s = snapshot.stacks.find((x) => x.name === stack);
  return s ? JSON.stringify(s.json.terraform?.backend ?? {}) : undefined;
}

function terraformChanges(from: SiteSnapshot, to: SiteSnapshot): StackChange[] {
  const configs = (s: SiteSnapshot) => {
    const out = new Map<string, Map<string, unknown>>();
    for (const stack of s.stacks) out.set(stack.name, new Map());
    for (const r of resourcesOf(s)) out.get(r.stack)?.set(r.address, r.config);
    return out;
  };
  const a = configs(from);
  const b = configs(to);
  const names = [...new Set([...to.stacks.map((s) => s.name), ...from.stacks.map((s) => s.name)])];
  return names.flatMap((stack): StackChange[] => {
    const ra = a.get(stack) ?? new Map<string, unknown>();
    const rb = b.get(stack) ?? new Map<string, unknown>();
    const added = [...rb.keys()].filter((x) => !ra.has(x)).sort();
    const removed = [...ra.keys()].filter((x) => !rb.has(x)).sort();
    const changed = [...rb.keys()]
      .filter((x) => ra.has(x))
      .sort()
      .flatMap((address) => {
        const attributes = attributeChanges(ra.get(address), rb.get(address));
        return attributes.length === 0 ? [] : [{ address, attributes }];
      });
    const ba = backendOf(from, stack);
    const bb = backendOf(to, stack);
    const backend = ba !== undefined && bb !== undefined && ba !== bb ? { from: valueText(ba), to: valueText(bb) } : undefined;
    const change = !a.has(stack) ? 'added' : !b.has(stack) ? 'removed' : undefined;
    if (!change && !backend && added.length + removed.length + changed.length === 0) return [];
    return [{ stack, ...(change ? { change } : {}), ...(backend ? { backend } : {}), added, removed, changed }];
  });
}

const tenantChange = (t: SiteFacts['tenants'][string]): TenantChange => ({ tenant: t.name, kind: t.kind, gpu: t.gpu, storageTiB: t.storageTiB });

/**
 * What changes from `from` (the site at a git ref; undefined when the site did not exist
 * there) to `to` (now). Pure: both sides are synthesized states.
 */
export function siteChanges(from: SiteSnapshot | undefined, to: SiteSnapshot, ref: { readonly ref: string; readonly commit?: string }): SiteChanges {
  const read = (s: SiteSnapshot, label: string): { facts: SiteFacts; error?: string } => {
    try {
      return { facts: siteFacts(s) };
    } catch (e) {
      if (!(e instanceof ModelReadError)) throw e;
      return { facts: { ...EMPTY_FACTS, charts: chartFacts(s) }, error: `the resolved model ${label} cannot be read: ${e.message}` };
    }
  };
  const a = from ? read(from, `at ${ref.ref}`) : { facts: EMPTY_FACTS };
  const b = read(to, 'now');
  const modelNotCompared = a.error ?? b.error;
  // Without both models, compare only what the stacks show: the model facts of both sides are left empty.
  const fa = modelNotCompared ? { ...EMPTY_FACTS, charts: a.facts.charts } : a.facts;
  const fb = modelNotCompared ? { ...EMPTY_FACTS, charts: b.facts.charts } : b.facts;
  const empty: SiteSnapshot = { site: to.site, model: {}, stacks: [] };
  const total = (f: SiteFacts) => Object.values(f.pools).reduce((n, p) => n + p.capacity.accelerators, 0);
  const peak = (f: SiteFacts) => partial(sumKnown(Object.values(f.pools).map((p) => ({ name: p.name, value: p.capacity.bf16PeakPflops }))), (n) => dec(n, 1));
  const ownership = keysOf(fa.pools, fb.pools).flatMap((pool): OwnershipChange[] => {
    const x = fa.pools[pool]?.ownership;
    const y = fb.pools[pool]?.ownership;
    if (x?.slurm === y?.slurm && x?.kubernetes === y?.kubernetes) return [];
    // A pool added or removed whole is reported under capacity; its owners here too, for the split.
    return [{ pool, ...(x ? { from: x } : {}), ...(y ? { to: y } : {}) }];
  });
  const kept = Object.keys(fb.tenants).filter((t) => t in fa.tenants);
  const quotas = kept.flatMap((tenant) => {
    const x = fa.tenants[tenant].gpu;
    const y = fb.tenants[tenant].gpu;
    return keysOf(x, y)
      .filter((pool) => !sameQuota(x[pool], y[pool]))
      .map((pool): QuotaChange => ({ tenant, pool, ...(x[pool] ? { from: x[pool] } : {}), ...(y[pool] ? { to: y[pool] } : {}) }));
  });
  const storageQuotas = kept.flatMap((tenant) => {
    const x = fa.tenants[tenant].storageTiB;
    const y = fb.tenants[tenant].storageTiB;
    return keysOf(x, y)
      .filter((tier) => x[tier] !== y[tier])
      .map((tier) => ({ tenant, tier, ...(x[tier] !== undefined ? { from: x[tier] } : {}), ...(y[tier] !== undefined ? { to: y[tier] } : {}) }));
  });
  return {
    site: to.site,
    from: { ref: ref.ref, ...(ref.commit ? { commit: ref.commit } : {}), siteExisted: from !== undefined },
    capacity: {
      pools: poolChanges(fa, fb),
      accelerators: { from: total(fa), to: total(fb) },
      bf16PeakPflops: { from: peak(fa), to: peak(fb) },
    },
    ownership,
    tenants: {
      added: Object.values(fb.tenants)
        .filter((t) => !(t.name in fa.tenants))
        .map(tenantChange),
      removed: Object.values(fa.tenants)
        .filter((t) => !(t.name in fb.tenants))
        .map(tenantChange),
    },
    quotas,
    storageQuotas,
    topology: topologyChanges(fa, fb),
    charts: chartChanges(fa, fb),
    terraform: terraformChanges(from ?? empty, to),
    ...(modelNotCompared ? { modelNotCompared } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// Printing

const amounts = (q: Amounts | undefined) => (q ? `${int(q.guaranteed)} / ${int(q.max)}` : '-');
const quotaText = (q: QuotaFacts | undefined) =>
  q ? `${amounts(q)}${q.slurm && q.kubernetes ? ` (Slurm ${amounts(q.slurm)}, Kubernetes ${amounts(q.kubernetes)})` : ''}` : '-';
const ownerText = (o: Ownership | undefined) => (o ? `Slurm ${int(o.slurm)}, Kubernetes ${int(o.kubernetes)}` : 'not stated');
const chartText = (c: ChartChange['from']) => (c ? `${c.chart} ${c.version}` : '-');
const names = (list: readonly string[], max = 20) => `${list.slice(0, max).map(code).join(', ')}${list.length > max ? ` and ${list.length - max} more` : ''}`;

/** One line per section, saying what changed or that nothing did. */
export function changesSummary(c: SiteChanges): string[] {
  const tf = c.terraform.reduce((n, s) => ({ added: n.added + s.added.length, changed: n.changed + s.changed.length, removed: n.removed + s.removed.length }), {
    added: 0,
    changed: 0,
    removed: 0,
  });
  const tenantParts = [
    ...c.tenants.added.map(
      (t) =>
        `tenant ${code(t.tenant)} added (${
          Object.entries(t.gpu)
            .map(([p, q]) => `${p} ${amounts(q)}`)
            .join(', ') || 'no GPU quota'
        })`,
    ),
    ...c.tenants.removed.map((t) => `tenant ${code(t.tenant)} removed`),
    ...(c.quotas.length > 0 ? [`${c.quotas.length} GPU quota(s) changed`] : []),
    ...(c.storageQuotas.length > 0 ? [`${c.storageQuotas.length} storage quota(s) changed`] : []),
  ];
  const switches = c.topology.reduce(
    (n, t) => ({ added: n.added + t.added.length, removed: n.removed + t.removed.length, rewired: n.rewired + t.rewired.length }),
    {
      added: 0,
      removed: 0,
      rewired: 0,
    },
  );
  const model = (line: string) => (c.modelNotCompared ? `${line.slice(0, line.indexOf(':'))}: not compared (${c.modelNotCompared})` : line);
  return [
    model(
      `Capacity: ${
        c.capacity.pools.length === 0
          ? 'unchanged'
          : `${c.capacity.pools.map((p) => `pool ${code(p.pool)} ${p.change}`).join(', ')}; ${int(c.capacity.accelerators.from)} → ${int(c.capacity.accelerators.to)} accelerators`
      }`,
    ),
    model(
      `Node ownership: ${c.ownership.length === 0 ? 'unchanged' : c.ownership.map((o) => `${code(o.pool)} ${ownerText(o.from)} → ${ownerText(o.to)}`).join('; ')}`,
    ),
    model(`Tenants and quotas: ${tenantParts.length === 0 ? 'unchanged' : tenantParts.join('; ')}`),
    model(
      `Slurm topology: ${c.topology.length === 0 ? 'unchanged' : `${switches.added} switch(es) added, ${switches.removed} removed, ${switches.rewired} rewired`}`,
    ),
    `Charts: ${
      c.charts.length === 0
        ? 'unchanged'
        : c.charts
            .map((x) =>
              x.change === 'changed'
                ? `${chartText(x.from)} → ${x.to?.version ?? ''} (${x.release})`
                : `${chartText(x.to ?? x.from)} ${x.change} (${x.release})`,
            )
            .join('; ')
    }`,
    `Terraform: ${tf.added} resource(s) added, ${tf.changed} changed, ${tf.removed} removed${c.terraform.some((s) => s.backend) ? '; a state backend changed' : ''}`,
  ];
}

/** The changes as Markdown, for a pull-request comment. */
export function changesMarkdown(c: SiteChanges): string {
  const at = `${code(c.from.ref)}${c.from.commit ? ` (${c.from.commit.slice(0, 12)})` : ''}`;
  const out: string[] = [
    `## ${c.site}: changes since ${at}`,
    '',
    ...(c.from.siteExisted ? [] : [`The site file did not exist at ${at}: everything below is new.`, '']),
    ...changesSummary(c).map((l) => `- ${l}`),
    ...(c.modelNotCompared ? ['', `Capacity, node ownership, tenants, quotas and Slurm topology are not compared: ${c.modelNotCompared}.`] : []),
  ];
  if (c.capacity.pools.length > 0) {
    out.push(
      '',
      '### Capacity',
      '',
      table(
        ['pool', 'change', 'field', 'before', 'after'],
        c.capacity.pools.flatMap((p) => p.fields.map((f) => [p.pool, p.change, f.field, f.from, f.to])),
      ),
      '',
      `Peak dense BF16: ${c.capacity.bf16PeakPflops.from} → ${c.capacity.bf16PeakPflops.to} PFLOP/s.`,
    );
  }
  if (c.ownership.length > 0) {
    out.push(
      '',
      '### Node ownership',
      '',
      table(
        ['pool', 'before', 'after'],
        c.ownership.map((o) => [o.pool, ownerText(o.from), ownerText(o.to)]),
      ),
    );
  }
  if (c.tenants.added.length + c.tenants.removed.length + c.quotas.length + c.storageQuotas.length > 0) {
    const rows = [
      ...c.tenants.added.flatMap((t) => Object.entries(t.gpu).map(([pool, q]) => [t.tenant, 'added', pool, '-', quotaText(q)])),
      ...c.tenants.removed.flatMap((t) => Object.entries(t.gpu).map(([pool, q]) => [t.tenant, 'removed', pool, quotaText(q), '-'])),
      ...c.quotas.map((q) => [q.tenant, 'changed', q.pool, quotaText(q.from), quotaText(q.to)]),
      ...c.storageQuotas.map((q) => [q.tenant, 'storage', q.tier, q.from === undefined ? '-' : `${q.from} TiB`, q.to === undefined ? '-' : `${q.to} TiB`]),
    ];
    out.push('', '### Tenants and quotas', '', table(['tenant', 'change', 'pool or tier', 'before (guaranteed / max)', 'after (guaranteed / max)'], rows));
  }
  for (const t of c.topology) {
    out.push(
      '',
      `### Slurm topology (cluster ${code(t.kubernetesCluster)})`,
      '',
      `${int(t.switchesFrom)} → ${int(t.switchesTo)} switches in topology.conf.`,
      ...(t.added.length > 0 ? [`- added: ${names(t.added)}`] : []),
      ...(t.removed.length > 0 ? [`- removed: ${names(t.removed)}`] : []),
      ...(t.rewired.length > 0 ? [`- nodes or child switches changed: ${names(t.rewired)}`] : []),
    );
  }
  if (c.charts.length > 0) {
    out.push(
      '',
      '### Charts',
      '',
      table(
        ['release', 'change', 'before', 'after', 'repository'],
        c.charts.map((x) => [x.release, x.change, chartText(x.from), chartText(x.to), x.to?.repository ?? x.from?.repository ?? '']),
      ),
    );
  }
  for (const s of c.terraform) {
    out.push('', `### Terraform: ${s.stack}${s.change ? ` (stack ${s.change})` : ''}`, '');
    if (s.backend) out.push(`State backend: ${code(s.backend.from)} → ${code(s.backend.to)}`, '');
    if (s.added.length > 0) out.push(`<details><summary>${s.added.length} added</summary>`, '', ...s.added.map((a) => `- ${code(a)}`), '', '</details>', '');
    if (s.removed.length > 0)
      out.push(`<details><summary>${s.removed.length} removed</summary>`, '', ...s.removed.map((a) => `- ${code(a)}`), '', '</details>', '');
    if (s.changed.length > 0) {
      out.push(`${s.changed.length} changed:`, '');
      for (const r of s.changed) {
        out.push(`- ${code(r.address)}`);
        for (const a of r.attributes.slice(0, 20)) {
          out.push(`  - ${code(a.path)}: ${a.from === undefined ? '(new)' : code(a.from)} → ${a.to === undefined ? '(removed)' : code(a.to)}`);
        }
        if (r.attributes.length > 20) out.push(`  - and ${r.attributes.length - 20} more (see the JSON report)`);
      }
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
