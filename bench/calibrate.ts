/**
 * Calibration benchmark: how long `calibrate()` takes on a network of about 100
 * links with 4 quarter-hour count intervals (the target: under a minute
 * on a 2-core machine), and what that costs in simulations of the same demand.
 *
 *   npm run bench:calibrate           3 calibrations, table on stdout, bench/results/calibrate.json
 *   npm run bench:calibrate -- --ci   1 calibration; exits 1 when it costs more than CI_MAX_SIMULATIONS simulations
 *
 * Case: a 4 x 5 signalised grid with dead-end stubs (98 links, 200 m blocks),
 * seeded random flows between the stubs for one hour (about 5,000 vehicles, a
 * minute of delay each), counted on every link every 15 minutes (392 counts).
 * The peer, timed in the same process, is one `simulate()` of the calibrated
 * demand: the ratio (calibration time / simulation time) is the calibration's
 * cost in simulations, which a busy machine leaves unchanged. The absolute time
 * is reported against the one-minute target with the load average beside it.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { compile, type CompiledNetwork } from '../engine/network/index.js';
import { grid } from '../engine/network/generators/index.js';
import { createRandom, expandDemand, type FlowSpec } from '../engine/demand/index.js';
import { resolveCounts, type CountRecord, type CountSet } from '../engine/demand/counts.js';
import { simulate } from '../engine/sim/index.js';
import { calibrate, type CalibrationResult } from '../engine/optimise/calibrate/calibrate.js';
import { machine, measure, ms, sink, table, writeJson } from './harness.js';

/** Default place of the JSON results. */
export const DEFAULT_OUT = 'bench/results/calibrate.json';
/** The target, s. */
const TARGET_S = 60;
/** CI gate: most simulations' worth of time one calibration may take (about twice the measured cost). */
const CI_MAX_SIMULATIONS = 40;

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

/** Run the calibration benchmark and print its table. Resolves to the exit code: 1 when the CI gate fails. */
export async function runCalibrationBenchmark(options: { ci: boolean; out: string }): Promise<number> {
  const { net, counts, vehicles } = benchCase();
  const runs = options.ci ? 1 : 3;
  const times: number[] = [];
  let result: CalibrationResult | undefined;
  const loadBefore = os.loadavg()[0];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await calibrate(net, counts, {}, { start: START, end: END, seed: 1 }, undefined, { seed: 1 });
    times.push((performance.now() - t0) / 1000);
    sink.value += result.trips.length;
  }
  const loadAfter = os.loadavg()[0];
  const calibrated = expandDemand(net, { trips: result!.trips }, createRandom(1));
  const sim = measure(() => simulate(net, calibrated, {}, { start: START, end: END, seed: 1 }).network.arrived, 1, options.ci ? 3 : 5);
  const sorted = [...times].sort((a, b) => a - b);
  const medianS = sorted[sorted.length >> 1];
  const ratio = (medianS * 1000) / sim.medianMs;
  const s = result!.summary!;
  console.log(table([
    ['case', 'links', 'counts', 'calibration (median)', 'runs', 'one simulation', 'cost in simulations', 'iterations', 'GEH < 5', 'target < 60 s'],
    [
      'grid 4x5, 4 x 15 min', String(net.linkCount), String(counts.rows.length), ms(medianS * 1000), `${runs} (${times.map((t) => t.toFixed(1)).join(', ')} s)`,
      ms(sim.medianMs), ratio.toFixed(0), String(result!.iterations.length), `${(100 * s.shareGehBelow5).toFixed(1)}%`, medianS < TARGET_S ? 'met' : 'NOT met',
    ],
  ]));
  console.log(`load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${os.availableParallelism()} cores; truth ${vehicles} vehicles, calibrated ${result!.trips.length}`);
  writeJson(options.out, {
    benchmark: 'calibrate', machine: machine(), loadAverage: { before: loadBefore, after: loadAfter },
    case: { network: 'grid 4x5 with stubs', links: net.linkCount, counts: counts.rows.length, intervals: 4, truthVehicles: vehicles },
    calibrationS: { median: medianS, samples: times }, simulationMs: sim.medianMs, costInSimulations: ratio,
    iterations: result!.iterations.length, trips: result!.trips.length, shareGehBelow5: s.shareGehBelow5, targetS: TARGET_S, met: medianS < TARGET_S,
  });
  console.log(`results written to ${options.out}`);
  if (options.ci && ratio > CI_MAX_SIMULATIONS) {
    console.error(`calibration benchmark FAILED: one calibration cost ${ratio.toFixed(0)} simulations (gate ${CI_MAX_SIMULATIONS})`);
    return 1;
  }
  return 0;
}

// Run as a script: tsx bench/calibrate.ts [--ci] [--out file]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { ci: { type: 'boolean', default: false }, out: { type: 'string' } } });
  process.exitCode = await runCalibrationBenchmark({ ci: values.ci === true, out: values.out ?? DEFAULT_OUT });
}
