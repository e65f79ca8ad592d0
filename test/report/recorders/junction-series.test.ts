/**
 * JunctionSeries against the run's own metrics and against the signal program:
 * interval figures must add up to the run's totals, and green shares must equal
 * green / cycle.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork, type CompiledNetwork } from '../../../engine/network/index.js';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { simulate, type Simulation } from '../../../engine/sim/index.js';
import { JunctionSeries } from '../../../engine/report/index.js';

/** Isolated signal J: main approach A (o -> J) to B, side approach S to N; two phases. */
function isolated(): CompiledNetwork {
  const net = new RoadNetwork();
  net.addJunction({ id: 'o', x: -1000, y: 0 });
  net.addJunction({ id: 'J', x: 0, y: 0, control: 'signal' });
  net.addJunction({ id: 'd', x: 500, y: 0 });
  net.addJunction({ id: 's', x: 0, y: -500 });
  net.addJunction({ id: 'n', x: 0, y: 500 });
  net.addLink({ id: 'A', from: 'o', to: 'J', lanes: 1, speed: 15 });
  net.addLink({ id: 'B', from: 'J', to: 'd', lanes: 1, speed: 15 });
  net.addLink({ id: 'S', from: 's', to: 'J', speed: 15 });
  net.addLink({ id: 'N', from: 'J', to: 'n', speed: 15 });
  net.addMovement({ from: 'A', to: 'B' });
  net.addMovement({ from: 'S', to: 'N' });
  return compile(net);
}

const programs = [{
  junction: 'J',
  phases: [
    { green: [{ from: 'A', to: 'B' }], duration: 30, yellow: 3, allRed: 2 },
    { green: [{ from: 'S', to: 'N' }], duration: 20, yellow: 3, allRed: 2 },
  ],
}];

function runIsolated(end = 3600) {
  const net = isolated();
  const trips = expandDemand(net, {
    flows: [
      { id: 'main', from: 'o', to: 'd', rate: 0.2, begin: 0, end: 3000, arrivals: 'poisson' },
      { id: 'side', from: 's', to: 'n', rate: 0.08, begin: 0, end: 3000, arrivals: 'poisson' },
    ],
  }, createRandom(5));
  let series: JunctionSeries | undefined;
  const result = simulate(net, trips, { programs }, {
    end, seed: 5, interval: 300,
    attach: (sim: Simulation) => {
      series = new JunctionSeries(net, trips, { start: 0, end, interval: 300, signalStates: sim.signal });
      sim.observe(series);
    },
  });
  return { net, trips, result, series: (series as JunctionSeries).result() };
}

describe('JunctionSeries', () => {
  it('interval vehicles and vehicle-weighted control delays add up to the run\'s junction figures', () => {
    const { net, result, series } = runIsolated();
    const J = net.junctionIndex('J');
    const n = series.junctionCount;
    let vehicles = 0;
    let delaySum = 0;
    for (let t = 0; t < series.times.length; t++) {
      const k = t * n + J;
      vehicles += series.vehicles[k];
      if (series.vehicles[k] > 0) delaySum += series.vehicles[k] * series.controlDelay[k];
    }
    expect(vehicles).toBe(result.junctions.vehicles[J]);
    expect(vehicles).toBeGreaterThan(500);
    expect(delaySum / vehicles).toBeCloseTo(result.junctions.controlDelay[J], 6);
  });

  it('time-weighted queues integrate to the approach links\' mean queues (queue area over the run)', () => {
    const { net, result, series } = runIsolated();
    const J = net.junctionIndex('J');
    const n = series.junctionCount;
    let area = 0;
    let previous = 0;
    for (let t = 0; t < series.times.length; t++) {
      area += series.meanQueued[t * n + J] * (series.times[t] - previous);
      previous = series.times[t];
    }
    const span = result.endTime;
    const linkArea = (result.links.meanQueue[net.linkIndex('A')] + result.links.meanQueue[net.linkIndex('S')]) * span;
    expect(area).toBeCloseTo(linkArea, 3);
    // The maximum queue at J is at least each approach's own maximum.
    let max = 0;
    for (let t = 0; t < series.times.length; t++) max = Math.max(max, series.maxQueued[t * n + J]);
    expect(max).toBeGreaterThanOrEqual(result.links.maxQueue[net.linkIndex('A')]);
  });

  it('intervals end every 300 s up to the run\'s end, the last one cut short when the run ends early', () => {
    const { series, result } = runIsolated();
    expect(series.times[0]).toBe(300);
    expect(series.times[1]).toBe(600);
    expect(series.times[series.times.length - 1]).toBeCloseTo(result.endTime, 6);
    expect(result.endTime).toBeLessThan(3600); // every trip finished before the horizon
  });

  it('green share of a fixed-time approach is green / cycle: 30 / 60 for A, 20 / 60 for S; 1 off-signal', () => {
    const { net, series, result } = runIsolated();
    // Cycle C = 30 + 20 + 2 x (3 + 2) = 60 s. Measured over the run until it ended, mid-cycle: within one green's worth.
    const tol = 30 / result.endTime;
    expect(Math.abs(series.linkGreenShare[net.linkIndex('A')] - 30 / 60)).toBeLessThan(tol);
    expect(Math.abs(series.linkGreenShare[net.linkIndex('S')] - 20 / 60)).toBeLessThan(tol);
    expect(series.linkGreenShare[net.linkIndex('B')]).toBe(1);
  });

  it('peak flow is the busiest full interval\'s entries per second', () => {
    const { net, trips, series } = runIsolated();
    const A = net.linkIndex('A');
    // Entries into A per 300 s bin = departures of main trips (A is their first link; no queue to enter it here).
    const bins = new Array(10).fill(0);
    for (let v = 0; v < trips.count; v++) if (trips.ids[v].startsWith('main')) bins[Math.floor(trips.depart[v] / 300)]++;
    expect(series.linkPeakFlow[A]).toBeCloseTo(Math.max(...bins) / 300, 6);
  });

  it('does not change the run it observes', () => {
    const { net, trips, result } = runIsolated();
    const plain = simulate(net, trips, { programs }, { end: 3600, seed: 5, interval: 300 });
    expect(plain.network).toEqual(result.network);
  });
});
