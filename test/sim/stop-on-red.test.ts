/**
 * Green after stopping at a signal (SUMO's state 's', a right turn on red;
 * `rightOfWay: 'stop'` on a movement at a signalised junction): when shown
 * permissive the movement is a stop (engine/sim/conflicts.ts). Checked against
 * the rule's own formulas:
 *  - it gives way to the movements of the other approaches that enter its exit
 *    link (the stream it merges into), not to the opposing approach;
 *  - a vehicle arriving at speed v brakes to a halt first: v / (2b) later than
 *    without the stop (losses.ts: the braking part of a halt), counted as a stop;
 *  - a standing queue discharges one vehicle per follow-up headway, the time to
 *    move up l + minGap from a halt to a halt: sqrt(2 (l + minGap)(1/a + 1/b)),
 *    3.02 s for SUMO's car (l 5 m, minGap 2.5 m, a 2.6, b 4.5 m/s²);
 *  - when shown protected green it goes as any green movement.
 */
import { describe, expect, it } from 'vitest';
import { createRandom, expandDemand, type FlowSpec } from '../../engine/demand/index.js';
import { compile, RoadNetwork, type CompiledNetwork } from '../../engine/network/index.js';
import { buildConflicts } from '../../engine/sim/conflicts.js';
import { NO_LOSS_VEHICLE_MODEL, type VehicleModel } from '../../engine/sim/losses.js';
import { simulate } from '../../engine/sim/index.js';
import type { SignalProgramSpec } from '../../engine/signals/index.js';

const SPEED = 14;
const SUMO_CLASS: VehicleModel = { ...NO_LOSS_VEHICLE_MODEL, gapAcceptance: { model: 'sumo', timeToImpatience: 0 } };

/** A right-hand crossroads J (signal), arms of 600 m, one lane; `stop`: the right turn S -> E is stated a stop. */
function crossroads(stop: boolean): CompiledNetwork {
  const network = new RoadNetwork();
  for (const [id, x, y, control] of [['W', -600, 0, 'uncontrolled'], ['E', 600, 0, 'uncontrolled'], ['N', 0, 600, 'uncontrolled'], ['S', 0, -600, 'uncontrolled'], ['J', 0, 0, 'signal']] as const) {
    network.addJunction({ id, x, y, control });
  }
  for (const arm of ['W', 'E', 'N', 'S']) {
    network.addLink({ id: `${arm}J`, from: arm, to: 'J', speed: SPEED, lanes: 1 });
    network.addLink({ id: `J${arm}`, from: 'J', to: arm, speed: SPEED, lanes: 1 });
  }
  if (stop) network.addMovement({ from: 'SJ', to: 'JE', rightOfWay: 'stop' });
  network.addDefaultMovements();
  return compile(network);
}

/** W-E green for ever; the S -> E right turn permissive (`protectedTurn`: protected) beside it. */
function programs(protectedTurn = false): SignalProgramSpec[] {
  const turn = { from: 'SJ', to: 'JE' };
  return [{
    junction: 'J',
    phases: [{ green: [{ from: 'WJ', to: 'JE' }, { from: 'EJ', to: 'JW' }, ...(protectedTurn ? [turn] : [])], permissive: protectedTurn ? [] : [turn], duration: 60, yellow: 0, allRed: 0 }],
  }];
}

/** Times the right turn S -> E discharged, and the run's result. */
function run(stop: boolean, flows: FlowSpec[], protectedTurn = false) {
  const net = crossroads(stop);
  const turn = net.movementBetween(net.linkIndex('SJ'), net.linkIndex('JE'));
  const trips = expandDemand(net, { flows }, createRandom(5));
  const leaves: number[] = [];
  const result = simulate(net, trips, { programs: programs(protectedTurn) }, {
    end: 3600, seed: 5, vehicle: SUMO_CLASS,
    attach: (sim) => sim.observe({ leave: (_v, _a, e, now) => { if (e === turn) leaves.push(now); } }),
  });
  return { leaves, result };
}

describe('green after stopping at a signal (right turn on red)', () => {
  it('gives way to the movements entering its exit, with a minor lag, a halt and the move-up follow-up headway', () => {
    const net = crossroads(true);
    const t = buildConflicts(net, { model: 'sumo' }, 2.6, 4.5);
    const e = net.movementBetween(net.linkIndex('SJ'), net.linkIndex('JE'));
    const names: string[] = [];
    for (let i = t.conflictOffsets[e]; i < t.conflictOffsets[e + 1]; i++) names.push(`${net.linkKey(net.movementFrom[t.conflicts[i]])}>${net.linkKey(net.movementTo[t.conflicts[i]])}`);
    expect(names.sort()).toEqual(['NJ>JE', 'WJ>JE']); // the through from the west and the left from the north
    expect(t.haltTime[e]).toBeCloseTo(SPEED / (2 * 4.5), 12);
    expect(t.followUp[e]).toBeCloseTo(Math.sqrt(2 * (5 + 2.5) * (1 / 2.6 + 1 / 4.5)), 12);
    expect(t.rollingCrossing[e]).toBe(0); // a stopped vehicle's lag
    // Without the stated stop: the permissive rule (the opposing approach, HCM's major far-side values), no halt.
    const plain = buildConflicts(crossroads(false), { model: 'sumo' }, 2.6, 4.5);
    expect([plain.haltTime[e], plain.criticalGap[e], plain.followUp[e]]).toEqual([0, 4.1, 2.2]);
  });

  it('a lone vehicle halts first: v / (2b) later than without the stop, counted as a stop', () => {
    const one: FlowSpec[] = [{ id: 'r', from: 'S', to: 'E', rate: 1 / 100, begin: 0, end: 100, arrivals: 'uniform' }];
    const stop = run(true, one);
    const plain = run(false, one);
    expect(stop.leaves).toHaveLength(1);
    expect(stop.leaves[0] - plain.leaves[0]).toBeCloseTo(SPEED / (2 * 4.5), 9);
    expect(stop.result.network.meanStops).toBe(1);
    expect(plain.result.network.meanStops).toBe(0);
  });

  it('a standing queue leaves one vehicle per sqrt(2 (l + minGap)(1/a + 1/b)) = 3.02 s', () => {
    const { leaves } = run(true, [{ id: 'r', from: 'S', to: 'E', rate: 1, begin: 0, end: 900, arrivals: 'uniform' }]);
    const window = leaves.filter((t) => t >= 300 && t < 900);
    const headway = Math.sqrt(2 * 7.5 * (1 / 2.6 + 1 / 4.5));
    expect(Math.abs(window.length - 600 / headway)).toBeLessThanOrEqual(1);
  });

  it('waits for a gap in the stream it merges into; shown protected green, it goes', () => {
    // Through vehicles every 2 s from the west: no gap is as long as the lag, so no right turn leaves while they run.
    const flows: FlowSpec[] = [
      { id: 'through', from: 'W', to: 'E', rate: 0.5, begin: 0, end: 1200, arrivals: 'uniform' },
      { id: 'r', from: 'S', to: 'E', rate: 0.05, begin: 0, end: 600, arrivals: 'uniform' },
    ];
    const during = (leaves: number[]) => leaves.filter((t) => t > 100 && t < 1200).length;
    expect(during(run(true, flows).leaves)).toBe(0);
    expect(during(run(false, flows).leaves)).toBeGreaterThan(20); // the old rule looked at the (empty) north approach only
    expect(during(run(true, flows, true).leaves)).toBeGreaterThan(20);
  });
});
