/**
 * The contract every importer (SUMO, CityFlow, OpenStreetMap) fulfils, so the
 * scenario loader, `greenwave import` and the scenario writer treat them alike.
 *
 * An importer reads another tool's files (streamed, bounded memory) and returns a
 * `RoadNetwork` (validated as it is built, junctions marked `signal` where the
 * source has signals), the source's own signal programs as authored specs (link
 * ids, seconds), the source's demand as a `DemandSpec` (explicit routes where the
 * source has them), the simulated period, and an honest account of what was read,
 * dropped and guessed. Bad files raise `InputError` whose `path` names the file,
 * line and element id (`file.net.xml:120: edge "e3": lane 0 has no length`).
 */
import type { DemandSpec } from '../demand/demand.js';
import type { SignalProgramSpec } from '../signals/program.js';
import type { RoadNetwork } from '../network/road-network.js';
import type { VehicleModel } from '../sim/losses.js';

/** File formats greenwave imports. */
export type ImportFormat = 'sumo' | 'cityflow' | 'osm' | 'tntp';

/** A count in an import summary, e.g. `{ label: 'edges', count: 120 }` or `{ label: 'dropped: footway', count: 31 }`. */
export interface ImportCount {
  label: string;
  count: number;
}

/** Something the importer had to guess, drop or work around, with where it happened. */
export interface ImportWarning {
  /** File and line (or element path) it concerns, when known. */
  where?: string;
  /** Id of the element concerned (edge, way, road, vehicle ...), when there is one. */
  element?: string;
  message: string;
}

/** What an importer produced. */
export interface ImportResult {
  format: ImportFormat;
  /** Files read, as given (for provenance lines). */
  files: string[];
  /** The network (graphology), validated; compile it with `compile()`. */
  network: RoadNetwork;
  /** Programs of the source's signals (SUMO tlLogic, CityFlow lightphases, OSM generated), one per signalised junction it had a program for. */
  programs: SignalProgramSpec[];
  /** Demand from the source (SUMO routes, CityFlow flows); empty `{}` when the source has none (OSM). */
  demand: DemandSpec;
  /** The source's vehicle class for start-up and stop losses (sim/losses.ts), when it has one (CityFlow: no losses). */
  vehicle?: VehicleModel;
  /**
   * Simulate head-of-line blocking in shared lanes (simulation option `sharedLanes`)
   * unless the scenario says otherwise: true where the source's lanes and their
   * connections are its own (SUMO); absent elsewhere (off).
   */
  sharedLanes?: boolean;
  /**
   * Trips end at the downstream end of their last link, behind the queue there
   * (simulation option `arriveAtStopLine`), unless the scenario says otherwise:
   * true for SUMO (its default arrivalPos "max", the end of the last lane);
   * absent elsewhere (off: CityFlow's vehicles leave at the end of their last road).
   */
  arriveAtStopLine?: boolean;
  /**
   * How trips without a route are routed at departure, unless the scenario says
   * otherwise (simulation options `routingCosts`, `routingIntervalS`,
   * `routingWindowS`, `minorPenaltyS`): SUMO's rerouting device (edge speeds
   * averaged over 180 s, its minor penalty of 1.5 s); absent elsewhere.
   */
  routing?: { costs: 'travel-times' | 'speeds'; interval: number; window: number; minorPenalty: number };
  /** Simulated period from the source's configuration (s), when it has one. */
  simulation?: { start?: number; end?: number };
  /** Counts for the import summary, in display order. */
  counts: ImportCount[];
  warnings: ImportWarning[];
  /**
   * For programs exported back to the source tool: per signalised junction id,
   * the source's controller id and, per movement `${fromLinkId}>${toLinkId}`, its
   * signal index (SUMO `linkIndex`, CityFlow roadLink index). Empty when unknown.
   */
  signalIndex?: Record<string, { controller: string; links: Record<string, number[]> }>;
  /**
   * Signalised junctions where the source models no pedestrian crossing (SUMO:
   * no `function="crossing"` edge there): nobody crosses, so no pedestrian
   * minimum green applies (scenario `signals.safety.junctions.<id>.pedestrians: false`).
   * Absent when the source does not say (CityFlow, OSM).
   */
  noCrossings?: string[];
}
