/**
 * A simulation's results keyed by id, as a script reads them: one record per
 * junction, link or trip in a `Map` from its id (`junctionsById(net, result)
 * .get('lisboa').levelOfService`). The kernel's index forms (typed arrays by
 * junction, link and trip index) stay on the result for hot loops; these are
 * built from them on demand.
 *
 * Absent values follow the library's one convention: a number that does not
 * exist (the mean delay of a junction no vehicle passed) is NaN, as in the
 * index forms (JSON writes it as null, CSV as an empty field); anything else
 * that does not exist is null. Never undefined, never ''.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import type { JunctionControl } from '../network/types.js';
import type { TripTable } from '../demand/demand.js';
import type { LevelOfService } from '../sim/metrics.js';
import type { SimulationResult } from '../sim/simulate.js';

/** One junction's results. */
export interface JunctionRecord {
  id: string;
  control: JunctionControl;
  /** Vehicles that passed it. */
  vehicles: number;
  /** Mean control delay, s (NaN when no vehicle passed). */
  controlDelay: number;
  /** HCM level of service (null when no vehicle passed). */
  levelOfService: LevelOfService | null;
}

/** One link's results. */
export interface LinkRecord {
  id: string;
  /** Junction ids at its ends. */
  from: string;
  to: string;
  /** Vehicles that entered and left it. */
  entered: number;
  left: number;
  /** Mean time to cross it, s (NaN when no vehicle left it). */
  meanTravelTime: number;
  /** Mean and largest number of vehicles queued at its stop line, veh. */
  meanQueue: number;
  maxQueue: number;
}

/** One trip's results (times in s since midnight; NaN where the trip never got there). */
export interface TripRecord {
  id: string;
  /** Origin and destination junction ids. */
  origin: string;
  destination: string;
  depart: number;
  inserted: number;
  arrived: number;
  /** Whether it reached its destination before the end. */
  finished: boolean;
  travelTime: number;
  delay: number;
  waitingTime: number;
  departDelay: number;
  stops: number;
  /** Length of the route driven, m. */
  routeLength: number;
}

/** Every junction's results by junction id. */
export function junctionsById(net: CompiledNetwork, result: Pick<SimulationResult, 'junctions'>): Map<string, JunctionRecord> {
  const { vehicles, controlDelay, levelOfService } = result.junctions;
  const out = new Map<string, JunctionRecord>();
  for (let j = 0; j < net.junctionCount; j++) {
    const los = levelOfService[j] as LevelOfService | '' | null;
    out.set(net.junctionKey(j), { id: net.junctionKey(j), control: net.control(j), vehicles: vehicles[j], controlDelay: controlDelay[j], levelOfService: los === '' || los === null ? null : los });
  }
  return out;
}

/** Every link's results by link id. */
export function linksById(net: CompiledNetwork, result: Pick<SimulationResult, 'links'>): Map<string, LinkRecord> {
  const { entered, left, meanTravelTime, meanQueue, maxQueue } = result.links;
  const out = new Map<string, LinkRecord>();
  for (let l = 0; l < net.linkCount; l++) {
    out.set(net.linkKey(l), {
      id: net.linkKey(l), from: net.junctionKey(net.linkFrom[l]), to: net.junctionKey(net.linkTo[l]),
      entered: entered[l], left: left[l], meanTravelTime: meanTravelTime[l], meanQueue: meanQueue[l], maxQueue: maxQueue[l],
    });
  }
  return out;
}

/** Every trip's results by trip id (`trips` is the table the run simulated). */
export function tripsById(net: CompiledNetwork, trips: TripTable, result: Pick<SimulationResult, 'trips'>): Map<string, TripRecord> {
  const t = result.trips;
  const out = new Map<string, TripRecord>();
  for (let v = 0; v < trips.count; v++) {
    out.set(trips.ids[v], {
      id: trips.ids[v], origin: net.junctionKey(trips.origin[v]), destination: net.junctionKey(trips.destination[v]), depart: trips.depart[v],
      inserted: t.inserted[v], arrived: t.arrived[v], finished: !Number.isNaN(t.arrived[v]), travelTime: t.travelTime[v], delay: t.delay[v],
      waitingTime: t.waitingTime[v], departDelay: t.departDelay[v], stops: t.stops[v], routeLength: t.routeLength[v],
    });
  }
  return out;
}
