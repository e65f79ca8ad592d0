/**
 * Shared lanes (sim/shared-lanes.ts): head-of-line blocking where one lane serves
 * several movements. A left-turner held at the head of a shared lane holds the
 * through vehicles behind it in that lane (SUMO, CityFlow; HCM 7th ed., Ch. 31,
 * Eq. 31-121/122: the shared permitted-left lane is blocked while a left-turner
 * waits at its head); a through movement on two lanes, one of them blocked,
 * discharges at one lane's saturation flow s; exclusive lanes behave as before.
 * The simulation option `sharedLanes` turns it on (off by default).
 */
import { describe, expect, it } from 'vitest';
import type { compile } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { simulate } from '../../engine/sim/index.js';
import { turnApproach } from '../fixtures/turn-approach.js';

/** The approach of the lane tests (fixtures/turn-approach.ts) with `lanes` lanes on U, L and D; `left` and `through` are the lanes of L each turn uses. */
function approach(lanes: number, left: number[], through: number[]): ReturnType<typeof compile> {
  return turnApproach({ upstreamLanes: lanes, lanes, exitLanes: lanes, left, through });
}
/** The only phase: L -> D green; the left turn is red for ever. */
const throughOnly = [{ junction: 'J', phases: [{ green: [{ from: 'L', to: 'D' }], duration: 60, yellow: 0, allRed: 0 }] }];

/** One left-turner on U, then `n` through vehicles `gap` s apart; arrival times of the through vehicles (NaN: unfinished). */
function run(net: ReturnType<typeof compile>, n: number, gap: number, start: 'U' | 'L', sharedLanes = true): number[] {
  const first = start === 'U' ? ['U'] : [];
  const trips = expandDemand(net, {
    trips: [
      { id: 'left', depart: 0, route: [...first, 'L', 'X'] },
      ...Array.from({ length: n }, (_, i) => ({ id: `through${i}`, depart: 1 + i * gap, route: [...first, 'L', 'D'] })),
    ],
  }, createRandom(1));
  const r = simulate(net, trips, { programs: throughOnly }, { end: 900, vehicle: NO_LOSS_VEHICLE_MODEL, sharedLanes });
  return Array.from({ length: n }, (_, i) => r.trips.arrived[i + 1]);
}

describe('shared lanes: head-of-line blocking', () => {
  it('a left-turner held by red at the head of a one-lane approach holds the through vehicles behind it', () => {
    const shared = run(approach(1, [0], [0]), 5, 2, 'U');
    expect(shared.every((t) => Number.isNaN(t))).toBe(true);
    // The same turns on lanes of their own: nothing blocks the through vehicles.
    const exclusive = run(approach(2, [0], [1]), 5, 2, 'U');
    expect(exclusive.every((t) => t > 0)).toBe(true);
    // Without the option (the default) movements sharing the lane keep separate queues: nothing blocks them either.
    const separate = run(approach(1, [0], [0]), 5, 2, 'U', false);
    expect(separate.every((t) => t > 0)).toBe(true);
  });

  it('a through movement on two lanes, one of them held by a left-turner, discharges at one lane\'s saturation flow', () => {
    // 1,800 veh/h per lane by default: 2 s a vehicle on one lane, 1 s on two.
    const gaps = (arrived: number[]) => {
      const t = arrived.filter((x) => x > 0).sort((a, b) => a - b);
      return t.slice(1).map((x, i) => x - t[i]);
    };
    // Left-turner first on lane 1 (its only lane); the through vehicles then keep to lane 0.
    const blocked = run(approach(2, [1], [0, 1]), 30, 0.1, 'L');
    const g = gaps(blocked);
    expect(g.length).toBeGreaterThan(5);
    for (const x of g) expect(x).toBeGreaterThanOrEqual(2 - 1e-9);
    // Without the shared lane (the left on a third lane of its own), the same vehicles leave 1 s apart.
    const free = gaps(run(approach(3, [2], [0, 1]), 30, 0.1, 'L'));
    expect(free.length).toBe(29);
    expect(Math.min(...free)).toBeCloseTo(1, 9);
  });
});
