/**
 * Simulation benchmark: engine time, vehicle-link traversals per second and
 * bytes of simulation state per vehicle, against SUMO figures recorded on this
 * machine class (the peer cannot run in-process; see ../shared/data/sumo-grid10).
 *
 *   npm run bench:sim        full run, table on stdout, bench/results/sim.json
 *   npm run bench:sim -- --ci   fewer repetitions; exits 1 when a ratio falls below its floor
 *
 * Cases (issue targets):
 *  - 10x10 signalised grid, 200 m links, 2 lanes, 13.89 m/s, 90 s cycles (42 s green,
 *    3 s yellow), 9,000 random trips in one hour: the layout of sumo-grid10.
 *    Target <= 0.1 s engine time. SUMO meso ~1.1 s, micro ~17.9 s.
 *  - The same on a 30x30 grid with 60,000 trips: target <= 2 s. SUMO meso ~21 s.
 *  - <= 200 bytes of per-vehicle state.
 * Routes are computed beforehand by the batch router on free-flow times (reported
 * separately), as SUMO's figures are for routes computed by duarouter.
 * Engine time is `simulate()`: building the simulation, running it, collecting metrics.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { compile, type CompiledNetwork } from '../engine/network/index.js';
import { grid } from '../engine/network/generators/index.js';
import { createRouter } from '../engine/routing/index.js';
import { defaultProgram } from '../engine/signals/index.js';
import type { TripTable } from '../engine/demand/index.js';
import { simulate, type SimulationResult } from '../engine/sim/index.js';
import { machine, measure, ms, seededRandom, table, writeJson, type Timing } from './harness.js';

/** Default place of the JSON results. */
export const DEFAULT_OUT = 'bench/results/sim.json';

/** Options of {@link runSimulationBenchmark}. */
export interface BenchmarkOptions {
  /** Shorter run with regression gates. */
  ci: boolean;
  /** Where the JSON results go. */
  out: string;
}

/** Run the simulation benchmark and print its table. Resolves to the exit code: 1 when a CI gate fails. */
export async function runSimulationBenchmark(options: BenchmarkOptions): Promise<number> {
  const CI = options.ci;

  /** Recorded SUMO 1.15 figures on this machine class, s (../shared/data/sumo-grid10/reference.jsonl and the issue). */
  const SUMO = { grid10Meso: 1.1, grid10Micro: 17.88, grid30Meso: 21 };
  /** CI floors: about half the measured speed-up against SUMO's mesoscopic model. */
  const FLOORS = { grid10: 8, grid30: 5 };

  interface Case {
    name: string;
    trips: number;
    engine: Timing;
    routingMs: number;
    result: SimulationResult;
    traversals: number;
    target: string;
    met: boolean;
    peer: string;
    ratio: number;
    floor: number;
  }

  function scenario(size: number, trips: number, seed: number): { net: CompiledNetwork; table: TripTable; routingMs: number } {
    const net = compile(grid(size, size, { spacing: 200, lanes: 2, speed: 13.89, signals: 'all' }));
    const rnd = seededRandom(seed);
    const origins = new Int32Array(trips);
    const destinations = new Int32Array(trips);
    for (let i = 0; i < trips; i++) {
      origins[i] = Math.floor(rnd() * net.junctionCount);
      do destinations[i] = Math.floor(rnd() * net.junctionCount); while (destinations[i] === origins[i]);
    }
    const t0 = performance.now();
    const routes = createRouter(net).routeBatch(origins, destinations);
    const routingMs = performance.now() - t0;
    const spacing = 3600 / trips;
    const table: TripTable = {
      count: trips,
      ids: Array.from({ length: trips }, (_, i) => `t${i}`),
      depart: Float64Array.from({ length: trips }, (_, i) => i * spacing),
      origin: origins,
      destination: destinations,
      originLink: Int32Array.from(routes.offsets.subarray(0, trips), (o) => routes.links[o]),
      destinationLink: Int32Array.from(routes.offsets.subarray(1), (o) => routes.links[o - 1]),
      routeOffsets: routes.offsets,
      routeLinks: routes.links,
    };
    return { net, table, routingMs };
  }

  function run(name: string, size: number, trips: number, target: number, peerName: string, peerSeconds: number, floor: number): Case {
    process.stderr.write(`${name} ...\n`);
    const { net, table: tripTable, routingMs } = scenario(size, trips, size);
    const programs = Array.from({ length: net.junctionCount }, (_, j) => defaultProgram(net, j, { green: 42, yellow: 3, allRed: 0 }));
    let result: SimulationResult | undefined;
    const engine = measure(() => {
      result = simulate(net, tripTable, { programs }, { end: 3 * 3600, seed: 1, routingInterval: Infinity });
      return result.network.arrived;
    }, 1, CI ? 3 : 7, 1);
    const r = result!;
    let traversals = 0;
    for (let l = 0; l < net.linkCount; l++) traversals += r.links.entered[l];
    return {
      name,
      trips,
      engine,
      routingMs,
      result: r,
      traversals,
      target: `<= ${target} s`,
      met: engine.medianMs / 1000 <= target,
      peer: peerName,
      ratio: peerSeconds / (engine.medianMs / 1000),
      floor,
    };
  }

  const cases = [
    run('10x10 grid, 9,000 trips', 10, 9000, 0.1, `SUMO meso ${SUMO.grid10Meso} s (micro ${SUMO.grid10Micro} s)`, SUMO.grid10Meso, FLOORS.grid10),
    run('30x30 grid, 60,000 trips', 30, 60000, 2, `SUMO meso ${SUMO.grid30Meso} s`, SUMO.grid30Meso, FLOORS.grid30),
  ];

  const rows = [['case', 'engine', 'spread', 'traversals/s', 'B/vehicle', 'arrived', 'mean TT', 'routing', 'target', 'peer', 'ratio', 'CI floor']];
  for (const c of cases) {
    rows.push([
      c.name,
      ms(c.engine.medianMs),
      `${(c.engine.spread * 100).toFixed(0)}%`,
      (c.traversals / (c.engine.medianMs / 1000)).toExponential(2),
      c.result.bytesPerVehicle.toFixed(0),
      `${c.result.network.arrived}/${c.trips}`,
      `${c.result.network.meanTravelTime.toFixed(1)} s`,
      ms(c.routingMs),
      `${c.target} ${c.met ? 'met' : 'NOT met'}`,
      c.peer,
      `${c.ratio.toFixed(1)}x`,
      `${c.floor}x ${c.ratio >= c.floor ? 'ok' : 'FAIL'}`,
    ]);
  }
  const info = machine();
  console.log(`\ngreenwave simulation benchmark (${CI ? 'CI' : 'full'} mode) — ${info.cpu}, ${info.cores} cores, Node ${info.node}\n`);
  console.log(table(rows));
  const maxBytes = Math.max(...cases.map((c) => c.result.bytesPerVehicle));
  console.log(`\nper-vehicle state: at most ${maxBytes.toFixed(0)} bytes (target <= 200)`);
  writeJson(options.out, {
    benchmark: 'sim',
    mode: CI ? 'ci' : 'full',
    machine: info,
    cases: cases.map((c) => ({
      name: c.name,
      trips: c.trips,
      engineMs: { median: c.engine.medianMs, spread: c.engine.spread, samples: c.engine.samplesMs },
      routingMs: c.routingMs,
      traversals: c.traversals,
      traversalsPerSecond: c.traversals / (c.engine.medianMs / 1000),
      bytesPerVehicle: c.result.bytesPerVehicle,
      network: c.result.network,
      target: c.target,
      met: c.met,
      peer: c.peer,
      ratio: c.ratio,
      floor: c.floor,
    })),
  });
  console.log(`results written to ${options.out}`);
  const failed = cases.filter((c) => c.ratio < c.floor || c.result.bytesPerVehicle > 200);
  if (CI && failed.length > 0) {
    console.error(`simulation benchmark FAILED: ${failed.map((c) => `${c.name}: ${c.ratio.toFixed(1)}x (floor ${c.floor}x), ${c.result.bytesPerVehicle.toFixed(0)} B/vehicle`).join('; ')}`);
    return 1;
  }
  return 0;
}

// Run as a script: tsx bench/<name>.ts [--ci] [--out file]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { ci: { type: 'boolean', default: false }, out: { type: 'string' } } });
  process.exitCode = await runSimulationBenchmark({ ci: values.ci === true, out: values.out ?? DEFAULT_OUT });
}
