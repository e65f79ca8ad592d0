/**
 * Junction storage of permissive turns at signals (engine/sim/junction-storage.ts):
 * the release count at the end of each permissive green follows the floor rule of
 * HCM 2000, Chapter 16, Appendix C (f_min = 2 (1 + P_L) / g: at least two
 * "sneakers" per cycle, not added to the gap crossings):
 *
 *   released after the green = min(queued at the end of the green, max(0, S - n)),
 *   n = vehicles that crossed in gaps during that green.
 *
 * Checked cycle by cycle on a crossroads whose far-side turn is permissive, by an
 * observer that reads the turn's signal state at each of its discharges.
 */
import { describe, expect, it } from 'vitest';
import { createRandom, expandDemand, type FlowSpec } from '../../engine/demand/index.js';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { buildConflicts } from '../../engine/sim/conflicts.js';
import { NO_LOSS_VEHICLE_MODEL, type VehicleModel } from '../../engine/sim/losses.js';
import { sumoStorage } from '../../engine/sim/junction-storage.js';
import { simulate } from '../../engine/sim/index.js';
import { SIGNAL_PERMISSIVE } from '../../engine/signals/controller.js';

/**
 * Cross junction J in left-hand traffic: the right turn W -> J -> S is the far-side turn, permissive against E -> W.
 * `waitPoint`: the turn's stated wait point (m), else none (estimated).
 */
function crossroads(lanes = 1, waitPoint?: number) {
  const network = new RoadNetwork({ drivingSide: 'left' });
  for (const [id, x, y, control] of [['W', -600, 0, 'uncontrolled'], ['E', 600, 0, 'uncontrolled'], ['N', 0, 600, 'uncontrolled'], ['S', 0, -600, 'uncontrolled'], ['J', 0, 0, 'signal']] as const) {
    network.addJunction({ id, x, y, control });
  }
  for (const arm of ['W', 'E', 'N', 'S']) {
    network.addLink({ id: `${arm}J`, from: arm, to: 'J', speed: 14, lanes });
    network.addLink({ id: `J${arm}`, from: 'J', to: arm, speed: 14, lanes });
  }
  if (waitPoint !== undefined) network.addMovement({ from: 'WJ', to: 'JS', waitPoint });
  network.addDefaultMovements();
  return compile(network);
}

const programs = [{
  junction: 'J',
  phases: [
    { green: [{ from: 'WJ', to: 'JE' }, { from: 'EJ', to: 'JW' }], permissive: [{ from: 'WJ', to: 'JS' }], duration: 30, yellow: 3, allRed: 2 },
    { green: [{ from: 'NJ', to: 'JS' }, { from: 'SJ', to: 'JN' }], duration: 20, yellow: 3, allRed: 2 },
  ],
}];

interface Cycle { inGreen: number; after: number }

/** Per permissive green of the turn: its discharges during the green and after it (until the next one). */
function turnCycles(opposingRate: number, vehicle: VehicleModel, turnRate = 0.2): Cycle[] {
  const net = crossroads();
  const turn = net.movementBetween(net.linkIndex('WJ'), net.linkIndex('JS'));
  const flows: FlowSpec[] = [
    { id: 'turn', from: 'W', to: 'S', rate: turnRate, begin: 0, end: 3600, arrivals: 'uniform' },
    { id: 'opp', from: 'E', to: 'W', rate: opposingRate, begin: 0, end: 3600, arrivals: 'uniform' },
  ];
  const trips = expandDemand(net, { flows }, createRandom(3));
  // The program's cycle is 60 s from t = 0: the turn is permissive during [0, 30) of each cycle.
  const cycles: Cycle[] = Array.from({ length: 60 }, () => ({ inGreen: 0, after: 0 }));
  let signal: Uint8Array | undefined;
  let mismatched = 0;
  simulate(net, trips, { programs }, {
    end: 3600, seed: 3, vehicle,
    attach: (sim) => {
      signal = sim.signal;
      sim.observe({
        leave: (_v, _a, e, now) => {
          if (e !== turn || signal === undefined) return;
          const inGreen = now % 60 < 30;
          if (inGreen !== (signal[e] === SIGNAL_PERMISSIVE)) mismatched++;
          if (inGreen) cycles[Math.floor(now / 60)].inGreen++;
          else cycles[Math.floor(now / 60)].after++;
        },
      });
    },
  });
  expect(mismatched).toBe(0);
  return cycles.slice(2, -2); // cycles with a standing queue
}

describe('junction storage of permissive turns (floor rule)', () => {
  it('with no usable gap, each permissive green ends with exactly S releases (HCM: 2; a class setting: 0, 1, 3)', () => {
    // Opposing vehicles 2 s apart, under the 4.1 s critical gap: no turner crosses during green.
    for (const [storage, expected] of [[undefined, 2], [0, 0], [1, 1], [3, 3]] as const) {
      const cycles = turnCycles(0.5, { ...NO_LOSS_VEHICLE_MODEL, junctionStorage: storage });
      expect(cycles.length).toBeGreaterThan(40);
      for (const c of cycles) expect(c).toEqual({ inGreen: 0, after: expected });
    }
  });

  it('with gaps, the releases top the gap crossings up to S and never add to them', () => {
    // Opposing vehicles 5 s apart (above the 4.1 s critical gap): some turners cross in gaps.
    for (const storage of [2, 4, 8]) {
      const cycles = turnCycles(0.2, { ...NO_LOSS_VEHICLE_MODEL, junctionStorage: storage }, 0.25);
      expect(cycles.length).toBeGreaterThan(40);
      expect(cycles.some((c) => c.inGreen > 0)).toBe(true);
      for (const c of cycles) expect(c.after).toBe(Math.max(0, storage - c.inGreen));
    }
  });

  it('storage per movement: HCM 2 per lane by default; SUMO estimate ceil((L / 2) / (l + 2.5 m)); 0 where the turn does not yield', () => {
    for (const lanes of [1, 2]) {
      const net = crossroads(lanes);
      const turn = net.movementBetween(net.linkIndex('WJ'), net.linkIndex('JS'));
      const straight = net.movementBetween(net.linkIndex('WJ'), net.linkIndex('JE'));
      const turnLanes = [...Array(8).keys()].filter((i) => (net.movementLaneMask[turn] >> i) & 1).length;
      expect(buildConflicts(net).storage[turn]).toBe(2 * turnLanes);
      expect(buildConflicts(net).storage[straight]).toBe(0);
      expect(buildConflicts(net, { model: 'hcm' }, 2.6, 4.5, 5).storage[turn]).toBe(5 * turnLanes);
      // Crossing length (gap-acceptance.ts): the crossed roads' lanes, each counted from both sides, x 3.2 m + 2 x 4 m.
      const crossing = ((4 * lanes) / 2) * 3.2 + 8;
      expect(buildConflicts(net, { model: 'sumo' }).storage[turn]).toBe(Math.ceil(crossing / 2 / 7.5) * turnLanes);
    }
  });

  it('SUMO storage from the wait point w: fronts at w - 0.1 - k (l + 2.5 m); S counts those past the stop line, F those wholly past it', () => {
    // SUMO 1.15, fcd output (junction-storage.ts): exclusive left lane, w = 12.07 m: fronts stop at 12.0 and 4.5 m.
    expect(sumoStorage(12.07, 5)).toEqual({ stored: 2, clear: 1 });
    // Left from a through-and-left lane (sumo-grid10's layout), w = 5.01 m: the front stops at 4.9 m, its back 0.1 m on the lane.
    expect(sumoStorage(5.01, 5)).toEqual({ stored: 1, clear: 0 });
    expect(sumoStorage(5.1, 5)).toEqual({ stored: 1, clear: 1 }); // back exactly at the stop line
    expect(sumoStorage(0, 5)).toEqual({ stored: 0, clear: 0 }); // no internal junction: waits at the stop line
    expect(sumoStorage(20, 5)).toEqual({ stored: 3, clear: 2 }); // 19.9, 12.4, 4.9 m
    // The estimate (no wait point in the net): half the crossing, 27.2 / 2 m -> 2, as measured on that crossroads.
    expect(sumoStorage(27.2 / 2, 5).stored).toBe(2);
  });

  it('a stated wait point replaces the estimate in SUMO\'s model; the HCM model keeps 2 and frees the lane for all of them', () => {
    for (const lanes of [1, 2]) {
      const estimated = crossroads(lanes);
      const stated = crossroads(lanes, 5.01);
      const turn = stated.movementBetween(stated.linkIndex('WJ'), stated.linkIndex('JS'));
      const turnLanes = [...Array(8).keys()].filter((i) => (stated.movementLaneMask[turn] >> i) & 1).length;
      const crossing = ((4 * lanes) / 2) * 3.2 + 8;
      const guess = sumoStorage(crossing / 2, 5);
      const e0 = estimated.movementBetween(estimated.linkIndex('WJ'), estimated.linkIndex('JS'));
      expect(buildConflicts(estimated, { model: 'sumo' }).storage[e0]).toBe(guess.stored * turnLanes);
      expect(buildConflicts(estimated, { model: 'sumo' }).storageClear[e0]).toBe(guess.clear * turnLanes);
      expect(buildConflicts(stated, { model: 'sumo' }).storage[turn]).toBe(turnLanes);
      expect(buildConflicts(stated, { model: 'sumo' }).storageClear[turn]).toBe(0);
      expect(buildConflicts(stated).storage[turn]).toBe(2 * turnLanes);
      expect(buildConflicts(stated).storageClear[turn]).toBe(2 * turnLanes);
      // A class's junctionStorage overrides S; F stays at most S.
      expect(buildConflicts(crossroads(lanes, 20), { model: 'sumo' }, 2.6, 4.5, 1).storageClear[turn]).toBe(turnLanes);
    }
  });
});
