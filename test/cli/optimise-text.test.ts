/**
 * What `greenwave optimise` prints after the held-out table: the written plan
 * against the best baseline, paired by seed (the paired-t interval: Law,
 * *Simulation Modeling and Analysis*, 5th ed., §10.2.1). The rows are built by
 * hand so the differences are exact; comparePlans itself is tested in
 * test/report/compare.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { comparisonLines, versusBest } from '../../cli/optimise-text.js';
import type { Comparison, ComparisonRow } from '../../engine/report/compare.js';
import { summarise } from '../../engine/report/stats.js';

const seedEffect = [4, -3, 1, -2, 3, -4, 0, 2, -1, 0];
function row(plan: string, bySeed: (e: number, i: number) => number): ComparisonRow {
  const values = seedEffect.map(bySeed);
  const s = summarise(values, 0.95);
  const metrics = Object.fromEntries(['unfinished', 'objective', 'meanDelayAllTrips', 'meanTravelTimeAllTrips', 'meanDelay', 'meanTravelTime', 'meanStops', 'vehicleHours'].map((k) => [k, s])) as ComparisonRow['metrics'];
  return { plan, gridlockedSeeds: [], verdict: 'reference', verdictReason: '', metrics, difference: null, junctions: [], failures: [], objectiveBySeed: values };
}
function comparison(rows: ComparisonRow[]): Comparison {
  return { scenario: 't', objective: 'delay', heldOutSeeds: seedEffect.map((_, i) => 100 + i), level: 0.95, reference: 'webster', rows };
}

describe('comparisonLines: the written plan against the best baseline', () => {
  it('names the best baseline and says the written plan beats it when the paired interval excludes 0', () => {
    const c = comparison([
      row('current', (e) => 80 + e), row('webster', (e) => 90 + e), row('actuated', (e) => 70 + e), row('max-pressure', (e) => 75 + e),
      row('optimised', (e, i) => 68 + e + (i % 2 === 0 ? 0.5 : -0.5)),
      // another kind's best is not a baseline, even when it is lower
      row('best max-pressure', (e) => 60 + e),
    ]);
    const lines = comparisonLines(c, 'nominal demand', []).join('\n');
    expect(lines).toContain('against the best baseline (actuated), paired by seed: delay -2.0 ± 0.4 s: the written plan beats actuated');
    expect(versusBest(c, [])?.baseline).toBe('actuated');
  });

  it('says the written plan is not shown to beat the best baseline when the paired interval includes 0', () => {
    const c = comparison([row('webster', (e) => 90 + e), row('actuated', (e) => 70 + e), row('optimised', (e, i) => 69.9 + e + (i % 2 === 0 ? 2 : -2))]);
    expect(comparisonLines(c, 'nominal demand', []).join('\n')).toContain('the written plan is not shown to beat actuated (the interval includes 0)');
  });

  it('leaves SUMO candidates out of the baselines', () => {
    const c = comparison([row('webster', (e) => 90 + e), row('fixed #2', (e) => 50 + e), row('optimised', (e) => 60 + e)]);
    expect(versusBest(c, ['fixed #2'])?.baseline).toBe('webster');
  });
});
