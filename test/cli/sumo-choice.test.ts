/**
 * The SUMO-verified choice (cli/sumo-choice.ts) on made-up measurements:
 * which candidates go to SUMO (the best of every runnable kind, then the next
 * best-ranked, never max-pressure) and which one is written (the lowest SUMO
 * time lost per vehicle due, unfinished ones counted to the end, then
 * greenwave's order), with gains against Webster paired per seed.
 */
import { describe, expect, it } from 'vitest';
import { pickInSumo, sumoCandidates, sumoChoiceLines } from '../../cli/sumo-choice.js';
import type { RankedPlan } from '../../cli/choose-plan.js';
import type { Verification, VerificationRow } from '../../cli/sumo-measure.js';
import type { OptimiseResult, ScoredPlan } from '../../engine/optimise/optimise.js';
import { summarise } from '../../engine/report/stats.js';

type Kind = 'fixed' | 'actuated' | 'max-pressure';
const searches = new Map<Kind, { control: Kind; result: OptimiseResult }>(
  (['fixed', 'actuated', 'max-pressure'] as const).map((k) => [k, { control: k, result: {} as OptimiseResult }]),
);
const plan = (kind: Kind, k: number): RankedPlan<Kind> => ({ search: searches.get(kind)!, label: `${kind} #${k}`, plan: { value: k } as unknown as ScoredPlan });

/** A verification row with SUMO time losses per seed (arrived vehicles; `all`: every vehicle due, default the same) and mean unfinished vehicles. */
function row(name: string, losses: number[], unfinished = 0, predicted = 30, all = losses): VerificationRow {
  return {
    plan: name,
    predicted: { meanDelay: predicted, meanTravelTime: NaN, unfinished: 0, gain: null },
    measured: {
      meanTimeLoss: summarise(losses), meanTravelTime: summarise(losses), meanWaitingTime: summarise(losses), meanTimeLossAll: summarise(all),
      arrived: 100, unfinished, teleports: 0, collisions: 0, warnings: 0, gain: null,
      perSeed: losses.map((l, i) => ({ seed: i + 1, meanTimeLoss: l, meanTimeLossAll: all[i], meanTravelTime: l, arrived: 100, unfinished, teleports: 0, collisions: 0 })),
    },
    agreement: null,
  };
}
const verification = (rows: VerificationRow[]): Verification => ({
  scenario: 's', reference: 'current', sumo: { binary: 'sumo', net: 'n', routes: [], additional: [], seeds: [1, 2], begin: 0, end: 100 }, predictedSeeds: [100_001, 100_002], rows,
});

describe('sumoCandidates', () => {
  const ranked = [plan('fixed', 1), plan('max-pressure', 1), plan('fixed', 2), plan('fixed', 3), plan('actuated', 1), plan('actuated', 2)];
  const runnable = (c: RankedPlan<Kind>): boolean => c.search.control !== 'max-pressure';

  it('the best of each runnable kind, then the next best-ranked, in greenwave\'s order', () => {
    expect(sumoCandidates(ranked, 3, runnable).map((c) => c.label)).toEqual(['fixed #1', 'fixed #2', 'actuated #1']);
    expect(sumoCandidates(ranked, 4, runnable).map((c) => c.label)).toEqual(['fixed #1', 'fixed #2', 'fixed #3', 'actuated #1']);
  });

  it('never fewer than one per kind, never a kind SUMO cannot run, never more than there are', () => {
    expect(sumoCandidates(ranked, 1, runnable).map((c) => c.label)).toEqual(['fixed #1', 'actuated #1']);
    expect(sumoCandidates(ranked, 20, runnable)).toHaveLength(5);
    expect(sumoCandidates([plan('max-pressure', 1)], 3, runnable)).toEqual([]);
  });
});

describe('pickInSumo', () => {
  const candidates = [plan('fixed', 1), plan('fixed', 2), plan('actuated', 1)];

  it('writes the lowest SUMO time loss, whatever greenwave ranked first, with gains against Webster paired per seed', () => {
    const v = verification([row('current', [100, 110]), row('webster', [44, 46], 0, 40), row('fixed #1', [40, 42], 0, 31), row('fixed #2', [38, 40], 0, 33), row('actuated #1', [41, 41], 0, 35)]);
    const { pick, report } = pickInSumo(v, candidates, (c) => c.search.control);
    expect(pick.label).toBe('fixed #2');
    expect(report.written).toBe('fixed #2');
    expect(report.greenwaveChoice).toBe('fixed #1');
    expect(report.candidates.map((c) => c.written)).toEqual([false, true, false]);
    const f2 = report.candidates[1];
    expect(f2.measured.meanTimeLoss).toBe(39);
    expect(f2.measured.gainVsWebster).toBe(((38 - 44) + (40 - 46)) / 2);
    expect(f2.predicted.gainVsWebster).toBe(33 - 40);
    expect(report.reason).toMatch(/SUMO measured fixed #2 best .* where greenwave ranked fixed #1 first/);
    expect(sumoChoiceLines(report).filter((l) => l.includes('*'))).toHaveLength(2); // the starred candidate and the legend
  });

  it('counts every vehicle due: stranded vehicles, counted to the end, outweigh a low delay of the arrived', () => {
    // fixed #1: low delay among the arrived, but 5 vehicles held until the end raise the time lost per vehicle due to 60 s.
    const v = verification([row('fixed #1', [30, 30], 5, 30, [60, 60]), row('fixed #2', [50, 50], 0), row('actuated #1', [50, 50], 0)]);
    const { pick, report } = pickInSumo(v, candidates, (c) => c.search.control);
    expect(pick.label).toBe('fixed #2');
    expect(report.candidates[0].measured.meanTimeLossAll).toBe(60);
    expect(report.candidates[0].measured.gainVsWebster).toBeNull(); // no Webster row measured
  });

  it('two late departures still on the road at the end do not outweigh everyone\'s delay (RESCO grid4x4: the old rule wrote a plan 4.4 s worse)', () => {
    const v = verification([row('fixed #1', [74.2, 74.1], 25, 30, [74.2, 74.1]), row('fixed #2', [74.7, 74.1], 25), row('actuated #1', [69.3, 70.0], 27, 30, [69.4, 70.1])]);
    const { pick, report } = pickInSumo(v, candidates, (c) => c.search.control);
    expect(pick.label).toBe('actuated #1');
    expect(report.reason).toMatch(/SUMO measured actuated #1 best \(69\.8 s lost per vehicle due, 27 unfinished\)/);
    expect(sumoChoiceLines(report).find((l) => l.startsWith('  * '))).toMatch(/actuated #1 .*all 69\.8 s, 27 unfinished/);
  });

  it('greenwave\'s choice stays when SUMO agrees, and the reason says so', () => {
    const v = verification([row('fixed #1', [30, 31]), row('fixed #2', [32, 33]), row('actuated #1', [35, 35])]);
    expect(pickInSumo(v, candidates, (c) => c.search.control).report.reason).toMatch(/greenwave's choice, fixed #1, is also SUMO's best of 3/);
  });
});
