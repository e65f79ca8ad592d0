/**
 * The max-pressure plan space: every vector decodes to settings inside their
 * ranges with minimum greens never below the program's (a safety setting), the
 * default controller encodes to a vector that decodes back to it, the first
 * batch varies the decision interval and the pressure weights, and the decoded
 * settings are what the controller runs (a different interval gives a
 * different run).
 */
import { describe, expect, it } from 'vitest';
import { corridorScenario } from '../fixtures/optimise-corridor.js';
import { createInProcessEvaluator } from '../../engine/optimise/index.js';
import { completePrograms } from '../../engine/optimise/space.js';
import { createMaxPressureSpace, INTERVAL_RANGE, MAX_GREEN_RANGE, MIN_GREEN_RANGE } from '../../engine/optimise/max-pressure-space.js';
import { maxPressureDesign } from '../../engine/optimise/design.js';
import { optimise } from '../../engine/optimise/optimise.js';
import { programToSpec } from '../../engine/signals/program.js';
import { createRandom } from '../../engine/demand/random.js';

describe('createMaxPressureSpace', () => {
  const { net, scenario } = corridorScenario();
  const base = completePrograms(net, []);
  const space = createMaxPressureSpace(net, base);
  const programs = base.map((p) => programToSpec(net, p));

  it('decodes every vector to settings within their ranges, minimum greens never below the program\'s', () => {
    expect(space.kind).toBe('max-pressure');
    expect(space.names).toEqual(['interval', 'minGreen', 'useMaxGreen', 'maxGreen', 'turnRatios']);
    const random = createRandom(9);
    for (let trial = 0; trial < 200; trial++) {
      const plan = space.plan(Array.from({ length: space.dimension }, () => random.next() * 1.4 - 0.2));
      const control = plan.control;
      if (control?.kind !== 'max-pressure') throw new Error('not max-pressure');
      expect(Number.isInteger(control.interval)).toBe(true);
      expect(control.interval).toBeGreaterThanOrEqual(INTERVAL_RANGE[0]);
      expect(control.interval).toBeLessThanOrEqual(INTERVAL_RANGE[1]);
      expect(['demand', 'uniform']).toContain(control.turnRatios);
      plan.programs.forEach((p, i) => p.phases.forEach((ph, k) => {
        expect(ph.minGreen).toBeGreaterThanOrEqual(base[i].phases[k].minGreen);
        expect(ph.minGreen).toBeLessThanOrEqual(Math.max(base[i].phases[k].minGreen, MIN_GREEN_RANGE[1]));
        expect(ph.maxGreen).toBeGreaterThanOrEqual(ph.minGreen ?? 0);
        expect(ph.maxGreen).toBeLessThanOrEqual(Math.max(ph.minGreen ?? 0, MAX_GREEN_RANGE[1]));
      }));
    }
  });

  it('the default controller encodes to a vector that decodes back to its settings', () => {
    const x = space.encodePlan({ programs, control: { kind: 'max-pressure' } });
    const plan = space.plan(x);
    expect(plan.control).toEqual({ kind: 'max-pressure', interval: 5, useMaxGreen: false, turnRatios: 'demand' });
    plan.programs.forEach((p, i) => p.phases.forEach((ph, k) => expect(ph.minGreen).toBe(base[i].phases[k].minGreen)));
    expect(() => space.encodePlan({ programs, control: { kind: 'actuated' } })).toThrow(/max-pressure space encodes max-pressure plans/);
  });

  it('the first batch tries decision intervals with both pressure weightings and a maximum green', () => {
    const design = maxPressureDesign(space, { programs, control: { kind: 'max-pressure' } });
    const controls = design.map((x) => space.plan(x).control);
    expect(new Set(controls.map((c) => (c?.kind === 'max-pressure' ? c.interval : -1)))).toEqual(new Set([3, 5, 8, 12]));
    expect(controls.some((c) => c?.kind === 'max-pressure' && c.turnRatios === 'uniform')).toBe(true);
    expect(controls.some((c) => c?.kind === 'max-pressure' && c.useMaxGreen === true)).toBe(true);
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
