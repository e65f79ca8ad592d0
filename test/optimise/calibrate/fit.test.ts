/**
 * The fit statistics of engine/optimise/calibrate/fit.ts against hand-computed
 * values: GEH = sqrt(2 (M - C)^2 / (M + C)) on hourly flows (DMRB Vol. 12 §4.4.39,
 * TAG M3.1 Table 2), 15-minute counts scaled x4; TAG's flow criterion; R^2, the
 * regression line, RMSE and whole-period totals.
 */
import { describe, expect, it } from 'vitest';
import { fitRows, fitSummary, geh, meetsFlowCriterion } from '../../../engine/optimise/calibrate/fit.js';

describe('geh', () => {
  it('follows the DMRB formula on hourly flows', () => {
    expect(geh(110, 100, 1)).toBeCloseTo(Math.sqrt((2 * 100) / 210), 12); // 0.9759
    expect(geh(1000, 800, 1)).toBeCloseTo(Math.sqrt((2 * 200 * 200) / 1800), 12); // 6.67
    expect(geh(0, 0, 1)).toBe(0);
    expect(geh(0, 9, 1)).toBeCloseTo(Math.sqrt(18), 12);
  });

  it('scales a 15-minute count to its hourly flow (x4): GEH twice that of the raw numbers', () => {
    // 25 vs 30 vehicles in 15 minutes = 100 vs 120 veh/h
    expect(geh(25, 30, 0.25)).toBeCloseTo(Math.sqrt((2 * 400) / 220), 12);
    expect(geh(25, 30, 0.25)).toBeCloseTo(2 * geh(25, 30, 1), 12);
  });
});

describe('meetsFlowCriterion (TAG M3.1 Table 2)', () => {
  it('allows 100 veh/h below 700, 15% from 700 to 2,700 and 400 veh/h above', () => {
    expect(meetsFlowCriterion(599, 500)).toBe(true);
    expect(meetsFlowCriterion(600, 500)).toBe(false);
    expect(meetsFlowCriterion(1149, 1000)).toBe(true);
    expect(meetsFlowCriterion(1151, 1000)).toBe(false);
    expect(meetsFlowCriterion(3399, 3000)).toBe(true);
    expect(meetsFlowCriterion(2599, 3000)).toBe(false);
  });
});

describe('fitSummary', () => {
  const rows = fitRows([
    { location: 'a', begin: 0, end: 900, observed: 100, simulated: 100 },
    { location: 'a', begin: 900, end: 1800, observed: 100, simulated: 140 }, // 400 vs 560 veh/h: GEH 7.30
    { location: 'b', begin: 0, end: 900, observed: 0, simulated: 0 },
    { location: 'b', begin: 900, end: 1800, observed: 20, simulated: 10 }, // 80 vs 40 veh/h: GEH 5.16
  ]);

  it('gives GEH per count and the shares below 5, with and without empty counts', () => {
    expect(rows.map((r) => r.geh)).toEqual([0, expect.closeTo(Math.sqrt((2 * 160 * 160) / 960), 10), 0, expect.closeTo(Math.sqrt((2 * 40 * 40) / 120), 10)]);
    const s = fitSummary(rows);
    expect(s.counts).toBe(4);
    expect(s.countsWithTraffic).toBe(3);
    expect(s.shareGehBelow5).toBe(0.5);
    expect(s.shareGehBelow5WithTraffic).toBeCloseTo(1 / 3, 12);
  });

  it('computes whole-period totals as average hourly flows over the counted duration', () => {
    const s = fitSummary(rows);
    // a: 200 vs 240 vehicles in 0.5 h = 400 vs 480 veh/h; b: 20 vs 10 = 40 vs 20 veh/h
    const a = Math.sqrt((2 * 80 * 80) / 880);
    const b = Math.sqrt((2 * 20 * 20) / 60);
    expect(s.worst.map((w) => [w.location, w.geh])).toEqual([['a', expect.closeTo(a, 10)], ['b', expect.closeTo(b, 10)]]);
    expect(s.periodShareGehBelow5).toBe(1);
    expect(s.locations).toBe(2);
  });

  it('gives R^2, the regression line, RMSE, %RMSE, totals and the flow criterion', () => {
    const s = fitSummary(rows);
    const o = [100, 100, 0, 20];
    const m = [100, 140, 0, 10];
    const mean = (v: number[]): number => v.reduce((x, y) => x + y, 0) / v.length;
    const [mo, mm] = [mean(o), mean(m)];
    const cov = o.reduce((acc, oi, i) => acc + (oi - mo) * (m[i] - mm), 0);
    const vo = o.reduce((acc, oi) => acc + (oi - mo) ** 2, 0);
    const vm = m.reduce((acc, mi) => acc + (mi - mm) ** 2, 0);
    expect(s.r2).toBeCloseTo((cov * cov) / (vo * vm), 12);
    expect(s.slope).toBeCloseTo(cov / vo, 12);
    expect(s.intercept).toBeCloseTo(mm - (cov / vo) * mo, 12);
    expect(s.rmse).toBeCloseTo(Math.sqrt((40 * 40 + 10 * 10) / 4), 12);
    expect(s.percentRmse).toBeCloseTo((100 * s.rmse) / mo, 12);
    expect(s.totals).toEqual({ observed: 220, simulated: 250, ratio: 250 / 220 });
    // 560 vs 400 veh/h is 160 off (> 100); 40 vs 80 is 40 off (< 100)
    expect(s.shareFlowCriterion).toBe(0.75);
  });
});
