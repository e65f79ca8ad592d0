/**
 * Calibration benchmark: how long `calibrate()` takes on a network of about 100
 * links with 4 quarter-hour count intervals (the target: under a minute
 * on a 2-core machine), and what that costs in simulations of the same demand.
 *
 *   npm run bench:calibrate           table on stdout, bench/results/calibrate.json
 *   npm run bench:calibrate -- --ci   fewer pairs; exits 1 when one costs more than CI_MAX_SIMULATIONS simulations
 *   greenwave bench calibrate [--ci]
 *
 * Case: a 4 x 5 signalised grid with dead-end stubs (98 links, 200 m blocks),
 * seeded random flows between the stubs for one hour (about 5,000 vehicles, a
 * minute of delay each), counted on every link every 15 minutes (392 counts).
 * The peer, timed interleaved in the same process (harness/compare.ts), is
 * `simulate()` of the calibrated demand: the ratio (calibration CPU time /
 * simulation CPU time) is the calibration's cost in simulations, which a busy
 * machine leaves unchanged; the gate is a ceiling on it. The calibrated demand
 * must reproduce the counts (a check). The absolute time is reported against the
 * one-minute target with the load average beside it.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { compile, type CompiledNetwork } from '../engine/network/index.js';
import { grid } from '../engine/network/generators/index.js';
import { createRandom, expandDemand, type FlowSpec } from '../engine/demand/index.js';
import { resolveCounts, type CountRecord, type CountSet } from '../engine/demand/counts.js';
import { simulate } from '../engine/sim/index.js';
import { calibrate, type CalibrationResult } from '../engine/optimise/calibrate/calibrate.js';
import { runIfMain, type BenchContext, type Benchmark } from './harness.js';

/** The target, s. */
const TARGET_S = 60;
/** The gate: most simulations' worth of CPU time one calibration may take (about twice the measured cost). */
const CI_MAX_SIMULATIONS = 20;

const START = 7 * 3600;
const END = 8 * 3600;

/** The benchmark case: network and counts of a seeded truth. */
function benchCase(): { net: CompiledNetwork; counts: CountSet; vehicles: number } {
  const net = compile(grid(4, 5, { attachLength: 150 }));
  const ends: string[] = [];
  for (let j = 0; j < net.junctionCount; j++) if (!net.junctionKey(j).startsWith('r')) ends.push(net.junctionKey(j));
  const random = createRandom(11);
  const flows: FlowSpec[] = [];
  for (const a of ends) for (const b of ends) if (a !== b && random.next() < 0.5) flows.push({ id: `${a}-${b}`, from: a, to: b, rate: (5 + 55 * random.next()) / 3600, begin: START, end: END, arrivals: 'poisson' });
  const trips = expandDemand(net, { flows }, createRandom(1).fork('demand'));
  const entered = new Int32Array(net.linkCount * 4);
  simulate(net, trips, {}, { start: START, end: END, seed: 1, attach: (sim) => sim.observe({ enter(_v, l, t) { entered[l * 4 + Math.min(3, Math.floor((t - START) / 900))]++; } }) });
  const records: CountRecord[] = [];
  for (let l = 0; l < net.linkCount; l++) {
    for (let q = 0; q < 4; q++) records.push({ place: { kind: 'link', id: net.linkKey(l) }, begin: START + 900 * q, end: START + 900 * (q + 1), vehicles: entered[l * 4 + q], file: 'bench', line: records.length + 1 });
  }
  return { net, counts: resolveCounts(net, records), vehicles: trips.count };
}

async function run(ctx: BenchContext): Promise<void> {
  ctx.step('4x5 grid: the seeded truth and its 392 counts');
  const { net, counts, vehicles } = benchCase();
  const calibrateOnce = async (): Promise<CalibrationResult> => calibrate(net, counts, {}, { start: START, end: END, seed: 1 }, undefined, { seed: 1 });
  let result = await calibrateOnce();
  const calibrated = expandDemand(net, { trips: result.trips }, createRandom(1));
  const wall: number[] = [];
  const c = await ctx.compare('one calibration against simulations of its demand', {
    name: 'simulate() of the calibrated demand',
    run: () => simulate(net, calibrated, {}, { start: START, end: END, seed: 1 }).network.arrived,
  }, {
    name: 'calibrate()',
    run: async () => {
      const t0 = performance.now();
      result = await calibrateOnce();
      wall.push(performance.now() - t0);
      return result.trips.length;
    },
  }, { warmup: 1, warmupMs: 0, minPairs: 3, maxPairs: ctx.ci ? 5 : 7, budgetMs: ctx.ci ? 60_000 : 180_000 });
  ctx.ratio('calibration cost in simulations of its demand', c, { ceiling: CI_MAX_SIMULATIONS, against: 'simulate() of the calibrated demand', detail: 'calibrate() CPU time / simulate() CPU time; lower is better' });
  const s = result.summary!;
  ctx.check('calibrated demand reproduces the counts (GEH < 5 for at least 85% of them)', s.shareGehBelow5 >= 0.85, `${(100 * s.shareGehBelow5).toFixed(1)}% of ${counts.rows.length} counts with GEH < 5`);
  const medianS = [...wall].sort((a, b) => a - b)[wall.length >> 1] / 1000;
  ctx.figure('one calibration, wall time (median)', medianS * 1000, 'ms', `target < ${TARGET_S} s on a 2-core machine; load ${os.loadavg()[0].toFixed(1)}; not gated`, { samplesMs: wall });
  ctx.figure('iterations of the calibration', result.iterations.length, '');
  ctx.data.case = { network: 'grid 4x5 with stubs', links: net.linkCount, counts: counts.rows.length, intervals: 4, truthVehicles: vehicles, calibratedTrips: result.trips.length };
}

/** The calibration benchmark. */
export const calibrateBenchmark: Benchmark = {
  name: 'calibrate',
  title: 'greenwave calibration benchmark: calibrate() on a 98-link grid, in simulations of its demand (same process)',
  run,
};

await runIfMain(import.meta.url, calibrateBenchmark);
