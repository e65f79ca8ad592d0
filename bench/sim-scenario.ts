/**
 * The simulation benchmark's scenario, shared with the script that records the
 * SUMO figures it is compared with (peers/record.ts): a signalised grid laid
 * out as the sumo-grid10 reference case (200 m links, 2 lanes, 13.89 m/s, 90 s
 * cycles of 42 s green and 3 s yellow), random junction-to-junction trips spread
 * evenly over one hour, routed beforehand by the batch router on free-flow
 * times (as SUMO's figures are for routes computed beforehand).
 */
import { performance } from 'node:perf_hooks';
import { compile, type CompiledNetwork } from '../engine/network/index.js';
import { grid } from '../engine/network/generators/index.js';
import { createRouter } from '../engine/routing/index.js';
import { defaultProgram, type SignalProgram } from '../engine/signals/index.js';
import type { TripTable } from '../engine/demand/index.js';
import { seededRandom } from './harness.js';

/** A grid scenario with its routed trips. */
export interface GridSimScenario {
  net: CompiledNetwork;
  trips: TripTable;
  programs: SignalProgram[];
  /** Time the batch router took, ms (wall). */
  routingMs: number;
}

/** Simulated horizon of the benchmark runs, s. */
export const GRID_SIM_END = 3 * 3600;

/** `size` x `size` signalised grid with `count` routed trips (seeded by `seed`). */
export function gridSimScenario(size: number, count: number, seed = size): GridSimScenario {
  const net = compile(grid(size, size, { spacing: 200, lanes: 2, speed: 13.89, signals: 'all' }));
  const rnd = seededRandom(seed);
  const origins = new Int32Array(count);
  const destinations = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    origins[i] = Math.floor(rnd() * net.junctionCount);
    do destinations[i] = Math.floor(rnd() * net.junctionCount); while (destinations[i] === origins[i]);
  }
  const t0 = performance.now();
  const routes = createRouter(net).routeBatch(origins, destinations);
  const routingMs = performance.now() - t0;
  const spacing = 3600 / count;
  const trips: TripTable = {
    count,
    ids: Array.from({ length: count }, (_, i) => `t${i}`),
    depart: Float64Array.from({ length: count }, (_, i) => i * spacing),
    origin: origins,
    destination: destinations,
    originLink: Int32Array.from(routes.offsets.subarray(0, count), (o) => routes.links[o]),
    destinationLink: Int32Array.from(routes.offsets.subarray(1), (o) => routes.links[o - 1]),
    routeOffsets: routes.offsets,
    routeLinks: routes.links,
  };
  const programs = Array.from({ length: net.junctionCount }, (_, j) => defaultProgram(net, j, { green: 42, yellow: 3, allRed: 0 }));
  return { net, trips, programs, routingMs };
}
