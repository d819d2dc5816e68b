/**
 * The EU rules a site review measures a site against, each with the sources it was read
 * from (public pages, read 2026-11; legal texts are Regulation (EU) 2024/1689 and Directive
 * (EU) 2023/1791, whose EUR-Lex wording prevails over the mirrors cited here).
 *
 * Only facts the review uses are carried over, and nothing here is a number the review
 * chose: thresholds and dates are the rules' own.
 */

/** A fact of an EU rule and where it was read. */
export interface RuleFact {
  /** Stable id, as in the compiled rule data (`gpai-systemic-risk-compute-presumption`). */
  readonly id: string;
  /** The fact, in one or two sentences. */
  readonly fact: string;
  /** Public sources, first the one closest to the legal text. */
  readonly sources: readonly string[];
}

/** A training-compute threshold of the AI Act regime for general-purpose AI models. */
export interface ComputeThreshold extends RuleFact {
  /** Cumulative training compute, FLOP. */
  readonly flop: number;
  /** Short name for tables. */
  readonly label: string;
  /** The rule applies to compute strictly greater than {@link flop}. */
  readonly comparison: 'greater than';
}

/**
 * AI Act Art. 51(2): a general-purpose AI model trained with more than 10^25 FLOP is presumed
 * to have high-impact capabilities, hence systemic risk.
 * @see https://ai-act-law.eu/article/51/
 */
export const SYSTEMIC_RISK_PRESUMPTION: ComputeThreshold = {
  id: 'gpai-systemic-risk-compute-presumption',
  label: 'systemic-risk presumption (10^25 FLOP)',
  fact: 'A general-purpose AI model is presumed to have high-impact capabilities, and so to be a GPAI model with systemic risk, when the cumulative computation used for its training is greater than 10^25 floating-point operations (AI Act Art. 51(2)).',
  flop: 1e25,
  comparison: 'greater than',
  sources: ['https://ai-act-law.eu/article/51/', 'https://datenschutzgesetze.externer-datenschutzbeauftragter-dresden.de/en/ai-act/p-51'],
};

/**
 * The Commission's GPAI guidelines (C(2025) 5045, 18 July 2025): a model trained with more
 * than 10^23 FLOP that can generate language, images or video is indicatively a
 * general-purpose AI model.
 * @see https://www.mayerbrown.com/de/insights/publications/2025/08/eu-ai-act-news-rules-on-general-purpose-ai-start-applying-guidelines-and-template-for-summary-of-training-data-finalized
 */
export const GPAI_INDICATIVE_CRITERION: ComputeThreshold = {
  id: 'gpai-guidelines-indicative-criterion',
  label: 'GPAI indicative criterion (10^23 FLOP)',
  fact: 'Commission guidelines on the scope of obligations for providers of GPAI models (18 July 2025): a model trained with more than 10^23 FLOP that can generate language (text or audio), text-to-image or text-to-video is indicatively a general-purpose AI model.',
  flop: 1e23,
  comparison: 'greater than',
  sources: [
    'https://www.mayerbrown.com/de/insights/publications/2025/08/eu-ai-act-news-rules-on-general-purpose-ai-start-applying-guidelines-and-template-for-summary-of-training-data-finalized',
    'https://www.stibbe.com/publications-and-insights/the-guidelines-for-providers-of-general-purpose-ai-models-are-here-the',
    'https://www.sipoch.com/en/article/300330022843720',
  ],
};

/** The two compute thresholds, smallest first. */
export const COMPUTE_THRESHOLDS: readonly ComputeThreshold[] = [GPAI_INDICATIVE_CRITERION, SYSTEMIC_RISK_PRESUMPTION];

/**
 * AI Act Art. 52(1): the provider notifies the Commission within two weeks once a model meets
 * (or will meet) the systemic-risk condition.
 * @see https://rgpd.com/ai-act/chapter-5-general-purpose-ai-models/article-52-procedure/
 */
export const SYSTEMIC_RISK_NOTIFICATION: RuleFact & { readonly days: number } = {
  id: 'gpai-systemic-risk-notification',
  fact: 'When a GPAI model meets the Art. 51(1)(a) condition, its provider notifies the Commission without delay and within two weeks after the requirement is met or it becomes known that it will be met (AI Act Art. 52(1)).',
  days: 14,
  sources: [
    'https://rgpd.com/ai-act/chapter-5-general-purpose-ai-models/article-52-procedure/',
    'https://www.springlex.eu/en/packages/ai-act/ai-act-regulation/article-52/',
  ],
};

/**
 * Energy Efficiency Directive Art. 12(1): owners and operators of data centres with an
 * installed IT power demand of at least 500 kW publish the Annex VII information every year.
 * @see https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=uriserv%3AOJ.L_.2023.231.01.0001.01.ENG&toc=OJ%3AL%3A2023%3A231%3ATOC
 */
export const EED_REPORTING_THRESHOLD: RuleFact & { readonly kw: number; readonly comparison: 'at least' } = {
  id: 'eed-art12-threshold',
  fact: 'Member States require owners and operators of data centres with a power demand of the installed IT of at least 500 kW to make the Annex VII information publicly available every year, from 15 May 2024 (Directive (EU) 2023/1791 Art. 12(1)); defence and civil-protection data centres are exempt (Art. 12(2)).',
  kw: 500,
  comparison: 'at least',
  sources: [
    'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=uriserv%3AOJ.L_.2023.231.01.0001.01.ENG&toc=OJ%3AL%3A2023%3A231%3ATOC',
    'https://carbon3it.com/energy-efficiency-directive-published/',
  ],
};

/**
 * What a data centre over the threshold reports (EED Annex VII, Delegated Regulation (EU)
 * 2024/1364), and which of it the review can estimate from the site file.
 * @see https://www.insideenergyandenvironment.com/2023/12/upcoming-sustainability-reporting-requirements-for-data-centers-in-the-eu/
 */
export const EED_REPORTED_INFORMATION: RuleFact & {
  readonly items: readonly { readonly item: string; readonly estimate?: 'installed-it-power' | 'energy-consumption' | 'pue' }[];
} = {
  id: 'eed-annex-vii-content',
  fact: 'Annex VII minimum information: contact details of the data centre, operator and owner; floor area, installed power, annual incoming and outgoing data traffic, amount of data stored and processed; and, for the last full calendar year, KPIs including energy consumption, power utilisation, temperature set points, waste heat utilisation, water usage and use of renewable energy. Indicators include PUE, WUE, ERF and REF (Delegated Regulation (EU) 2024/1364).',
  items: [
    { item: 'contact details of the data centre, its operator and owner' },
    { item: 'floor area' },
    { item: 'installed power (installed IT power demand)', estimate: 'installed-it-power' },
    { item: 'annual incoming and outgoing data traffic' },
    { item: 'amount of data stored and processed' },
    { item: 'energy consumption of the last full calendar year', estimate: 'energy-consumption' },
    { item: 'power utilisation, as Power Usage Effectiveness (PUE)', estimate: 'pue' },
    { item: 'temperature set points' },
    { item: 'waste heat utilisation (Energy Reuse Factor, ERF)' },
    { item: 'water usage (Water Usage Effectiveness, WUE)' },
    { item: 'use of renewable energy (Renewable Energy Factor, REF)' },
  ],
  sources: [
    'https://www.insideenergyandenvironment.com/2023/12/upcoming-sustainability-reporting-requirements-for-data-centers-in-the-eu/',
    'https://energiavirasto.fi/en/-/reporting-from-data-centres-to-the-european-database-has-started',
    'https://data-central.co.uk/eu-rating-scheme-moves-towards-labels/',
    'https://legalize.dev/eu/law/32024R1364',
  ],
};

/**
 * When the reports are due: the first by 15 September 2024, then every year by 15 May for the
 * previous year.
 * @see https://intelligence.uptimeinstitute.com/resource/eed-reporting-deadlines-are-clarified
 */
export const EED_REPORTING_DEADLINES: RuleFact = {
  id: 'eed-reporting-deadlines',
  fact: 'Facility information and KPIs first had to reach the European database by 15 September 2024; reports on the previous year are then due every year by 15 May (Member States may collect them earlier through national schemes).',
  sources: [
    'https://intelligence.uptimeinstitute.com/resource/eed-reporting-deadlines-are-clarified',
    'https://energiavirasto.fi/en/-/reporting-from-data-centres-to-the-european-database-has-started',
  ],
};

/**
 * EED Art. 12(4): data centres with an installed IT power demand of 1 MW or more are
 * encouraged to follow the European Code of Conduct on Data Centre Energy Efficiency.
 * @see https://carbon3it.com/energy-efficiency-directive-published/
 */
export const EED_CODE_OF_CONDUCT: RuleFact & { readonly kw: number } = {
  id: 'eed-art12-code-of-conduct',
  fact: 'Member States encourage owners and operators of data centres with an installed IT power demand of 1 MW or more to take into account the best practices of the European Code of Conduct on Data Centre Energy Efficiency (Art. 12(4)).',
  kw: 1000,
  sources: ['https://carbon3it.com/energy-efficiency-directive-published/'],
};

/**
 * EED waste heat: data centres with a total rated energy input above 1 MW use their waste heat
 * or show that they cannot (a summary of the provision; secondary sources).
 * @see https://ided.digital/en/latest-news/news/neue-energie-eu-effizienzrichtlinie-zielt-auf-rechenzentren-ab
 */
export const EED_WASTE_HEAT: RuleFact & { readonly kw: number } = {
  id: 'eed-waste-heat-1mw',
  fact: 'Data centres with a total rated energy input above 1 MW must use their waste heat or show that this is technically or economically infeasible (summary of the EED waste-heat provision, Art. 26, from secondary sources).',
  kw: 1000,
  sources: [
    'https://ided.digital/en/latest-news/news/neue-energie-eu-effizienzrichtlinie-zielt-auf-rechenzentren-ab',
    'https://www.calentix.com/post/guides-eed-compliance-data-centres',
  ],
};

/** Every rule fact the review cites, for its appendix. */
export const RULE_FACTS: readonly RuleFact[] = [
  GPAI_INDICATIVE_CRITERION,
  SYSTEMIC_RISK_PRESUMPTION,
  SYSTEMIC_RISK_NOTIFICATION,
  EED_REPORTING_THRESHOLD,
  EED_REPORTED_INFORMATION,
  EED_REPORTING_DEADLINES,
  EED_CODE_OF_CONDUCT,
  EED_WASTE_HEAT,
];
