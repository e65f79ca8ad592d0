/**
 * CorridorTrace: trajectories must follow the mesoscopic model (stop line =
 * entry + free-flow time, next entry = exit), and the trace keeps at most
 * `maxVehicles`.
 */
import { describe, expect, it } from 'vitest';
import { compile, corridor } from '../../../engine/network/index.js';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { simulate } from '../../../engine/sim/index.js';
import { CorridorTrace, corridorPlan, defaultCorridor } from '../../../engine/report/index.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../../engine/sim/losses.js';

describe('CorridorTrace', () => {
  it('records entry, stop-line and exit times that follow the model: stop line = entry + free-flow time (a class without losses), next entry = exit', () => {
    const net = compile(corridor(4, 250, { drivingSide: 'right' }));
    const trips = expandDemand(net, { flows: [{ id: 'e', from: 'west', to: 'east', rate: 0.2, begin: 0, end: 1200, arrivals: 'poisson' }] }, createRandom(2));
    const path = defaultCorridor(net, trips);
    expect(path.length).toBe(5); // west stub, 3 blocks, east stub
    const plan = corridorPlan(net, path);
    expect(plan.reverse.length).toBe(5);
    expect(plan.movements.length).toBe(8); // 4 signals x 2 directions
    let trace: CorridorTrace | undefined;
    simulate(net, trips, {}, {
      end: 2400, seed: 2, vehicle: NO_LOSS_VEHICLE_MODEL,
      attach: (sim) => { trace = new CorridorTrace(net, trips, [...plan.forward, ...plan.reverse], { movements: plan.movements, signalStates: sim.signal }); sim.observe(trace); },
    });
    const r = (trace as CorridorTrace).result();
    expect(r.vehicles).toBe(trips.count);
    expect(r.omitted).toBe(0);
    const lastExit = new Map<number, number>();
    for (let i = 0; i < r.vehicle.length; i++) {
      const l = r.links[r.position[i]];
      expect(r.stopLine[i] - r.enter[i]).toBeCloseTo(net.linkFreeFlowTime[l], 6);
      expect(r.exit[i]).toBeGreaterThanOrEqual(r.stopLine[i]);
      const prev = lastExit.get(r.vehicle[i]);
      if (prev !== undefined) expect(r.enter[i]).toBe(prev);
      lastExit.set(r.vehicle[i], r.exit[i]);
    }
    // Signals: every watched movement alternates, and green periods exist.
    expect(r.signals.time.length).toBeGreaterThan(8 * 10);
    expect(Array.from(r.signals.state)).toContain(1);
  });

  it('keeps at most maxVehicles and counts the rest', () => {
    const net = compile(corridor(2, 200));
    const trips = expandDemand(net, { flows: [{ id: 'e', from: 'west', to: 'east', rate: 0.1, begin: 0, end: 600, arrivals: 'uniform' }] }, createRandom(1));
    const plan = corridorPlan(net, defaultCorridor(net, trips));
    let trace: CorridorTrace | undefined;
    simulate(net, trips, {}, { end: 1200, attach: (sim) => { trace = new CorridorTrace(net, trips, plan.forward, { maxVehicles: 10 }); sim.observe(trace); } });
    const r = (trace as CorridorTrace).result();
    expect(r.vehicles).toBe(10);
    expect(r.omitted).toBe(trips.count - 10);
    expect(new Set(r.vehicle).size).toBe(10);
  });
});
