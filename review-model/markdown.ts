/**
 * Markdown of a site review and of the catalogue table: plain GitHub-flavoured Markdown, so a
 * review reads the same in a terminal, an editor, a pull request or a wiki. Numbers are
 * printed with their unit; an unpublished figure reads "not published", never 0.
 */
import type { ReviewAssumptions } from './assumptions';
import type { PartialSum } from './figures';
import type { CatalogueRow, SiteReview } from './site-review';

// ---------------------------------------------------------------------------------------
// Formatting

/** A whole number with thousands separators. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A number with `digits` decimals and thousands separators. */
export function dec(n: number, digits: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A FLOP count as `3.08 × 10^24`. */
export function sci(n: number): string {
  if (n === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(n)));
  const mantissa = n / 10 ** exponent;
  // 9.999 rounds to 10.00: carry into the exponent.
  return mantissa.toFixed(2) === '10.00' ? `1.00 × 10^${exponent + 1}` : `${mantissa.toFixed(2)} × 10^${exponent}`;
}

/** A power of ten as `10^25`; other numbers as {@link sci}. */
export function power(n: number): string {
  const exponent = Math.log10(n);
  return Number.isInteger(exponent) ? `10^${exponent}` : sci(n);
}

/** A figure that may be unpublished. */
export function orUnpublished(v: number | null, format: (n: number) => string): string {
  return v === null ? 'not published' : format(v);
}

/** A partial sum: the value, or "at least" it with the parts not published. */
export function partial(sum: PartialSum, format: (n: number) => string): string {
  if (sum.unknown.length === 0) return format(sum.value);
  if (sum.value === 0) return `not published (${sum.unknown.join(', ')})`;
  return `at least ${format(sum.value)} (not published: ${sum.unknown.join(', ')})`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table; right-aligns columns whose header is listed in `numeric`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly string[] = []): string {
  const align = header.map((h) => (numeric.includes(h) ? '---:' : '---'));
  return [`| ${header.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** Inline code. */
export const code = (s: string): string => `\`${s}\``;
const yes = (b: boolean | 'unknown', unknownText = 'unknown (a figure is not published)') => (b === 'unknown' ? unknownText : b ? 'yes' : 'no');
const pct = (ratio: number) => `${dec(ratio * 100, 1)}%`;
const kw = (n: number) => `${int(n)} kW`;
const mw = (n: number) => `${dec(n, 2)} MW`;
/** What an accelerator's power figure covers, in words. */
const POWER_SCOPES: Readonly<Record<string, string>> = {
  gpu_board: 'the GPU board',
  superchip_module: 'the whole superchip module (CPU, GPU and memory)',
  gpu_share_in_superchip: "the GPU's share of its superchip",
  apu_package: 'the APU package (CPU and GPU)',
};
const scopeText = (scope: string | undefined) => (scope === undefined ? '-' : (POWER_SCOPES[scope] ?? scope));
const labelList = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => code(`${k}=${v}`))
    .join(', ');

// ---------------------------------------------------------------------------------------
// The site review

function summary(r: SiteReview): string[] {
  const flags = r.aiAct.flags.length;
  return [
    `${int(r.capacity.total.accelerators)} accelerators (${r.capacity.byModel.map((m) => `${int(m.accelerators)} ${m.name}`).join(', ')}) in ${int(r.capacity.total.nodes)} nodes;`,
    `peak dense BF16 ${partial(r.capacity.total.bf16PeakPflops, (n) => `${dec(n, 1)} PFLOP/s`)};`,
    `IT power ${partial(r.energy.figures.itKw, (n) => mw(n / 1000))} at maximum (node overhead ${pct(r.assumptions.nodeOverhead)}), facility ${partial(r.energy.figures.facilityKw, (n) => mw(n / 1000))} at PUE ${dec(r.assumptions.pue, 2)};`,
    `${r.scheduling.tenants.length} tenant(s); ${flags === 0 ? 'no AI Act compute threshold is reached by any quota' : `${flags} AI Act flag(s), see [EU AI Act compute](#eu-ai-act-compute)`}.`,
  ];
}

function capacity(r: SiteReview): string[] {
  const c = r.capacity;
  const rows = c.pools.map((p) => [
    p.pool,
    p.cluster,
    p.acceleratorName,
    int(p.nodes),
    int(p.acceleratorsPerNode),
    int(p.accelerators),
    p.sharing,
    int(p.units),
    orUnpublished(p.memoryGB, (n) => `${int(n)} GB`),
    orUnpublished(p.bf16PeakPflops, (n) => dec(n, 1)),
    p.assumed.length === 0 ? 'published' : `reference design: ${p.assumed.join(', ')}`,
  ]);
  rows.push([
    '**total**',
    '',
    '',
    int(c.total.nodes),
    '',
    int(c.total.accelerators),
    '',
    int(c.total.units),
    partial(c.total.memoryGB, (n) => `${int(n)} GB`),
    partial(c.total.bf16PeakPflops, (n) => dec(n, 1)),
    '',
  ]);
  return [
    '## Capacity',
    '',
    table(
      ['pool', 'cluster', 'accelerator', 'nodes', 'per node', 'accelerators', 'sharing', 'units', 'accelerator memory', 'peak dense BF16, PFLOP/s', 'figures'],
      rows,
      ['nodes', 'per node', 'accelerators', 'units', 'accelerator memory', 'peak dense BF16, PFLOP/s'],
    ),
    '',
    'Units are what quotas count: GPUs, MIG instances or time-sliced replicas (an MI250X is two devices). "Reference design" names the pool fields the site file lists under `assumptions:`; the others carry a published source.',
  ];
}

function scheduling(r: SiteReview): string[] {
  const s = r.scheduling;
  const out = ['## Scheduling', '', '### Who owns which nodes', ''];
  out.push(
    table(
      ['pool', 'cluster', 'nodes', 'Slurm nodes', 'Kubernetes nodes', 'Slurm units', 'Kubernetes units', 'partitions'],
      s.pools.map((p) => [
        p.pool,
        p.cluster,
        int(p.nodes),
        int(p.ownership.slurm),
        int(p.ownership.kubernetes),
        int(p.unitsOwned.slurm),
        int(p.unitsOwned.kubernetes),
        p.partitions.join(', ') || '-',
      ]),
      ['nodes', 'Slurm nodes', 'Kubernetes nodes', 'Slurm units', 'Kubernetes units'],
    ),
    '',
  );
  if (s.slurm.length > 0) {
    out.push('### Slurm', '');
    for (const c of s.slurm) {
      out.push(
        `Slurm cluster ${code(c.clusterName)} on Kubernetes cluster ${code(c.kubernetesCluster)}: topology ${c.topologyPlugin ?? 'none'}${c.switches > 0 ? ` (${int(c.switches)} switches)` : ''}, accounting ${c.accounting ? 'with slurmdbd' : 'off'}.`,
        '',
        table(
          ['partition', 'pools', 'default', 'max time, h', 'QOS'],
          c.partitions.map((p) => [p.name, p.pools.join(', '), p.default ? 'yes' : 'no', dec(p.maxTimeHours, 0), p.qos ?? '-']),
          ['max time, h'],
        ),
        '',
      );
    }
  }
  if (s.kueue.length > 0) {
    out.push('### Kueue', '');
    for (const k of s.kueue) {
      out.push(
        `Cluster ${code(k.cluster)}: cohort ${k.cohorts.map(code).join(', ') || '-'}; ResourceFlavors ${k.flavors.map(code).join(', ') || '-'}.`,
        '',
        table(
          ['ClusterQueue', 'cohort', 'flavors', 'LocalQueues'],
          k.clusterQueues.map((q) => [
            q.name,
            q.cohort ?? '-',
            q.flavors.join(', '),
            k.localQueues
              .filter((l) => l.clusterQueue === q.name)
              .map((l) => `${l.namespace}/${l.name}`)
              .join(', ') || '-',
          ]),
        ),
        '',
      );
    }
  }
  out.push("### Tenants' GPU quotas", '');
  const rows = s.tenants.flatMap((t) =>
    t.quotas.length === 0
      ? [[t.tenant, t.kind, '-', '0', '0', '-', '-']]
      : t.quotas.map((q) => [
          t.tenant,
          t.kind,
          q.pool,
          int(q.guaranteed),
          int(q.max),
          `${int(q.slurm.guaranteed)} / ${int(q.slurm.max)}`,
          `${int(q.kubernetes.guaranteed)} / ${int(q.kubernetes.max)}`,
        ]),
  );
  out.push(
    rows.length === 0
      ? 'The site has no tenants.'
      : table(['tenant', 'kind', 'pool', 'guaranteed', 'maximum', 'Slurm part (guaranteed / max)', 'Kubernetes part (guaranteed / max)'], rows, [
          'guaranteed',
          'maximum',
        ]),
    '',
    "Slurm's part becomes the tenant's account limits (Fairshare, GrpTRES), Kubernetes' part its namespace quota and ClusterQueue; the parts follow the pool's node split.",
    '',
    '### Oversubscription',
    '',
    `Guaranteed quotas may add up to ${dec(s.oversubscription.allowed, 2)} x a pool's units (\`oversubscription.gpu\`).`,
    '',
    table(
      ['pool', 'units', 'guaranteed', 'guaranteed / units', 'sum of maximums'],
      s.oversubscription.pools.map((p) => [p.pool, int(p.units), int(p.guaranteed), pct(p.ratio), int(p.max)]),
      ['units', 'guaranteed', 'guaranteed / units', 'sum of maximums'],
    ),
  );
  return out;
}

function storage(r: SiteReview): string[] {
  const s = r.storage;
  return [
    '## Storage',
    '',
    s.tiers.length === 0
      ? 'The site has no storage tiers.'
      : table(
          ['tier', 'role', 'backend', 'capacity, TiB', 'clusters', 'StorageClass', 'quotas, TiB', 'quotas / capacity'],
          s.tiers.map((t) => [t.tier, t.role, t.backend, dec(t.capacityTiB, 0), t.clusters.join(', '), t.storageClassName, dec(t.quotasTiB, 1), pct(t.ratio)]),
          ['capacity, TiB', 'quotas, TiB', 'quotas / capacity'],
        ),
    '',
    `Quotas may add up to ${dec(s.allowed, 2)} x a tier's capacity (\`oversubscription.storage\`).`,
    '',
    ...(s.quotas.length === 0
      ? []
      : [
          table(
            ['owner', 'kind', 'tier', 'quota, TiB'],
            s.quotas.map((q) => [q.owner, q.kind, q.tier, dec(q.tib, 1)]),
            ['quota, TiB'],
          ),
        ]),
  ];
}

function software(r: SiteReview): string[] {
  const s = r.software;
  const m = s.mirror;
  const mirrorLine = !m.configured
    ? 'No registry mirror: charts and images come from the upstream registries below.'
    : m.everythingFromMirror
      ? `Every chart comes from ${code(m.chartRepository ?? '')} and every image from ${code(m.imageRegistry ?? '')}: everything comes from the registry mirror.`
      : `Registry mirror ${code(m.imageRegistry ?? '')}, but ${m.outside.length} chart(s) or image(s) do not come from it: ${m.outside.slice(0, 10).join('; ')}${m.outside.length > 10 ? ` and ${m.outside.length - 10} more` : ''}.`;
  return [
    '## Software',
    '',
    table(
      ['stack', 'cluster', 'namespace', 'release', 'chart', 'version', 'repository', 'images'],
      s.releases.map((x) => [x.stack, x.cluster, x.namespace, x.release, x.chart, x.version, x.repository, String(x.images.length)]),
      ['images'],
    ),
    '',
    mirrorLine,
    '',
    table(
      ['image registry', 'images'],
      s.registries.map((x) => [x.registry, int(x.images)]),
      ['images'],
    ),
    '',
    `Images are what the charts deploy, their defaults included, and what the stacks' own pods run (${s.otherImages.length} image(s) outside charts).`,
    '',
    `Kubernetes ${s.kubernetes.minimum} or newer on every cluster: the oldest release the stacks install on (for ${[...s.kubernetes.charts, ...s.kubernetes.apis].join('; ')}). ${s.kubernetes.clusters
      .map((c) => `Cluster ${code(c.cluster)} is declared as ${c.stated} (${code(c.field)}).`)
      .join(' ')}`,
    '',
    '<details><summary>Images per release</summary>',
    '',
    ...s.releases.flatMap((x) => [
      `- ${code(x.release)} (${x.chart} ${x.version}${x.pinnedFrom ? `, pinned from ${x.pinnedFrom}` : ''}): ${x.images.map(code).join(', ') || 'none'}`,
    ]),
    ...(s.otherImages.length > 0 ? [`- outside charts: ${s.otherImages.map(code).join(', ')}`] : []),
    '',
    '</details>',
  ];
}

function beforeDeploy(r: SiteReview): string[] {
  const b = r.beforeDeploy;
  const out = [
    '## Before you deploy',
    '',
    `The site's node provisioning applies these labels, taints and annotations before the stacks are deployed. Check them on the live cluster with ${code(b.preflight)}, which reads the nodes and reports every mismatch with its fix.`,
    '',
    '### Nodes',
    '',
  ];
  for (const p of b.pools) {
    out.push(
      `**${p.pool}** (cluster ${code(p.cluster)}, ${int(p.nodes)} nodes): labels ${labelList(p.labels)}; taint ${code(p.taint)}; owner label ${p.owners
        .map((o) => `${code(`${o.label}=${o.value}`)} on ${int(o.nodes)} (${o.which})`)
        .join(' and ')}.${p.fabricLabels.length > 0 ? ` Optional fabric labels for topology-aware scheduling: ${p.fabricLabels.map(code).join(', ')}.` : ''}`,
    );
    if (p.slinky) {
      out.push(
        '',
        `Slurm-owned nodes (${int(p.slinky.nodes)}) carry Slinky annotations naming their Slurm node and switch: the first ${Object.entries(p.slinky.first)
          .map(([k, v]) => code(`${k}=${v}`))
          .join(', ')}; the last ${Object.entries(p.slinky.last)
          .map(([k, v]) => code(`${k}=${v}`))
          .join(', ')}.`,
      );
    }
    out.push('');
  }
  if (b.cpuNodeLabels) out.push(`CPU-only nodes: label ${labelList(b.cpuNodeLabels)}, or tenants' CPU-only pods stay Pending.`, '');
  out.push('### Secrets', '');
  out.push(
    b.secrets.length === 0
      ? 'The stacks read no Secret that the site must create.'
      : [
          'The stacks reference these existing Secrets and never write their values; create them before the stack that uses them is deployed. `preflight` does not read Secrets: check each with its command.',
          '',
          table(
            ['cluster', 'namespace', 'Secret', 'keys', 'what for', 'check'],
            b.secrets.map((s) => [s.cluster, s.namespace, code(s.name), s.keys.map(code).join(', ') || '-', s.why, code(s.check)]),
          ),
        ].join('\n'),
  );
  return out;
}

function deployment(r: SiteReview): string[] {
  const d = r.deployment;
  return [
    '## Deployment',
    '',
    `Deploy in this order: ${code(d.command)}`,
    '',
    table(
      ['order', 'stack', 'after', 'resources', 'moved blocks', 'state'],
      d.stacks.map((s, i) => [String(i + 1), s.name, s.dependsOn.join(', ') || '-', int(s.resources), int(s.moved), s.backend.where]),
      ['order', 'resources', 'moved blocks'],
    ),
    '',
    ...d.stacks.map(
      (s) =>
        `- ${s.name}: ${Object.entries(s.byType)
          .map(([t, n]) => `${int(n)} ${t}`)
          .join(', ')}`,
    ),
    '',
    d.findings.blocking.length === 0
      ? `The policy pack finds nothing that stops the synth (${d.findings.warnings} warning(s), ${d.findings.suppressed} suppressed finding(s)).`
      : `The policy pack stops the synth: ${d.findings.blocking.join('; ')}.`,
  ];
}

function energy(r: SiteReview): string[] {
  const e = r.energy;
  const f = e.figures;
  const a = r.assumptions;
  const estimates: Record<string, string> = {
    'installed-it-power': `estimate: ${partial(f.itKw, kw)}`,
    'energy-consumption': `estimate: ${partial(f.annualFacilityMWh, (n) => `${int(n)} MWh`)} a year (facility), ${partial(f.annualItMWh, (n) => `${int(n)} MWh`)} (IT)`,
    pue:
      a.pueSource === 'site file'
        ? `${dec(a.pue, 2)}, as the site file states (energy.pue); the site measures it`
        : `assumed ${dec(a.pue, 2)}; the site measures it`,
  };
  return [
    '## Energy',
    '',
    table(
      ['pool', 'accelerators', 'max power per accelerator', 'what it covers', 'accelerator power'],
      e.pools.map((p) => [
        p.pool,
        int(p.accelerators),
        orUnpublished(p.maxPowerW, (n) => `${int(n)} W`),
        p.powerScope ?? '-',
        orUnpublished(p.acceleratorPowerKw, kw),
      ]),
      ['accelerators', 'max power per accelerator', 'accelerator power'],
    ),
    '',
    table(
      ['figure', 'value', 'how'],
      [
        ['accelerator power', partial(f.acceleratorKw, kw), 'accelerators x maximum power'],
        ['IT power', partial(f.itKw, kw), `x (1 + ${dec(a.nodeOverhead, 2)} node overhead, an assumption)`],
        ['facility power', partial(f.facilityKw, kw), `x PUE ${dec(a.pue, 2)} (${pueFrom(a.pueSource)})`],
        ['annual IT energy', partial(f.annualItMWh, (n) => `${int(n)} MWh`), `IT power x ${pct(a.utilization)} utilization x 8,760 h`],
        ['annual facility energy', partial(f.annualFacilityMWh, (n) => `${int(n)} MWh`), `facility power x ${pct(a.utilization)} utilization x 8,760 h`],
      ],
      ['value'],
    ),
    '',
    'Power figures are maxima from published accelerator power, not measurements; node overhead, PUE and utilization are assumptions (see the appendix), and storage and network equipment outside the GPU nodes are not counted.',
    '',
    '### Energy Efficiency Directive',
    '',
    `Data centres with an installed IT power demand of at least ${int(e.eed.thresholdKw)} kW publish the Annex VII information every year (Directive (EU) 2023/1791 Art. 12(1)). This site's GPU nodes alone: ${partial(f.itKw, kw)}, so it ${
      e.eed.reports === true
        ? '**must report**'
        : e.eed.reports === 'unknown'
          ? 'may have to report (a figure is not published)'
          : 'is below the threshold by this estimate; the whole data centre it sits in may not be'
    }. ${e.eed.deadlines}`,
    '',
    table(
      ['to report', 'from this review'],
      e.eed.items.map((i) => [i.item, i.estimate ? estimates[i.estimate] : 'not in the site file']),
    ),
    '',
    `1 MW or more of installed IT power: the Code of Conduct on Data Centre Energy Efficiency is encouraged (Art. 12(4)): ${yes(e.eed.codeOfConduct)}. Over 1 MW of rated energy input: waste heat used or shown infeasible: ${yes(e.eed.wasteHeat)}.`,
  ];
}

function aiAct(r: SiteReview): string[] {
  const a = r.aiAct;
  // The highest threshold a figure is over; thresholds are listed smallest first.
  const mark = (w: (typeof a.tenants)[number]['guaranteed']['windows'][number]) => {
    const over = [...a.thresholds].reverse().find((th) => w.crossings[th.id] === true);
    const maybe = [...a.thresholds].reverse().find((th) => w.crossings[th.id] === 'unknown');
    if (over && (!maybe || maybe.flop <= over.flop)) return ` **(over ${power(over.flop)})**`;
    return maybe ? ` (may be over ${power(maybe.flop)})` : '';
  };
  const rows = a.tenants.flatMap((t) =>
    (['guaranteed', 'max'] as const).map((which) => [
      t.tenant,
      which === 'guaranteed' ? 'guaranteed' : 'maximum',
      partial(t[which].peakFlops, (n) => `${dec(n / 1e15, 1)} PFLOP/s`),
      ...t[which].windows.map((w) => {
        return `${partial(w.flop, sci)}${mark(w)}`;
      }),
    ]),
  );
  return [
    '## EU AI Act compute',
    '',
    `Training compute a tenant's quota can reach: its units' dense BF16 peak x ${pct(a.mfu)} model FLOP utilization x the days. Compared with the ${a.thresholds
      .map((t) => `${t.label}: more than ${power(t.flop)} FLOP`)
      .join(' and ')}.`,
    '',
    rows.length === 0
      ? 'The site has no tenants.'
      : table(['tenant', 'quota', 'peak dense BF16', ...a.windowsDays.map((d) => `${d} days, FLOP`)], rows, [
          'peak dense BF16',
          ...a.windowsDays.map((d) => `${d} days, FLOP`),
        ]),
    '',
    ...(a.flags.length === 0 ? ['No quota reaches either threshold within 90 days.'] : ['Flags:', '', ...a.flags.map((f) => `- ${f}`)]),
    '',
    'A quota that spans pools or clusters is summed as if one run could use all of it; a crossing says what the quota allows, not what a tenant trains.',
  ];
}

function appendix(r: SiteReview): string[] {
  const a = r.appendix;
  const sources = (urls: readonly string[]) => (urls.length === 0 ? 'none (figure not published)' : urls.join(' '));
  return [
    '## Appendix: inputs, formulas and assumptions',
    '',
    '### Inputs',
    '',
    table(
      ['input', 'where'],
      a.inputs.map((i) => [i.input, i.input === 'site file' && r.siteFile.sha256 ? `${i.where} (sha256 ${r.siteFile.sha256})` : i.where]),
    ),
    '',
    '### Accelerator figures',
    '',
    table(
      ['accelerator', 'memory', 'dense BF16', 'how obtained', 'max power', 'power covers'],
      a.accelerators.map((x) => [
        `${x.name} (${code(x.id)})`,
        orUnpublished(x.memoryGB, (n) => `${dec(n, 0)} GB`),
        orUnpublished(x.bf16DenseTflops, (n) => `${dec(n, 1)} TFLOP/s`),
        x.bf16Basis,
        orUnpublished(x.maxPowerW, (n) => `${int(n)} W`),
        scopeText(x.powerScope ?? undefined),
      ]),
    ),
    '',
    ...a.accelerators.flatMap((x) => [
      `- ${code(x.id)} memory: ${sources(x.sources.memory)}`,
      `- ${code(x.id)} compute: ${sources(x.sources.compute)}`,
      `- ${code(x.id)} power: ${sources(x.sources.power)}`,
    ]),
    '',
    '### EU rules',
    '',
    ...a.rules.map((f) => `- ${code(f.id)}: ${f.fact} Sources: ${f.sources.join(' ')}`),
    '',
    '### Formulas',
    '',
    table(
      ['figure', 'formula'],
      a.formulas.map((f) => [f.figure, f.formula]),
    ),
    '',
    '### Assumptions of the review',
    '',
    table(
      ['assumption', 'value', 'default', 'option', 'basis', 'sources'],
      a.assumptions.map((x) => [x.label, String(x.value), String(x.default), code(x.option), x.basis, x.sources.join(' ') || 'none']),
    ),
    '',
    '### Assumptions of the site file',
    '',
    Object.keys(a.siteAssumptions).length === 0
      ? 'The site file lists no assumptions: every value is a published fact.'
      : table(
          ['field', 'why it is a reference design'],
          Object.entries(a.siteAssumptions).map(([k, v]) => [code(k), v]),
        ),
  ];
}

/** The review as Markdown. */
export function reviewMarkdown(r: SiteReview): string {
  const lines = [
    `# Site review: ${r.site.name} (${r.site.id})`,
    '',
    `${r.site.kind === 'gigafactory' ? 'AI gigafactory' : 'AI factory'} at ${r.site.hostInstitution}, ${r.site.city} (${r.site.country}). From ${code(r.siteFile.path)}; regenerate with ${code(`npm run review -- ${r.site.id}`)}.`,
    '',
    ...summary(r).map((l) => `- ${l}`),
    '',
    ...capacity(r),
    '',
    ...scheduling(r),
    '',
    ...storage(r),
    '',
    ...software(r),
    '',
    ...beforeDeploy(r),
    '',
    ...deployment(r),
    '',
    ...energy(r),
    '',
    ...aiAct(r),
    '',
    ...appendix(r),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------
// The catalogue

/** The catalogue as one Markdown table, with a total row. */
/** Where a review's PUE comes from, as the energy table says it. */
function pueFrom(source: ReviewAssumptions['pueSource']): string {
  switch (source) {
    case 'site file':
      return "the site file's energy.pue";
    case 'command line':
      return 'given with --pue';
    default:
      return 'default: the site file states no energy.pue';
  }
}

export function catalogueMarkdown(rows: readonly CatalogueRow[], assumptions: { readonly pue: number; readonly nodeOverhead: number }): string {
  const total = (pick: (r: CatalogueRow) => { value: number; unknown: readonly string[] }) => {
    const parts = rows.map(pick);
    return { value: parts.reduce((n, p) => n + p.value, 0), unknown: rows.filter((_, i) => parts[i].unknown.length > 0).map((r) => r.site) };
  };
  const body = rows.map((r) => [
    r.site,
    r.name,
    r.kind,
    r.country,
    int(r.accelerators),
    r.models.map((m) => `${int(m.accelerators)} ${m.name}`).join(', '),
    partial(r.bf16PeakPflops, (n) => dec(n, 1)),
    partial(r.itMw, (n) => dec(n, 2)),
    partial(r.facilityMw, (n) => dec(n, 2)),
    r.pueSource === 'site file' ? dec(r.pue, 2) : `${dec(r.pue, 2)} (${r.pueSource === 'command line' ? '--pue' : 'default'})`,
    int(r.tenants),
  ]);
  body.push([
    '**total**',
    `${rows.length} sites`,
    '',
    '',
    int(rows.reduce((n, r) => n + r.accelerators, 0)),
    '',
    partial(
      total((r) => r.bf16PeakPflops),
      (n) => dec(n, 1),
    ),
    partial(
      total((r) => r.itMw),
      (n) => dec(n, 2),
    ),
    partial(
      total((r) => r.facilityMw),
      (n) => dec(n, 2),
    ),
    '',
    int(rows.reduce((n, r) => n + r.tenants, 0)),
  ]);
  return `${[
    '# Catalogue review',
    '',
    `Every site of the catalogue. IT power is the accelerators' maximum power plus ${pct(assumptions.nodeOverhead)} node overhead (an assumption); facility power is IT power x the site's PUE: its site file's \`energy.pue\`, else ${dec(assumptions.pue, 2)} (a default, marked). "Not published" marks pools whose accelerator figure no source states. Each site's own review: ${code('npm run review -- <site>')}.`,
    '',
    table(
      ['site', 'name', 'kind', 'country', 'accelerators', 'models', 'peak dense BF16, PFLOP/s', 'IT power, MW', 'facility power, MW', 'PUE', 'tenants'],
      body,
      ['accelerators', 'peak dense BF16, PFLOP/s', 'IT power, MW', 'facility power, MW', 'tenants'],
    ),
  ].join('\n')}\n`;
}
