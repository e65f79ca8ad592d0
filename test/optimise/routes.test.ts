/**
 * Routes computed once per demand (`withFixedRoutes`): exactly the routes the
 * kernel would choose at departure before its first routing refresh, so a run
 * on the filled table gives the same metrics as a run on the bare one, under
 * fixed time and max-pressure (whose turn ratios read routes), with en-route
 * re-routing too, and with the SUMO imports' routing (speeds, the penalty for
 * yielding turns); later trips are left to the kernel.
 */
import { describe, expect, it } from 'vitest';
import { gridScenario } from '../fixtures/optimise-grid.js';
import { withFixedRoutes } from '../../engine/optimise/routes.js';
import { createTripCache, runCandidate } from '../../engine/optimise/evaluator.js';
import { completePrograms } from '../../engine/optimise/space.js';
import { programToSpec } from '../../engine/signals/program.js';
import { expandDemand, createRandom, type DemandSpec } from '../../engine/demand/index.js';

describe('withFixedRoutes', () => {
  const { net, scenario } = gridScenario(5, 900, 1800);
  const demand = scenario.variants[0].demand as DemandSpec;
  const trips = expandDemand(net, demand, createRandom(3).fork('demand'));
  const programs = completePrograms(net, []).map((p) => programToSpec(net, p));

  it('fills the routes of trips departing before the first refresh only, and leaves the table given untouched', () => {
    const filled = withFixedRoutes(net, trips, { start: 0, end: 1800, routingInterval: 300 });
    let routed = 0;
    for (let v = 0; v < trips.count; v++) {
      const length = filled.routeOffsets[v + 1] - filled.routeOffsets[v];
      if (trips.depart[v] < 300) {
        expect(length).toBeGreaterThan(0);
        routed++;
      } else {
        expect(length).toBe(0);
      }
    }
    expect(routed).toBeGreaterThan(10);
    expect(trips.routeLinks.length).toBe(0);
    expect(filled.originLink).toBe(trips.originLink);
  });

  it('runs give the same metrics with and without the filled routes', () => {
    const cases = [
      { options: { end: 1800 }, control: undefined },
      { options: { end: 1800, routingInterval: Infinity }, control: undefined },
      { options: { end: 1800, routingInterval: 120, rerouteShare: 0.3 }, control: undefined },
      { options: { end: 1800 }, control: { kind: 'max-pressure' as const } },
      // SUMO imports' routing: yielding turns cost 1.5 s more, speeds sampled every 10 s (the first refresh comes early).
      { options: { end: 1800, routingInterval: 10, routingCosts: 'speeds' as const, minorPenalty: 1.5 }, control: undefined },
      { options: { end: 1800, routingInterval: Infinity, minorPenalty: 1.5 }, control: undefined },
    ];
    for (const { options, control } of cases) {
      const candidate = { programs, ...(control ? { control } : {}) };
      const bare = runCandidate(net, trips, candidate, 3, options, 'full');
      const filled = runCandidate(net, withFixedRoutes(net, trips, options), candidate, 3, options, 'full');
      expect(filled.network).toEqual(bare.network);
      expect(Array.from(filled.junctions?.controlDelay ?? [])).toEqual(Array.from(bare.junctions?.controlDelay ?? []));
    }
  });

  it('the evaluators\' trip cache fills them once per demand, seed and window', () => {
    const cache = createTripCache(net, 4);
    const a = cache('v', demand, 3, { end: 1800 });
    expect(cache('v', demand, 3, { end: 1800 })).toBe(a);
    expect(a.routeLinks.length).toBeGreaterThan(0);
    expect(cache('v', demand, 3, { end: 1800, routingInterval: 60 })).not.toBe(a);
    expect(cache('v', demand, 3).routeLinks.length).toBe(0);
  });
});
