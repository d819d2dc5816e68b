/**
 * The review's arithmetic against hand-computed cases: capacity, energy and the Energy
 * Efficiency Directive's 500 kW threshold, training compute against the AI Act thresholds.
 * Each expected number is worked out in the comment beside it, not taken from the code.
 */
import { ACCELERATORS } from '../../constructs/gpu/accelerators';
import { DEFAULT_ASSUMPTIONS } from '../../review-model/assumptions';
import { GPAI_INDICATIVE_CRITERION, SYSTEMIC_RISK_PRESUMPTION, EED_REPORTING_THRESHOLD } from '../../review-model/eu-rules';
import { siteFacts } from '../../review-model/facts';
import { crosses, energyFigures, poolCapacity, quotaPeakFlops, sumKnown, trainingFlop, windowCompute } from '../../review-model/figures';
import { aiActSection, capacitySection, energySection } from '../../review-model/site-review';
import { modelJson } from '../../review-model/synth';
import type { SiteModel } from '../../site-model/resolve';
import { siteModel } from '../helpers';

const H100 = ACCELERATORS['nvidia-h100-sxm'];
const factsOf = (site: SiteModel) => siteFacts({ site: site.spec.id, model: modelJson(site), stacks: [] });
/** Relative closeness: floating-point products of large numbers differ in the last bits. */
const near = (actual: number, expected: number) => expect(actual / expected).toBeCloseTo(1, 9);

describe('capacity', () => {
  test('an H100 pool: accelerators, units, memory, peak and power', () => {
    const c = poolCapacity({ nodes: 4, acceleratorsPerNode: 8, unitsPerAccelerator: 1, accelerator: H100 });
    expect(c.accelerators).toBe(32); // 4 x 8
    expect(c.units).toBe(32);
    expect(c.memoryGB).toBe(2560); // 32 x 80 GB
    near(c.bf16PeakPflops ?? NaN, 31.6608); // 32 x 989.4 TFLOP/s / 1000
    near(c.acceleratorPowerKw ?? NaN, 22.4); // 32 x 700 W / 1000
  });

  test('an MI250X counts two units per accelerator; its peak is per OAM', () => {
    const c = poolCapacity({ nodes: 10, acceleratorsPerNode: 4, unitsPerAccelerator: 2, accelerator: ACCELERATORS['amd-mi250x'] });
    expect([c.accelerators, c.units]).toEqual([40, 80]);
    near(c.bf16PeakPflops ?? NaN, 15.32); // 40 x 383 TFLOP/s / 1000
    near(c.acceleratorPowerKw ?? NaN, 22.4); // 40 x 560 W / 1000
  });

  test('an unpublished figure stays unknown and is named in sums, never counted as zero', () => {
    const mi430x = poolCapacity({ nodes: 2, acceleratorsPerNode: 4, unitsPerAccelerator: 1, accelerator: ACCELERATORS['amd-mi430x'] });
    expect([mi430x.bf16PeakPflops, mi430x.acceleratorPowerKw, mi430x.memoryGB]).toEqual([null, null, 3456]); // 8 x 432 GB
    expect(
      sumKnown([
        { name: 'h100', value: 31.6608 },
        { name: 'mi430x', value: null },
      ]),
    ).toEqual({ value: 31.6608, unknown: ['mi430x'] });
  });

  test('site totals add the pools, and name the fields the site file marks as reference design', () => {
    const site = siteModel({
      gpuPools: {
        big: { accelerator: 'nvidia-h100-sxm', nodes: 10, acceleratorsPerNode: 8, cpusPerNode: 112, memoryGiBPerNode: 2048, interconnect: 'infiniband' },
      },
      tenants: { acme: { gpuQuota: { h100: { guaranteed: 8, max: 16 } } } },
      assumptions: { 'gpuPools.big.nodes': 'Reference design: node count not published' },
    });
    const c = capacitySection(factsOf(site));
    expect(c.total.accelerators).toBe(112); // 4 x 8 + 10 x 8
    near(c.total.bf16PeakPflops.value, 110.8128); // 112 x 989.4 / 1000
    expect(c.total.memoryGB).toEqual({ value: 8960, unknown: [] }); // 112 x 80
    expect(c.pools.map((p) => [p.pool, p.assumed])).toEqual([
      ['h100', []],
      ['big', ['nodes']],
    ]);
  });
});

describe('energy', () => {
  const a = { ...DEFAULT_ASSUMPTIONS, nodeOverhead: 0.3, pue: 1.58, utilization: 0.7 };

  test('IT, facility and annual energy from accelerator power', () => {
    const e = energyFigures([{ name: 'h100', acceleratorPowerKw: 22.4 }], a);
    near(e.itKw.value, 29.12); // 22.4 x 1.3
    near(e.facilityKw.value, 46.0096); // 29.12 x 1.58
    near(e.annualItMWh.value, 178.56384); // 29.12 x 0.7 x 8760 / 1000
    near(e.annualFacilityMWh.value, 282.1308672); // 46.0096 x 0.7 x 8760 / 1000
  });

  test('the EED threshold is "at least 500 kW" of installed IT power', () => {
    expect(EED_REPORTING_THRESHOLD.kw).toBe(500);
    expect(crosses({ value: 500, unknown: [] }, 500, 'at least')).toBe(true);
    expect(crosses({ value: 499.99, unknown: [] }, 500, 'at least')).toBe(false);
    expect(crosses({ value: 499.99, unknown: ['mi430x'] }, 500, 'at least')).toBe('unknown');
    expect(crosses({ value: 500.01, unknown: ['mi430x'] }, 500, 'at least')).toBe(true);
  });

  test.each([
    [68, 495.04, false], // 68 x 8 x 0.7 kW x 1.3 = 495.04 kW: below
    [69, 502.32, true], // 69 x 8 x 0.7 kW x 1.3 = 502.32 kW: reports
  ])('an H100 site of %i nodes has %f kW of IT power; it reports under the EED: %s', (nodes, itKw, reports) => {
    const site = siteModel({ gpuPools: { h100: { nodes } } });
    const e = energySection(factsOf(site), a);
    near(e.figures.itKw.value, itKw);
    expect(e.eed.reports).toBe(reports);
  });
});

describe('EU AI Act compute', () => {
  const mfu = 0.4;

  test('a quota turns into FLOP: units / units per accelerator x peak x MFU x days x 86,400 s', () => {
    const peak = quotaPeakFlops([{ pool: 'h100', units: 3250, unitsPerAccelerator: 1, bf16DenseTflops: 989.4 }]);
    near(peak.value, 3.21555e18); // 3250 x 989.4e12
    near(trainingFlop(peak, mfu, 90).value, 1.000164672e25); // 3.21555e18 x 0.4 x 90 x 86400
    // MIG: 28 instances of 7 per GH200 are 4 GPUs.
    near(quotaPeakFlops([{ pool: 'inference', units: 28, unitsPerAccelerator: 7, bf16DenseTflops: 989 }]).value, 3.956e15);
  });

  test('the thresholds are "greater than" 10^23 and 10^25 FLOP', () => {
    expect([GPAI_INDICATIVE_CRITERION.flop, SYSTEMIC_RISK_PRESUMPTION.flop]).toEqual([1e23, 1e25]);
    const [w] = windowCompute({ value: 1e25 / (mfu * 86_400), unknown: [] }, mfu, [1], [SYSTEMIC_RISK_PRESUMPTION]);
    near(w.flop.value, 1e25);
    expect(crosses({ value: 1e25, unknown: [] }, 1e25, 'greater than')).toBe(false);
  });

  test('one tenant crosses 10^25 FLOP in 90 days and another does not; every crossing is flagged', () => {
    // 407 nodes x 8 = 3,256 H100.
    const site = siteModel({
      gpuPools: { h100: { nodes: 407 } },
      tenants: {
        acme: { gpuQuota: { h100: { guaranteed: 3250, max: 3256 } } },
        beta: { kind: 'sme', oidcGroups: { admins: ['beta-admins'] }, gpuQuota: { h100: { guaranteed: 6, max: 6 } } },
      },
    });
    const ai = aiActSection(factsOf(site), { ...DEFAULT_ASSUMPTIONS, mfu });
    const acme = ai.tenants.find((t) => t.tenant === 'acme')!;
    const beta = ai.tenants.find((t) => t.tenant === 'beta')!;
    const [acme30, acme90] = acme.guaranteed.windows;
    near(acme30.flop.value, 3.33388224e24); // 3250 x 989.4e12 x 0.4 x 30 x 86400
    near(acme90.flop.value, 1.000164672e25); // the same over 90 days
    expect(acme30.crossings).toEqual({ [GPAI_INDICATIVE_CRITERION.id]: true, [SYSTEMIC_RISK_PRESUMPTION.id]: false });
    expect(acme90.crossings).toEqual({ [GPAI_INDICATIVE_CRITERION.id]: true, [SYSTEMIC_RISK_PRESUMPTION.id]: true });
    const [, beta90] = beta.guaranteed.windows;
    near(beta90.flop.value, 1.846457856e22); // 6 x 989.4e12 x 0.4 x 90 x 86400
    expect(beta90.crossings).toEqual({ [GPAI_INDICATIVE_CRITERION.id]: false, [SYSTEMIC_RISK_PRESUMPTION.id]: false });
    expect(ai.flags.filter((f) => f.startsWith('acme: its guaranteed quota'))).toEqual([
      'acme: its guaranteed quota can train a model past the GPAI indicative criterion (10^23 FLOP) within 30 days',
      'acme: its guaranteed quota can train a model past the systemic-risk presumption (10^25 FLOP) within 90 days; a provider training such a model notifies the Commission within 14 days (Art. 52(1))',
    ]);
    expect(ai.flags.some((f) => f.startsWith('beta'))).toBe(false);
  });

  test('a quota on a pool whose peak is unpublished may cross, and says so', () => {
    const site = siteModel({
      gpuPools: {
        h100: null,
        mi430x: { accelerator: 'amd-mi430x', nodes: 4, acceleratorsPerNode: 4, cpusPerNode: 96, memoryGiBPerNode: 1024, interconnect: 'ethernet' },
      },
      tenants: { acme: { gpuQuota: { h100: null, mi430x: { guaranteed: 8, max: 16 } } } },
    });
    const ai = aiActSection(factsOf(site), DEFAULT_ASSUMPTIONS);
    expect(ai.tenants[0].guaranteed.peakFlops).toEqual({ value: 0, unknown: ['mi430x'] });
    expect(ai.tenants[0].guaranteed.windows[1].crossings[SYSTEMIC_RISK_PRESUMPTION.id]).toBe('unknown');
    expect(ai.flags).toContain("acme: its guaranteed quota may pass the systemic-risk presumption (10^25 FLOP); part of its pools' compute is not published");
  });
});
