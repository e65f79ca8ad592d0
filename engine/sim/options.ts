/**
 * Options of a simulation run: the interface, its defaults, and the one place
 * they are merged and checked (at the public boundary, the `Simulation`
 * constructor; the kernel does not re-validate). Times in seconds.
 */
import { UsageError } from '../errors.js';
import { checkVehicleModel, DEFAULT_VEHICLE_MODEL, type VehicleModel } from './losses.js';

/** Options of a simulation run (SI units). */
export interface SimOptions {
  /** Start time, s. Default 0. */
  start: number;
  /** End time, s: vehicles still travelling then are unfinished. Default 3600. */
  end: number;
  /** Seed of every random stream of the run. Default 1. */
  seed: number;
  /** Stop with a gridlock report when no vehicle has moved for this long while vehicles remain, s. Default 600. */
  gridlockTimeout: number;
  /**
   * A wait at a stop line longer than this counts as a stop, s. Default undefined:
   * a stop is a halt of the vehicle model, a wait of at least v_in / (2b) + v_out / (2a) (losses.ts).
   */
  stopThreshold: number | undefined;
  /** How often experienced link times are refreshed for routing (with `routingCosts: 'speeds'`, how often speeds are sampled), s (Infinity: never). Default 300. */
  routingInterval: number;
  /**
   * The link costs routing at departure (and en route) sees, refreshed every
   * `routingInterval`: `travel-times` (default) the mean travel time of the
   * vehicles that left each link since the last refresh; `speeds` the link's
   * length over the mean speed of the vehicles on it (queued ones at 0, an empty
   * link at its speed limit), averaged over the samples of the last
   * `routingWindow` seconds, as SUMO's rerouting device estimates edge times
   * (and gives trips without a route at insertion). Never below free flow.
   */
  routingCosts: 'travel-times' | 'speeds';
  /** With `routingCosts: 'speeds'`: the window the sampled speeds are averaged over, s. Default 180 (SUMO's device.rerouting.adaptation-steps 180 x adaptation-interval 1 s). */
  routingWindow: number;
  /**
   * Seconds added to the route cost of every turn that yields (left turns across
   * opposing traffic, U-turns, minor movements at priority junctions:
   * yielding-turns.ts) when trips are routed at departure and en route: SUMO's
   * `--weights.minor-penalty`. Default 0; SUMO imports 1.5, SUMO's default.
   */
  minorPenalty: number;
  /** Share of vehicles (0..1) that re-route en route every routing interval. Default 0. */
  rerouteShare: number;
  /** Vehicle class for the start-up and stop losses (losses.ts). Default SUMO's passenger car: a 2.6 m/s², b 4.5 m/s², sigma 0.5, start losses. */
  vehicle: VehicleModel;
  /**
   * Head-of-line blocking in lanes shared by several movements (shared-lanes.ts):
   * the vehicles in such a lane leave in their order. Default false: each movement
   * keeps its own stop-line queue, movements sharing a lane do not block each other.
   */
  sharedLanes: boolean;
  /**
   * Trips end at the downstream end of their last link, behind the vehicles queued
   * there in the lane group they pick (arrivals.ts), as SUMO's default arrival
   * position "max" does. Default false: a trip ends when it reaches its last
   * link's end at free flow, free of the queue there (CityFlow's exit roads).
   */
  arriveAtStopLine: boolean;
}

/** Defaults of {@link SimOptions}. */
export const DEFAULT_SIM_OPTIONS: Readonly<SimOptions> = {
  start: 0,
  end: 3600,
  seed: 1,
  gridlockTimeout: 600,
  stopThreshold: undefined,
  routingInterval: 300,
  routingCosts: 'travel-times',
  routingWindow: 180,
  minorPenalty: 0,
  rerouteShare: 0,
  vehicle: DEFAULT_VEHICLE_MODEL,
  sharedLanes: false,
  arriveAtStopLine: false,
};

/**
 * `options` over {@link DEFAULT_SIM_OPTIONS} (an option given as undefined takes its default), checked: finite start and end with
 * end after start, an integer seed, a positive finite gridlock timeout, a finite
 * stop threshold (or none), a vehicle model (losses.ts), a positive routing interval (finite or Infinity), a reroute
 * share within [0, 1], booleans `sharedLanes` and `arriveAtStopLine`. Throws `UsageError` naming the option (`options.end ...`).
 */
export function resolveSimOptions(options: Partial<SimOptions>): SimOptions {
  // An option given as undefined takes its default.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<SimOptions>;
  const merged: SimOptions = { ...DEFAULT_SIM_OPTIONS, ...given };
  const finite = (key: keyof SimOptions, value: number, positive: boolean): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || (positive && value <= 0)) {
      throw new UsageError(`options.${key} must be a ${positive ? 'positive ' : ''}finite number, got ${String(value)}`);
    }
  };
  finite('start', merged.start, false);
  finite('end', merged.end, false);
  if (merged.end <= merged.start) throw new UsageError(`options.end must be after options.start, got start ${merged.start} and end ${merged.end}`);
  if (!Number.isInteger(merged.seed)) throw new UsageError(`options.seed must be an integer, got ${String(merged.seed)}`);
  finite('gridlockTimeout', merged.gridlockTimeout, true);
  if (merged.stopThreshold !== undefined) finite('stopThreshold', merged.stopThreshold, false);
  checkVehicleModel(merged.vehicle, 'options.vehicle');
  if (merged.routingInterval !== Infinity) finite('routingInterval', merged.routingInterval, true);
  if (merged.routingCosts !== 'travel-times' && merged.routingCosts !== 'speeds') throw new UsageError(`options.routingCosts must be "travel-times" or "speeds", got ${String(merged.routingCosts)}`);
  finite('routingWindow', merged.routingWindow, true);
  if (!(merged.minorPenalty >= 0 && merged.minorPenalty <= 600)) throw new UsageError(`options.minorPenalty must be a number of seconds in 0..600, got ${String(merged.minorPenalty)}`);
  if (!(merged.rerouteShare >= 0 && merged.rerouteShare <= 1)) throw new UsageError(`options.rerouteShare must be within [0, 1], got ${String(merged.rerouteShare)}`);
  if (typeof merged.sharedLanes !== 'boolean') throw new UsageError(`options.sharedLanes must be true or false, got ${String(merged.sharedLanes)}`);
  if (typeof merged.arriveAtStopLine !== 'boolean') throw new UsageError(`options.arriveAtStopLine must be true or false, got ${String(merged.arriveAtStopLine)}`);
  return merged;
}
