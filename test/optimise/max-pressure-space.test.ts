/**
 * The max-pressure plan space: every vector decodes to settings of the scenario
 * format's signals.maxPressure inside their ranges, with a minimum green never
 * below a program's (a safety setting), the default controller encodes to a
 * vector that decodes back to it (no network-wide minimum green: each phase
 * keeps its program's own), the first batch varies the decision interval,
 * the pressure definition, ties and the minimum green, and the decoded settings
 * are what the controller runs (a different interval gives a different run).
 */
import { describe, expect, it } from 'vitest';
import { corridorScenario } from '../fixtures/optimise-corridor.js';
import { createInProcessEvaluator } from '../../engine/optimise/index.js';
import { completePrograms } from '../../engine/optimise/space.js';
import { createMaxPressureSpace, INTERVAL_RANGE, MIN_GREEN_RANGE } from '../../engine/optimise/max-pressure-space.js';
import { maxPressureDesign } from '../../engine/optimise/design.js';
import { optimise } from '../../engine/optimise/optimise.js';
import { programToSpec } from '../../engine/signals/program.js';
import { createRandom } from '../../engine/demand/random.js';

describe('createMaxPressureSpace', () => {
  const { net, scenario } = corridorScenario();
  const base = completePrograms(net, []);
  const space = createMaxPressureSpace(net, base);
  const programs = base.map((p) => programToSpec(net, p));

  it('decodes every vector to settings within their ranges, the minimum green never below a program\'s', () => {
    expect(space.kind).toBe('max-pressure');
    expect(space.names).toEqual(['intervalS', 'minGreenS', 'pressure', 'ties']);
    const safety = Math.max(...base.flatMap((p) => p.phases.map((ph) => ph.minGreen)));
    expect(space.minGreenRange).toEqual([safety, MIN_GREEN_RANGE[1]]);
    const random = createRandom(9);
    const seen = { pressure: new Set<string>(), ties: new Set<string>(), ownMinGreen: false };
    for (let trial = 0; trial < 200; trial++) {
      const plan = space.plan(Array.from({ length: space.dimension }, () => random.next() * 1.4 - 0.2));
      const control = plan.control;
      if (control?.kind !== 'max-pressure') throw new Error('not max-pressure');
      expect(Number.isInteger(control.interval)).toBe(true);
      expect(control.interval).toBeGreaterThanOrEqual(INTERVAL_RANGE[0]);
      expect(control.interval).toBeLessThanOrEqual(INTERVAL_RANGE[1]);
      if (control.minGreen !== undefined) { // absent: each phase its program's own
        expect(Number.isInteger(control.minGreen)).toBe(true);
        expect(control.minGreen).toBeGreaterThanOrEqual(safety);
        expect(control.minGreen).toBeLessThanOrEqual(MIN_GREEN_RANGE[1]);
      }
      seen.ownMinGreen ||= control.minGreen === undefined;
      seen.pressure.add(control.pressure ?? '');
      seen.ties.add(control.ties ?? '');
      // nothing the scenario format cannot carry
      expect(control.useMaxGreen).toBeUndefined();
      expect(control.turnRatios).toBeUndefined();
      expect(plan.programs).toEqual(programs.map(({ cycle: _c, ...p }) => p));
    }
    expect(seen.pressure).toEqual(new Set(['queues', 'lanes']));
    expect(seen.ties).toEqual(new Set(['keep', 'lowest']));
    expect(seen.ownMinGreen).toBe(true);
  });

  it('the default controller encodes to a vector that decodes back to its settings', () => {
    const x = space.encodePlan({ programs, control: { kind: 'max-pressure' } });
    const plan = space.plan(x);
    // no network-wide minimum green: each phase keeps its program's own, as the default controller does
    expect(plan.control).toEqual({ kind: 'max-pressure', interval: 5, pressure: 'queues', ties: 'keep' });
    expect(plan.control).not.toHaveProperty('minGreen');
    const floor = { kind: 'max-pressure' as const, interval: 5, minGreen: space.minGreenRange[0], pressure: 'queues' as const, ties: 'keep' as const };
    expect(space.plan(space.encodePlan({ programs, control: floor })).control).toEqual(floor);
    const tuned = { kind: 'max-pressure' as const, interval: 9, minGreen: 12, pressure: 'lanes' as const, ties: 'lowest' as const };
    expect(space.plan(space.encodePlan({ programs, control: tuned })).control).toEqual(tuned);
    expect(() => space.encodePlan({ programs, control: { kind: 'actuated' } })).toThrow(/max-pressure space encodes max-pressure plans/);
  });

  it('the first batch tries decision intervals under both pressures, ties to the lowest phase and a longer minimum green', () => {
    const design = maxPressureDesign(space, { programs, control: { kind: 'max-pressure' } });
    const controls = design.map((x) => space.plan(x).control);
    expect(new Set(controls.map((c) => (c?.kind === 'max-pressure' ? c.interval : -1)))).toEqual(new Set([3, 5, 8, 12]));
    expect(controls.some((c) => c?.kind === 'max-pressure' && c.pressure === 'lanes')).toBe(true);
    expect(controls.some((c) => c?.kind === 'max-pressure' && c.ties === 'lowest')).toBe(true);
    expect(controls.some((c) => c?.kind === 'max-pressure' && c.minGreen === space.minGreenRange[0] + 5)).toBe(true);
  });

  it('the settings decoded are the ones simulated: the search never scores two intervals alike', async () => {
    const evaluator = createInProcessEvaluator(scenario);
    const start = { programs, control: { kind: 'max-pressure' as const } };
    const r = await optimise(evaluator, space, start, { seeds: [1], variants: [0], budget: 10, initial: maxPressureDesign(space, start) });
    const values = r.history.map((h) => h.objective);
    expect(new Set(values.slice(0, 9)).size).toBeGreaterThan(4);
    expect(r.best.control?.kind).toBe('max-pressure');
    expect(r.best.value).toBeLessThanOrEqual(r.start.value);
    await evaluator.close();
  }, 60_000);
});
