/**
 * The fixed-time search's first batch: besides the spread of cycles, the
 * progression cycles of the signal spacing T (C = T, simultaneous; C = 2T,
 * alternate: adjacent signals half a cycle apart; Webster and Cobbe 1966) with
 * progression offsets t mod C, so the search can start at a green wave it could
 * not reach by moving its cycle (offsets are fractions of the cycle).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/network/compile.js';
import { grid } from '../../engine/network/generators/index.js';
import { completePrograms, createSearchSpace } from '../../engine/optimise/space.js';
import { initialDesign, progressionTimes, signalSpacingTime } from '../../engine/optimise/design.js';
import { programToSpec } from '../../engine/signals/program.js';

const cycleOf = (phases: ReadonlyArray<{ duration: number; yellow?: number; allRed?: number }>): number => phases.reduce((s, p) => s + p.duration + (p.yellow ?? 0) + (p.allRed ?? 0), 0);

describe('initialDesign progression cycles', () => {
  it('a 4x4 grid of 300 m blocks at 50 km/h: T = 21.6 s; the batch holds C = 2T = 43 s with offsets t mod C (and T = 22 s when the range allows it)', () => {
    const net = compile(grid(4, 4, { spacing: 300 }));
    const base = completePrograms(net, []);
    const space = createSearchSpace(net, base, { minCycle: 20, maxCycle: 120 });
    const T = signalSpacingTime(net, space)!;
    expect(T).toBeCloseTo(300 / (50 / 3.6), 1);
    const times = progressionTimes(net, space);
    const start = base.map((p) => programToSpec(net, p));
    const plans = initialDesign(net, space, start).map((x) => space.plan(x).programs);
    for (const cycle of [Math.round(T), Math.round(2 * T)]) {
      const found = plans.filter((programs) => cycleOf(programs[0].phases) === cycle);
      expect(found.length, `a first-batch plan with cycle ${cycle} s`).toBeGreaterThan(0);
      // progression offsets: junction i's phase 1 starts t_i mod C after the reference's (offsets decode to whole seconds)
      const progression = found.some((programs) => programs.every((p, i) => Math.abs(((p.offset ?? 0) - (times[i] % cycle) + cycle) % cycle) < 1 + 1e-9 || Math.abs(((p.offset ?? 0) - (times[i] % cycle) + cycle) % cycle - cycle) < 1 + 1e-9));
      expect(progression).toBe(true);
    }
    // the coarse spread alone (20 + k x 7-ish s) holds neither 22 nor 43 s
    const spread = [0, 0.07, 0.14, 0.22, 0.3, 0.4, 0.55, 0.75].map((s) => Math.round(20 + s * 100));
    expect(spread).not.toContain(Math.round(T));
    expect(spread).not.toContain(Math.round(2 * T));
  });

});
