/**
 * calibrate(): demand from counts with the simulation in the loop.
 *
 * Synthetic truth (the target): a known demand (seeded random flows
 * between the dead ends of a 5 x 5 grid, moderately congested: the truth's mean
 * delay is over a minute) is simulated and its counts recorded every 15 minutes
 * by an observer written here, independent of the calibration's recorder: every
 * link, plus every turn at two junctions. Calibrating on the network WITHOUT
 * demand, from the counts alone, must recover them: GEH < 5 (DMRB / TAG M3.1,
 * hourly flows) for at least 95% of the interval counts and the total of vehicles
 * within 5%, both measured by re-simulating the calibrated trips with plain
 * `simulate()`; and since trips start at dead ends whose counts are the
 * departures, the fleet must come out within 5% of the vehicles that entered.
 *
 * Also: a vehicle seen at several counts is one vehicle (counts on every link of
 * a corridor give as many trips as enter it, not their sum); the scenario's own
 * demand as a prior, with its "before" fit; determinism; abort; counts outside
 * the run.
 */
import { describe, expect, it } from 'vitest';
import { corridor, grid } from '../../../engine/network/generators/index.js';
import { compile, type CompiledNetwork } from '../../../engine/network/index.js';
import { createRandom, expandDemand, type FlowSpec, type TripSpec } from '../../../engine/demand/index.js';
import { CountsError, resolveCounts, type CountRecord, type CountSet } from '../../../engine/demand/counts.js';
import { simulate } from '../../../engine/sim/index.js';
import { calibrate } from '../../../engine/optimise/calibrate/calibrate.js';
import { geh } from '../../../engine/optimise/calibrate/fit.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../../engine/sim/losses.js';

const START = 7 * 3600;
const END = 8 * 3600;
const QUARTER = 900;

/** Vehicles entering each link, and turning through each movement of `junctions`, per 15 minutes. */
function countsOf(net: CompiledNetwork, trips: TripSpec[] | ReturnType<typeof expandDemand>, junctions: string[]): CountRecord[] {
  const table = Array.isArray(trips) ? expandDemand(net, { trips }, createRandom(1)) : trips;
  const links = new Map<string, number>();
  const turns = new Map<string, number>();
  const watched = new Set(junctions.map((j) => net.junctionIndex(j)));
  simulate(net, table, {}, {
    start: START, end: END, seed: 3,
    attach: (sim) => sim.observe({
      enter(_v, l, t) {
        const k = `${l}:${Math.floor((t - START) / QUARTER)}`;
        links.set(k, (links.get(k) ?? 0) + 1);
      },
      leave(_v, l, e, t) {
        if (!watched.has(net.linkTo[l])) return;
        const k = `${e}:${Math.floor((t - START) / QUARTER)}`;
        turns.set(k, (turns.get(k) ?? 0) + 1);
      },
    }),
  });
  const records: CountRecord[] = [];
  const add = (text: string, q: number, vehicles: number): void => {
    records.push({ place: { kind: 'text', text }, begin: START + q * QUARTER, end: START + (q + 1) * QUARTER, vehicles, file: 'truth', line: records.length + 1 });
  };
  for (let l = 0; l < net.linkCount; l++) for (let q = 0; q < 4; q++) add(net.linkKey(l), q, links.get(`${l}:${q}`) ?? 0);
  for (let e = 0; e < net.movementCount; e++) {
    if (!watched.has(net.linkTo[net.movementFrom[e]])) continue;
    for (let q = 0; q < 4; q++) add(`${net.linkKey(net.movementFrom[e])}>${net.linkKey(net.movementTo[e])}`, q, turns.get(`${e}:${q}`) ?? 0);
  }
  return records;
}

/** GEH per count of `simulated` against `observed` records (same order). */
function gehs(observed: CountRecord[], simulated: CountRecord[]): number[] {
  return observed.map((o, i) => geh(simulated[i].vehicles, o.vehicles, (o.end - o.begin) / 3600));
}
const total = (records: CountRecord[]): number => records.reduce((s, r) => s + r.vehicles, 0);

describe('calibrate: synthetic truth on a 5 x 5 grid', async () => {
  const net = compile(grid(5, 5, { attachLength: 150 }));
  const ends: string[] = [];
  for (let j = 0; j < net.junctionCount; j++) if (!net.junctionKey(j).startsWith('r')) ends.push(net.junctionKey(j));
  const random = createRandom(7);
  const flows: FlowSpec[] = [];
  for (const a of ends) {
    for (const b of ends) {
      if (a !== b && random.next() < 0.5) flows.push({ id: `${a}-${b}`, from: a, to: b, rate: (5 + 60 * random.next()) / 3600, begin: START, end: END, arrivals: 'poisson' });
    }
  }
  const truth = expandDemand(net, { flows }, createRandom(3).fork('demand'));
  const observed = countsOf(net, truth, ['r1c1', 'r3c2']);
  const counts = resolveCounts(net, observed);
  const result = await calibrate(net, counts, {}, { start: START, end: END, seed: 3 }, undefined, { seed: 1 });
  const recovered = countsOf(net, result.trips, ['r1c1', 'r3c2']);

  it('is a congested, non-trivial case', () => {
    const run = simulate(net, truth, {}, { start: START, end: END, seed: 3 });
    expect(truth.count).toBeGreaterThan(6000);
    expect(run.network.meanDelay).toBeGreaterThan(60);
    expect(counts.locations.length).toBe(net.linkCount + 2 * 12);
  });

  it('recovers the counts: GEH < 5 for at least 95% of 15-minute counts, total within 5%', () => {
    const g = gehs(observed, recovered);
    const share = g.filter((x) => x < 5).length / g.length;
    expect(share).toBeGreaterThanOrEqual(0.95);
    const turns = g.slice(net.linkCount * 4);
    expect(turns.filter((x) => x < 5).length / turns.length).toBeGreaterThanOrEqual(0.95);
    expect(Math.abs(total(recovered) - total(observed)) / total(observed)).toBeLessThan(0.05);
    // what the calibration reports is what a plain re-run gives
    expect(result.rows.map((r) => r.simulated)).toEqual(recovered.map((r) => r.vehicles));
    expect(result.summary!.shareGehBelow5).toBeCloseTo(share, 12);
  });

  it('needs as many vehicles as entered the network, not one per count', () => {
    const entered = observed.filter((r) => r.place.kind === 'text' && !r.place.text.startsWith('r')).reduce((s, r) => s + r.vehicles, 0);
    expect(Math.abs(result.trips.length - entered) / entered).toBeLessThan(0.05);
    expect(result.tripEnds).toBe('boundary');
    expect(result.trips.every((t) => t.route && !t.route[0].startsWith('r') && t.depart >= START && t.depart < END)).toBe(true);
  });
});

describe('calibrate', () => {
  const net = compile(corridor(4, 300, { speed: 12 }));
  const arterial = ['west>j0', 'j0>j1', 'j1>j2', 'j2>j3', 'j3>east'];
  /** 60 vehicles per 15 minutes on every arterial link eastbound, nothing elsewhere. */
  const records: CountRecord[] = [];
  for (const id of arterial) for (let q = 0; q < 4; q++) records.push({ place: { kind: 'link', id }, begin: START + q * QUARTER, end: START + (q + 1) * QUARTER, vehicles: 60, file: 'c.csv', line: records.length + 2 });
  const counts: CountSet = resolveCounts(net, records);

  it('counts a vehicle seen at five detectors once', async () => {
    // Without start-up losses (the fluid model) the 240 counted vehicles pass every detector inside the window.
    const r = await calibrate(net, counts, {}, { start: START, end: END + 600, vehicle: NO_LOSS_VEHICLE_MODEL }, undefined, { seed: 2 });
    // 240 vehicles enter at "west"; summing the five counts would give 1,200
    expect(r.trips.length).toBeGreaterThanOrEqual(228);
    expect(r.trips.length).toBeLessThanOrEqual(252);
    expect(r.trips.filter((t) => t.route!.join(' ') === arterial.join(' ')).length / r.trips.length).toBeGreaterThan(0.9);
    expect(r.summary!.shareGehBelow5).toBe(1);
  });

  it('is deterministic for a seed and varies departures with it', async () => {
    const a = await calibrate(net, counts, {}, { start: START, end: END }, undefined, { seed: 5, iterations: 2 });
    const b = await calibrate(net, counts, {}, { start: START, end: END }, undefined, { seed: 5, iterations: 2 });
    const c = await calibrate(net, counts, {}, { start: START, end: END }, undefined, { seed: 6, iterations: 2 });
    expect(b.trips).toEqual(a.trips);
    expect(c.trips.map((t) => t.depart)).not.toEqual(a.trips.map((t) => t.depart));
  });

  it('starts from the scenario\'s demand as a prior and reports its fit before', async () => {
    const prior = { flows: [{ from: 'west', to: 'east', rate: 60 / 3600, begin: START, end: END }] }; // a quarter of the counts
    const r = await calibrate(net, counts, {}, { start: START, end: END }, prior, { seed: 1 });
    expect(r.before!.shareGehBelow5).toBeLessThan(0.5);
    expect(r.iterations[0].iteration).toBe(0);
    expect(r.summary!.shareGehBelow5).toBeGreaterThan(0.95);
    expect(r.iterations[r.best].sumSquaredGeh).toBeLessThan(r.iterations[0].sumSquaredGeh / 10);
  });

  it('asks demand-dependent signals (Webster for each demand) for every demand it simulates', async () => {
    const seen: number[] = [];
    const r = await calibrate(net, counts, (trips) => { seen.push(trips.length); return {}; }, { start: START, end: END }, undefined, { seed: 1, iterations: 3 });
    expect(seen).toEqual(r.iterations.map((i) => i.trips));
  });

  it('stops at once when aborted, with nothing to show', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await calibrate(net, counts, {}, { start: START, end: END }, undefined, { signal: controller.signal });
    expect(r.stopReason).toBe('interrupted');
    expect(r.trips).toEqual([]);
    expect(r.best).toBe(-1);
  });

  it('refuses counts outside the run, at their file and line', async () => {
    const e = await calibrate(net, counts, {}, { start: START, end: END - 600 }, undefined).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(CountsError);
    expect((e as CountsError).problems[0]).toMatchObject({ file: 'c.csv', line: 5, path: 'end' });
    expect((e as CountsError).problems[0].message).toBe('expected a count interval inside the scenario\'s run 07:00:00-07:50:00 (simulation.start and end), found 07:45:00-08:00:00');
  });
});
