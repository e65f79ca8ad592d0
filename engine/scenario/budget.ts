/**
 * Memory a scenario will need, estimated before anything is built: junctions
 * and links from the network source, vehicles from the demand (trips as listed,
 * flows and OD matrices as their expected counts), each at a measured number of
 * bytes. A scenario whose estimate passes the limit is refused up front with
 * the estimate, the part of the file that makes most of it, and how to raise
 * the limit, instead of running out of memory minutes later.
 *
 * The bytes per element were measured on this code (peak resident memory of
 * `greenwave run --no-files` run to the end, Node 20) and rounded up: a
 * 100 x 100 grid (10,400 junctions, 40,400 links, 2 vehicles) peaked at
 * 246 MiB; 1,000,000 vehicles from flows on a 4 x 4 grid at 321 MiB; the same
 * number of trips listed in a 42 MB JSON file at 609 MiB. They cover the
 * scenario data, the built network, the trip table, the kernel's and the
 * metrics' per-vehicle state.
 */
import type { ScenarioProblem } from '../errors.js';
import { createProfile } from '../demand/profile.js';
import { formatPath, type PathSegment } from '../text/position.js';
import type { LoadedScenario } from './convert.js';

/** Default memory limit of a run, MiB. */
export const DEFAULT_MAX_MEMORY_MIB = 4096;

/** Bytes per element of a run, measured (see the file header). */
export const BYTES_PER = {
  /** A junction: graph node, compiled arrays, signal state. */
  junction: 3_000,
  /** A link (its movements included): graph edge, compiled arrays, link metrics. */
  link: 3_500,
  /** A vehicle: trip table row, kernel state, trip metrics. */
  vehicle: 300,
  /** A trip listed in the file: its parsed and converted objects, on top of the vehicle. */
  listedTrip: 350,
  /** Node's own start-up, modules and buffers. */
  base: 80 * 1024 * 1024,
} as const;

/** What {@link estimateMemory} found. */
export interface MemoryEstimate {
  /** Bytes the run is expected to need at its peak. */
  bytes: number;
  junctions: number;
  links: number;
  /** Expected vehicles (trips listed + expected departures of flows and OD matrices). */
  vehicles: number;
  /** The part of the file that contributes most, and what it is (in words, made on demand). */
  largest: { path: PathSegment[]; what: () => string; bytes: number };
}

/** Junctions and links the network source will make. */
function networkSize(loaded: LoadedScenario): { junctions: number; links: number } {
  const n = loaded.network;
  switch (n.kind) {
    case 'inline':
      return { junctions: n.junctions.length, links: n.links.length };
    case 'grid': {
      const attach = (n.options.attachLength ?? 0) > 0 ? 2 * (n.rows + n.cols) : 0;
      return { junctions: n.rows * n.cols + attach, links: 2 * (n.rows * (n.cols - 1) + n.cols * (n.rows - 1)) + 2 * attach };
    }
    case 'corridor':
      return { junctions: 3 * n.junctions + 2, links: 2 * (n.junctions + 1) + 4 * n.junctions };
    case 'ring':
      return { junctions: 2 * n.junctions, links: 4 * n.junctions };
    case 'import': {
      const net = loaded.imported?.network;
      return net === undefined ? { junctions: 0, links: 0 } : { junctions: net.junctionCount, links: net.linkCount };
    }
  }
}

/** Expected vehicles of an OD matrix: every cell (veh/h) times the profile's integral over the period (s) / 3600. */
function odVehicles(od: NonNullable<LoadedScenario['demand']['od']>[number]): number {
  let perHour = 0;
  for (const row of od.trips) for (const cell of row) perHour += cell;
  let factorSeconds = od.end - od.begin;
  if (od.profile !== undefined) {
    try {
      factorSeconds = createProfile(od.profile).integral(od.begin, od.end);
    } catch {
      factorSeconds = (od.end - od.begin) * Math.max(0, ...od.profile.map((p) => p.factor)); // a bad profile is reported when the demand is built
    }
  }
  return (perHour / 3600) * factorSeconds;
}

/** Memory `loaded` will need, and where most of it comes from. */
export function estimateMemory(loaded: LoadedScenario): MemoryEstimate {
  const { junctions, links } = networkSize(loaded);
  const networkBytes = junctions * BYTES_PER.junction + links * BYTES_PER.link;
  let largest: MemoryEstimate['largest'] = { path: ['network'], what: () => `the network (${count(junctions)} junctions, ${count(links)} links)`, bytes: networkBytes };
  const consider = (path: PathSegment[], what: () => string, bytes: number): void => {
    if (bytes > largest.bytes) largest = { path, what, bytes };
  };
  const { trips = [], flows = [], od = [] } = loaded.demand;
  let vehicles = trips.length;
  consider(['demand', 'trips'], () => `${count(trips.length)} listed trips`, trips.length * (BYTES_PER.vehicle + BYTES_PER.listedTrip));
  flows.forEach((f, i) => {
    const n = Math.max(0, f.rate * (f.end - f.begin));
    vehicles += n;
    consider(['demand', 'flows', i, 'vehPerHour'], () => `flow ${i}: about ${count(n)} vehicles`, n * BYTES_PER.vehicle);
  });
  od.forEach((m, i) => {
    const n = Math.max(0, odVehicles(m));
    vehicles += n;
    consider(['demand', 'od', i, 'vehPerHour'], () => `OD matrix ${i}: about ${count(n)} vehicles`, n * BYTES_PER.vehicle);
  });
  const bytes = BYTES_PER.base + networkBytes + vehicles * BYTES_PER.vehicle + trips.length * BYTES_PER.listedTrip;
  return { bytes, junctions, links, vehicles, largest };
}

/** A count as a message shows it: `16,800` or `1.7e+7`. */
function count(n: number): string {
  return n >= 1e7 ? n.toExponential(1) : Math.round(n).toLocaleString('en');
}

function size(bytes: number): string {
  const mib = bytes / 2 ** 20;
  if (mib < 10_240) return `${Math.ceil(mib).toLocaleString('en')} MiB`;
  const gib = mib / 1024;
  return gib < 1e6 ? `${Math.ceil(gib).toLocaleString('en')} GiB` : `${gib.toExponential(1)} GiB`;
}

/**
 * The problem of a scenario whose estimated memory passes `maxMiB`, located at
 * its largest contributor, or `undefined`. `raiseWith` names how a user raises
 * the limit (`--max-memory <MiB>`).
 */
export function memoryProblem(loaded: LoadedScenario, maxMiB: number, raiseWith: string): ScenarioProblem | undefined {
  const estimate = estimateMemory(loaded);
  if (estimate.bytes <= maxMiB * 2 ** 20) return undefined;
  const { path } = estimate.largest;
  const what = estimate.largest.what();
  const at = loaded.locate(path);
  const vehicles = count(estimate.vehicles);
  return {
    file: loaded.file,
    ...(at ? { line: at.line, column: at.column } : {}),
    path: formatPath(path),
    message: `this scenario would need about ${size(estimate.bytes)} of memory (${size(BYTES_PER.base)} for the program itself; ${estimate.junctions.toLocaleString('en')} junctions, ${estimate.links.toLocaleString('en')} links, ` +
      `${vehicles} vehicles at about ${BYTES_PER.vehicle} bytes each; most of it from ${what}), above the limit of ${maxMiB.toLocaleString('en')} MiB: ` +
      `make it smaller, or raise the limit with ${raiseWith} if the machine has the memory`,
  };
}
