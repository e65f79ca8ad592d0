/**
 * `CorridorTrace`: a report recorder of trajectories along a chosen path of
 * links, for a time-space diagram: for each vehicle on a corridor link, when it
 * entered the link, reached the stop line (queued) and left it; and when the
 * signals of the watched movements changed. The mesoscopic model has no
 * positions inside a link, so a drawing must assume free-flow speed from entry
 * to the stop line and a vertical (point) queue at the stop line.
 *
 * An ordinary observer (`SimObserver`): a run that does not register it pays
 * nothing for it. Which links to watch comes from `corridor.ts`.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import { UsageError } from '../../errors.js';
import type { SimObserver } from '../../sim/observer.js';

/** Options of {@link CorridorTrace}. */
export interface CorridorTraceOptions {
  /** Movements whose signal state to record (for green bands), by index. Default none. */
  movements?: ArrayLike<number>;
  /** The simulation's movement signal states (`Simulation.signal`), read when the trace is built and when a watched junction changes. */
  signalStates?: Uint8Array;
  /** Record at most this many vehicles (the first to enter a corridor link). Default 5,000. */
  maxVehicles?: number;
  /** Start of the run, s: the signal states held when the trace is built are recorded at this time. Default 0. */
  start?: number;
}

/** What {@link CorridorTrace} recorded: parallel arrays, one entry per (vehicle, corridor link) visit. */
export interface CorridorTraceResult {
  /** The corridor links, as given. */
  links: Int32Array;
  /** Trip index of each visit. */
  vehicle: Int32Array;
  /** Position of the visited link in `links`. */
  position: Int32Array;
  /** When the vehicle entered the link, s. */
  enter: Float64Array;
  /** When it reached the stop line, s (NaN if it had not by the end). */
  stopLine: Float64Array;
  /** When it left the link (or arrived at its end), s (NaN if it had not by the end). */
  exit: Float64Array;
  /** Vehicles recorded. */
  vehicles: number;
  /** Vehicles on corridor links left out by `maxVehicles`. */
  omitted: number;
  /** Signal changes of the watched movements: position in `movements`, time (s) and new state (SIGNAL_* code). */
  signals: { movement: Int32Array; time: Float64Array; state: Uint8Array };
}

/** Records trajectories along a corridor of links (see the module header). */
export class CorridorTrace implements SimObserver {
  private readonly net: CompiledNetwork;
  private readonly links: Int32Array;
  private readonly positionOf: Int32Array;
  private readonly open: Int32Array;
  private readonly seen: Uint8Array;
  private readonly maxVehicles: number;
  private vehicles = 0;
  private omitted = 0;
  private readonly vVehicle: number[] = [];
  private readonly vPosition: number[] = [];
  private readonly vEnter: number[] = [];
  private readonly vStop: number[] = [];
  private readonly vExit: number[] = [];
  private readonly movements: Int32Array;
  private readonly watchedJunction: Uint8Array;
  private readonly lastState: Int16Array;
  private readonly states: Uint8Array | undefined;
  private readonly sMovement: number[] = [];
  private readonly sTime: number[] = [];
  private readonly sState: number[] = [];

  /**
   * @param links corridor link indices (a link may appear once).
   * @param trips the run's trip table (4 + 1 bytes a trip of state).
   */
  constructor(net: CompiledNetwork, trips: TripTable, links: ArrayLike<number>, options: CorridorTraceOptions = {}) {
    this.net = net;
    this.links = Int32Array.from(links);
    this.positionOf = new Int32Array(net.linkCount).fill(-1);
    this.links.forEach((l, i) => {
      if (!(l >= 0 && l < net.linkCount)) throw new UsageError(`CorridorTrace: links[${i}] = ${l} is not a link index (0..${net.linkCount - 1})`);
      if (this.positionOf[l] >= 0) throw new UsageError(`CorridorTrace: link "${net.linkKey(l)}" appears twice in the corridor`);
      this.positionOf[l] = i;
    });
    this.open = new Int32Array(trips.count).fill(-1);
    this.seen = new Uint8Array(trips.count);
    this.maxVehicles = options.maxVehicles ?? 5000;
    this.movements = Int32Array.from(options.movements ?? []);
    this.watchedJunction = new Uint8Array(net.junctionCount);
    this.movements.forEach((e, i) => {
      if (!(e >= 0 && e < net.movementCount)) throw new UsageError(`CorridorTrace: movements[${i}] = ${e} is not a movement index`);
      this.watchedJunction[net.linkTo[net.movementFrom[e]]] = 1;
    });
    this.lastState = new Int16Array(this.movements.length).fill(-1);
    this.states = options.signalStates;
    // A simulation sets its signals' first states when it is built, without a signal event.
    for (let j = 0; j < net.junctionCount; j++) if (this.watchedJunction[j] === 1) this.signal(j, options.start ?? 0);
  }

  enter(v: number, l: number, time: number): void {
    const p = this.positionOf[l];
    if (p < 0) return;
    if (this.seen[v] === 0) {
      if (this.vehicles >= this.maxVehicles) { this.seen[v] = 2; this.omitted++; return; }
      this.seen[v] = 1;
      this.vehicles++;
    } else if (this.seen[v] === 2) return;
    this.open[v] = this.vEnter.length;
    this.vVehicle.push(v);
    this.vPosition.push(p);
    this.vEnter.push(time);
    this.vStop.push(NaN);
    this.vExit.push(NaN);
  }

  queue(v: number, _e: number, time: number): void {
    const i = this.open[v];
    if (i >= 0) this.vStop[i] = time;
  }

  leave(v: number, _l: number, _e: number, time: number): void {
    this.close(v, time);
  }

  arrive(v: number, _l: number, time: number): void {
    const i = this.open[v];
    if (i >= 0 && Number.isNaN(this.vStop[i])) this.vStop[i] = time; // the end of its last link is its stop line
    this.close(v, time);
  }

  private close(v: number, time: number): void {
    const i = this.open[v];
    if (i < 0) return;
    this.vExit[i] = time;
    this.open[v] = -1;
  }

  signal(junction: number, time: number): void {
    if (this.watchedJunction[junction] === 0 || !this.states) return;
    const { movements, net } = this;
    for (let i = 0; i < movements.length; i++) {
      const e = movements[i];
      if (net.linkTo[net.movementFrom[e]] !== junction) continue;
      const st = this.states[e];
      if (st === this.lastState[i]) continue;
      this.lastState[i] = st;
      this.sMovement.push(i);
      this.sTime.push(time);
      this.sState.push(st);
    }
  }

  /** What was recorded. */
  result(): CorridorTraceResult {
    return {
      links: this.links.slice(),
      vehicle: Int32Array.from(this.vVehicle),
      position: Int32Array.from(this.vPosition),
      enter: Float64Array.from(this.vEnter),
      stopLine: Float64Array.from(this.vStop),
      exit: Float64Array.from(this.vExit),
      vehicles: this.vehicles,
      omitted: this.omitted,
      signals: { movement: Int32Array.from(this.sMovement), time: Float64Array.from(this.sTime), state: Uint8Array.from(this.sState) },
    };
  }
}
