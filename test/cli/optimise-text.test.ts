/**
 * What `greenwave optimise` prints after the held-out table: the written plan
 * against the best baseline, paired by seed (the paired-t interval: Law,
 * *Simulation Modeling and Analysis*, 5th ed., §10.2.1). The rows are built by
 * hand so the differences are exact; comparePlans itself is tested in
 * test/report/compare.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { comparisonLines, currentPlanWarnings, versusBest } from '../../cli/optimise-text.js';
import type { SafetyIssue } from '../../engine/signals/safety.js';
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

describe('currentPlanWarnings: the current plan\'s safety findings, grouped', () => {
  const issue = (junction: string, phase: number, message: string): SafetyIssue => ({ kind: 'yellow', junction, program: 0, phase, at: `phases[${phase}].yellow`, message });
  it('one line per distinct finding and set of phases (1-based, runs as ranges), naming the junctions, the first 12 and how many more', () => {
    const yellow = 'yellow 0.0 s is shorter than ITE\'s t + v/(2a + 2Gg) = 3.2 s';
    const allRed = 'all-red 0.0 s is shorter than ITE\'s (W + L)/v = 2.0 s';
    const issues = [issue('A0', 1, yellow), issue('A0', 2, yellow), issue('B1', 1, yellow), issue('B1', 2, yellow), issue('C2', 4, yellow), issue('A0', 0, allRed)];
    expect(currentPlanWarnings(issues)).toEqual([
      `warning: the current plan, phases 2, 3 at 2 junctions, A0, B1: ${yellow}`,
      `warning: the current plan, phase 5 at junction C2: ${yellow}`,
      `warning: the current plan, phase 1 at junction A0: ${allRed}`,
    ]);
    const many = Array.from({ length: 16 }, (_, j) => [0, 1, 2, 3, 5].map((k) => issue(`J${j}`, k, allRed))).flat();
    expect(currentPlanWarnings(many)).toEqual([`warning: the current plan, phases 1-4, 6 at 16 junctions, ${Array.from({ length: 12 }, (_, j) => `J${j}`).join(', ')} and 4 more: ${allRed}`]);
    expect(currentPlanWarnings([])).toEqual([]);
  });
});
