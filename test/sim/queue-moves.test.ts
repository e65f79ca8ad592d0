/**
 * Move-ups in a queue (sim/queue-moves.ts): a queued vehicle that a restart of
 * its queue moves up without taking it over the stop line halts again (SUMO's
 * `waitingCount`: each time its speed drops below 0.1 m/s). A restart is a green start, or a discharge at
 * least the halt time after the later of the previous discharge and the green
 * start.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type SimObserver } from '../../engine/sim/index.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { QueueMoves } from '../../engine/sim/queue-moves.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { merge, mergeIds } from '../fixtures/kernel.js';
import { demand, isolatedJunction, twoPhase } from '../fixtures/signal-junction.js';

describe('QueueMoves', () => {
  const halt = 4;

  it('a vehicle served by the first restart it sees makes no extra halt; each earlier restart is one', () => {
    const m = new QueueMoves(1, 3);
    m.join(0, 0); // joins on red at 0 s
    m.green(0, 10);
    m.join(1, 0); // joins during the green
    expect(m.discharge(0, 0, 12, 0, -Infinity, halt)).toBe(0); // 2 s after the green start: the green's restart
    expect(m.discharge(1, 0, 14, 11, 12, halt)).toBe(0); // one headway later: no restart
    m.join(2, 0); // at 50 s
    m.green(0, 100); // vehicle 2 was passed over by the end of the first green
    expect(m.discharge(2, 0, 102, 50, 14, halt)).toBe(0); // the first restart it saw serves it
    m.join(0, 0); // at 150 s
    m.green(0, 200);
    m.green(0, 300); // passed over twice
    expect(m.discharge(0, 0, 301, 150, 102, halt)).toBe(1);
  });

  it('a pause of at least the halt time restarts the queue (exit link full, no gap); a shorter one does not', () => {
    const m = new QueueMoves(1, 2);
    m.green(0, 0);
    m.join(0, 0);
    m.join(1, 0);
    expect(m.discharge(0, 0, 1, 0, -Infinity, halt)).toBe(0);
    expect(m.discharge(1, 0, 1 + halt - 0.01, 0, 1, halt)).toBe(0); // pause just under the halt time: rolled on
    m.join(0, 0);
    m.join(1, 0);
    expect(m.discharge(0, 0, 20, 6, 1 + halt - 0.01, halt)).toBe(0); // a restart, and it serves vehicle 0
    expect(m.discharge(1, 0, 20 + halt, 6, 20, halt)).toBe(1); // moved up at 20 s, halted, restarted again
  });

  it('a vehicle that reached the line less than the halt time before the first restart it saw was still rolling: no extra halt for it', () => {
    const m = new QueueMoves(1, 1);
    m.join(0, 0); // reaches the line at 98 s, on red
    m.green(0, 100); // 2 s later: it had not halted yet when the queue moved up
    m.green(0, 200);
    expect(m.discharge(0, 0, 201, 98, 130, halt)).toBe(0); // one halt (at the end of the first green), counted as its stop
    m.join(0, 0); // reaches the line at 250 s
    m.green(0, 300);
    m.green(0, 400);
    expect(m.discharge(0, 0, 401, 250, 330, halt)).toBe(1);
  });
});

describe('stops of an oversaturated fixed-time approach', () => {
  it('a vehicle served in the k-th green after it queued records k stops (one halt, then one per green that passed it over, once it had halted)', () => {
    // The fixture's junction: A (2 lanes, 0.5 veh/s each) green during [65 n, 65 n + 30) (C = 65 s), the side
    // road's after 3 s yellow and 2 s all-red. Demand 0.8 veh/s for 300 s against a capacity of 1 x 30/65 =
    // 0.46 veh/s: the queue grows every cycle, so later vehicles wait through several greens.
    const net = isolatedJunction();
    const trips = demand(net, 0.8, 0, 300, 'uniform');
    const program = twoPhase(net, [30, 25]);
    const A = net.linkIndex('A');
    const queued = new Float64Array(trips.count);
    const served = new Float64Array(trips.count);
    const observer: SimObserver = {
      queue: (v, _e, t) => { queued[v] = t; },
      leave: (v, l, _e, t) => { if (l === A) served[v] = t; },
    };
    const result = simulate(net, trips, { programs: [program] }, { end: 3000, vehicle: NO_LOSS_VEHICLE_MODEL, attach: (sim) => sim.observe(observer) });
    expect(result.network.arrived).toBe(trips.count);
    let passedOver = 0;
    for (let v = 0; v < trips.count; v++) {
      const cycle = Math.floor(served[v] / 65);
      expect(served[v] - 65 * cycle, `vehicle ${v} leaves inside A's green`).toBeLessThanOrEqual(30);
      // Greens that started after it queued and before the one that served it: each moved it up and stopped it again.
      const greensSeen = cycle - Math.floor(queued[v] / 65); // green starts after it queued, the serving one included
      const halt = 15 / (2 * NO_LOSS_VEHICLE_MODEL.decel) + 15 / (2 * NO_LOSS_VEHICLE_MODEL.accel);
      const halted = served[v] - queued[v] >= halt;
      // The first green after it queued moved it up only if it had halted by then (else it was still rolling up).
      const rolling = 65 * (Math.floor(queued[v] / 65) + 1) - queued[v] < halt ? 1 : 0;
      const expected = halted ? 1 + Math.max(0, greensSeen - 1 - rolling) : 0;
      expect(result.trips.stops[v], `vehicle ${v} queued at ${queued[v].toFixed(1)} s, served at ${served[v].toFixed(1)} s`).toBe(expected);
      if (expected > 1) passedOver++;
    }
    expect(passedOver).toBeGreaterThan(20); // the case does test cycle failures
  });
});

describe('stops behind a full exit link', () => {
  it('a queue held by a full exit link moves up each time it restarts after standing the halt time: every such restart a vehicle saw before its own is one more stop', () => {
    // The merge fixture, uncontrolled: approaches A and S share the 15 m exit B (storage 2), which space
    // frees only after its backward wave: both queues stand between discharges and creep up.
    const net = merge('uncontrolled');
    const { A, S } = mergeIds(net);
    const trips = expandDemand(net, { flows: [{ from: 'o', to: 'd', rate: 0.4, begin: 0, end: 200, arrivals: 'uniform' }, { from: 's', to: 'd', rate: 0.4, begin: 0, end: 200, arrivals: 'uniform' }] }, createRandom(1));
    const queued = new Float64Array(trips.count);
    const served = new Float64Array(trips.count);
    const from = new Int32Array(trips.count);
    const passes: number[][] = [[], []]; // discharge times of A -> B and S -> B
    const observer: SimObserver = {
      queue: (v, _e, t) => { queued[v] = t; },
      leave: (v, l, _e, t) => { served[v] = t; from[v] = l; passes[l === A ? 0 : 1].push(t); },
    };
    const result = simulate(net, trips, {}, { end: 2000, vehicle: NO_LOSS_VEHICLE_MODEL, attach: (sim) => sim.observe(observer) });
    expect(result.network.arrived).toBe(trips.count);
    const halt = 10 / (2 * NO_LOSS_VEHICLE_MODEL.decel) + 10 / (2 * NO_LOSS_VEHICLE_MODEL.accel);
    // Restarts of each approach: discharges at least the halt time after the one before (no signal: no greens).
    const restarts = passes.map((times) => times.filter((t, i) => i === 0 || t - times[i - 1] >= halt));
    let extra = 0;
    for (let v = 0; v < trips.count; v++) {
      expect([A, S]).toContain(from[v]);
      const seen = restarts[from[v] === A ? 0 : 1].filter((r) => r > queued[v] && r <= served[v]);
      let moveUps = seen.length - 1;
      // Still rolling up at the first one (checked while the movement's last 16 restart times hold it).
      if (moveUps > 0 && moveUps < 16 && seen[0] - queued[v] < halt) moveUps--;
      const halted = served[v] - queued[v] >= halt;
      expect(result.trips.stops[v], `vehicle ${v} queued at ${queued[v].toFixed(2)} s, served at ${served[v].toFixed(2)} s`).toBe(halted ? 1 + Math.max(0, moveUps) : 0);
      extra += halted ? Math.max(0, moveUps) : 0;
    }
    expect(extra).toBeGreaterThan(20); // the queues did creep
  });
});
