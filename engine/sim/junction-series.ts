/**
 * Recorders for reports: what a planner wants to see over time that the run's
 * {@link Metrics} only totals. Both are ordinary observers (`SimObserver`): a run
 * that does not register them pays nothing for them.
 *
 * {@link JunctionSeries} — per junction and time interval:
 *  - queued vehicles: vehicles waiting at the stop lines of the junction's
 *    approaches, time-weighted mean over the interval and maximum;
 *  - control delay: for the vehicles that passed the junction in the interval,
 *    the mean of (time on the approach link - its free-flow time), the same
 *    definition as the run's junction control delay (HCM 7th ed. ch. 19), so the
 *    interval means weighted by vehicles give back the run's figure;
 *  - per link, the busiest interval's entry flow (veh/s) and, at signals, the
 *    share of the run during which one of its movements showed green (or
 *    permissive green): capacity is lanes x saturation flow x that share (HCM
 *    7th ed. eq. 19-16, c = N s g/C, taken over the whole approach).
 *
 * {@link CorridorTrace} — trajectories along a chosen path of links, for a
 * time-space diagram: for each vehicle on a corridor link, when it entered the
 * link, reached the stop line (queued) and left it; and when the signals of the
 * watched movements changed. The mesoscopic model has no positions inside a
 * link, so a drawing must assume free-flow speed from entry to the stop line
 * and a vertical (point) queue at the stop line.
 *
 * {@link defaultCorridor} picks a corridor when none is named: the free-flow
 * shortest route of the origin-destination pair with the most trips.
 */
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import { createRouter } from '../routing/router.js';
import { UsageError } from '../errors.js';
import { SIGNAL_GREEN, SIGNAL_PERMISSIVE } from '../signals/controller.js';
import type { SimObserver } from './observer.js';

/** Options of {@link JunctionSeries}. */
export interface JunctionSeriesOptions {
  /** Start of the run, s. */
  start: number;
  /** End of the run, s. */
  end: number;
  /** Interval length, s. Default 300. */
  interval?: number;
  /** The simulation's movement signal states (`Simulation.signal`), for green shares; without them green shares are NaN. */
  signalStates?: Uint8Array;
}

/** What {@link JunctionSeries} recorded. Per-junction arrays are indexed `interval * junctionCount + junction`. */
export interface JunctionSeriesResult {
  junctionCount: number;
  /** End of each interval, s (the last one may be shorter: the run's end). */
  times: Float64Array;
  /** Time-weighted mean number of vehicles queued at the junction's stop lines. */
  meanQueued: Float64Array;
  /** Most vehicles queued at once. */
  maxQueued: Int32Array;
  /** Vehicles that passed the junction. */
  vehicles: Int32Array;
  /** Mean control delay of those vehicles, s; NaN when none passed. */
  controlDelay: Float64Array;
  /** Per link: the highest entry flow of any full interval, veh/s (0 if nothing entered). */
  linkPeakFlow: Float64Array;
  /** Per link: end of the interval of {@link linkPeakFlow}, s (NaN if nothing entered). */
  linkPeakTime: Float64Array;
  /** Per link: share of the run its movements showed green; 1 where its downstream junction is not signalised; NaN without signal states. */
  linkGreenShare: Float64Array;
}

/** Records per-junction queues and control delay per interval (see the module header). */
export class JunctionSeries implements SimObserver {
  private readonly net: CompiledNetwork;
  private readonly interval: number;
  private readonly endLimit: number;
  private intervalStart: number;
  private nextBoundary: number;
  private readonly enteredAt: Float64Array;
  // Per junction, current interval.
  private readonly queueNow: Int32Array;
  private readonly queueSince: Float64Array;
  private readonly queueArea: Float64Array;
  private readonly queueMax: Int32Array;
  private readonly passed: Int32Array;
  private readonly delaySum: Float64Array;
  // Per link.
  private readonly linkBin: Int32Array;
  private readonly linkPeak: Float64Array;
  private readonly linkPeakAt: Float64Array;
  // Output, one block of junctionCount values per interval.
  private readonly times: number[] = [];
  private readonly outMean: number[] = [];
  private readonly outMax: number[] = [];
  private readonly outVehicles: number[] = [];
  private readonly outDelay: number[] = [];
  private ended = false;
  private readonly start: number;
  private readonly states: Uint8Array | undefined;
  private readonly greenTime: Float64Array;
  private readonly greenSince: Float64Array;
  private readonly greenOpen: Uint8Array;
  private endTime: number;

  /** @param trips the run's trip table (its count sizes per-vehicle state: 8 bytes a trip). */
  constructor(net: CompiledNetwork, trips: TripTable, options: JunctionSeriesOptions) {
    const interval = options.interval ?? 300;
    if (!(interval > 0)) throw new UsageError(`JunctionSeries: interval must be > 0, got ${String(interval)}`);
    if (!(options.end > options.start)) throw new UsageError(`JunctionSeries: end must be after start, got ${options.start}..${options.end}`);
    this.net = net;
    this.interval = interval;
    this.endLimit = options.end;
    this.intervalStart = options.start;
    this.nextBoundary = Math.min(options.start + interval, options.end);
    this.enteredAt = new Float64Array(trips.count);
    const n = net.junctionCount;
    this.queueNow = new Int32Array(n);
    this.queueSince = new Float64Array(n).fill(options.start);
    this.queueArea = new Float64Array(n);
    this.queueMax = new Int32Array(n);
    this.passed = new Int32Array(n);
    this.delaySum = new Float64Array(n);
    this.linkBin = new Int32Array(net.linkCount);
    this.linkPeak = new Float64Array(net.linkCount);
    this.linkPeakAt = new Float64Array(net.linkCount).fill(NaN);
    this.start = options.start;
    this.endTime = options.end;
    this.states = options.signalStates;
    this.greenTime = new Float64Array(net.linkCount);
    this.greenSince = new Float64Array(net.linkCount).fill(options.start);
    this.greenOpen = new Uint8Array(net.linkCount);
    // A simulation sets its signals' first states when it is built, without a signal event.
    if (this.states) for (let j = 0; j < net.junctionCount; j++) if (net.junctionControl[j] === CONTROL_CODE.signal) this.signal(j, options.start);
  }

  signal(junction: number, time: number): void {
    const states = this.states;
    if (!states) return;
    const net = this.net;
    for (let i = net.junctionInOffsets[junction], end = net.junctionInOffsets[junction + 1]; i < end; i++) {
      const l = net.junctionInLinks[i];
      if (this.greenOpen[l] === 1) this.greenTime[l] += time - this.greenSince[l];
      this.greenSince[l] = time;
      let open = 0;
      for (let e = net.movementOffsets[l], stop = net.movementOffsets[l + 1]; e < stop; e++) {
        if (states[e] === SIGNAL_GREEN || states[e] === SIGNAL_PERMISSIVE) { open = 1; break; }
      }
      this.greenOpen[l] = open;
    }
  }

  private tick(time: number): void {
    while (time >= this.nextBoundary && this.intervalStart < this.endLimit) this.close(this.nextBoundary);
  }

  /** Close the interval ending at `time`. */
  private close(time: number): void {
    const span = time - this.intervalStart;
    const n = this.net.junctionCount;
    this.times.push(time);
    for (let j = 0; j < n; j++) {
      this.queueArea[j] += this.queueNow[j] * (time - this.queueSince[j]);
      this.outMean.push(span > 0 ? this.queueArea[j] / span : this.queueNow[j]);
      this.outMax.push(this.queueMax[j]);
      this.outVehicles.push(this.passed[j]);
      this.outDelay.push(this.passed[j] > 0 ? this.delaySum[j] / this.passed[j] : NaN);
      this.queueArea[j] = 0;
      this.queueSince[j] = time;
      this.queueMax[j] = this.queueNow[j];
      this.passed[j] = 0;
      this.delaySum[j] = 0;
    }
    // Peak flows from full intervals only: a short last interval would inflate a rate.
    if (span >= this.interval - 1e-9) {
      const bin = this.linkBin;
      const peak = this.linkPeak;
      for (let l = 0, m = bin.length; l < m; l++) {
        const flow = bin[l] / span;
        if (bin[l] > 0 && flow > peak[l]) { peak[l] = flow; this.linkPeakAt[l] = time; }
      }
    }
    this.linkBin.fill(0);
    this.intervalStart = time;
    this.nextBoundary = Math.min(time + this.interval, this.endLimit);
  }

  private setQueue(j: number, delta: number, time: number): void {
    this.queueArea[j] += this.queueNow[j] * (time - this.queueSince[j]);
    this.queueSince[j] = time;
    this.queueNow[j] += delta;
    if (this.queueNow[j] > this.queueMax[j]) this.queueMax[j] = this.queueNow[j];
  }

  enter(v: number, l: number, time: number): void {
    this.tick(time);
    this.enteredAt[v] = time;
    this.linkBin[l]++;
  }

  queue(_v: number, e: number, time: number): void {
    this.tick(time);
    this.setQueue(this.net.linkTo[this.net.movementFrom[e]], 1, time);
  }

  leave(v: number, l: number, _e: number, time: number): void {
    this.tick(time);
    const j = this.net.linkTo[l];
    this.setQueue(j, -1, time);
    this.passed[j]++;
    this.delaySum[j] += time - this.enteredAt[v] - this.net.linkFreeFlowTime[l];
  }

  end(time: number): void {
    if (this.ended) return;
    this.ended = true;
    this.endTime = time;
    for (let l = 0; l < this.greenOpen.length; l++) {
      if (this.greenOpen[l] === 1) this.greenTime[l] += time - this.greenSince[l];
      this.greenSince[l] = time;
    }
    this.tick(time);
    // A run that ended early (gridlock, or every trip done) closes its partial interval.
    if (time > this.intervalStart) this.close(time);
  }

  /** What was recorded. Call after the run ended. */
  result(): JunctionSeriesResult {
    return {
      junctionCount: this.net.junctionCount,
      times: Float64Array.from(this.times),
      meanQueued: Float64Array.from(this.outMean),
      maxQueued: Int32Array.from(this.outMax),
      vehicles: Int32Array.from(this.outVehicles),
      controlDelay: Float64Array.from(this.outDelay),
      linkPeakFlow: this.linkPeak.slice(),
      linkPeakTime: this.linkPeakAt.slice(),
      linkGreenShare: Float64Array.from(this.greenTime, (g, l) => {
        if (this.net.junctionControl[this.net.linkTo[l]] !== CONTROL_CODE.signal) return 1;
        const span = this.endTime - this.start;
        return this.states && span > 0 ? g / span : NaN;
      }),
    };
  }
}

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
  /** Vehicles recorded, and vehicles on corridor links left out by `maxVehicles`. */
  vehicles: number;
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

/** A corridor: a path of links and, where it exists, the opposite direction. */
export interface CorridorPlan {
  /** Forward path, link indices in driving order. */
  forward: Int32Array;
  /** The opposite carriageway, link indices in its driving order (empty if the path has no complete reverse). */
  reverse: Int32Array;
  /** Signalised movements along each direction (from one corridor link to the next), with the junction they are at. */
  movements: Int32Array;
}

/**
 * The corridor along a path of links: the path, its reverse where every link has
 * an opposite link (same junctions, other way) joined by permitted turns, and
 * the signalised movements that continue along either direction.
 * @throws UsageError if consecutive links are not joined by a permitted turn.
 */
export function corridorPlan(net: CompiledNetwork, path: ArrayLike<number>): CorridorPlan {
  const forward = Int32Array.from(path);
  if (forward.length === 0) throw new UsageError('corridorPlan: the path has no links');
  const movements: number[] = [];
  const along = (links: Int32Array, strict: boolean): boolean => {
    const found: number[] = [];
    for (let i = 0; i + 1 < links.length; i++) {
      const e = net.movementBetween(links[i], links[i + 1]);
      if (e < 0) {
        if (strict) throw new UsageError(`corridorPlan: no permitted turn from link "${net.linkKey(links[i])}" to "${net.linkKey(links[i + 1])}"`);
        return false;
      }
      if (net.junctionControl[net.linkTo[links[i]]] === CONTROL_CODE.signal) found.push(e);
    }
    movements.push(...found);
    return true;
  };
  along(forward, true);
  const back: number[] = [];
  for (let i = forward.length - 1; i >= 0; i--) {
    const from = net.linkFrom[forward[i]];
    const to = net.linkTo[forward[i]];
    let opposite = -1;
    for (let o = net.junctionOutOffsets[to], end = net.junctionOutOffsets[to + 1]; o < end; o++) {
      if (net.linkTo[net.junctionOutLinks[o]] === from) { opposite = net.junctionOutLinks[o]; break; }
    }
    if (opposite < 0) { back.length = 0; break; }
    back.push(opposite);
  }
  let reverse = Int32Array.from(back);
  if (reverse.length > 0 && !along(reverse, false)) reverse = new Int32Array(0);
  return { forward, reverse, movements: Int32Array.from(movements) };
}

/**
 * A default corridor for a run, for a time-space diagram: among the 50
 * origin-destination pairs with the most trips, take each one's free-flow
 * shortest route, keep its longest stretch of straight-on movements, and choose
 * the stretch with the highest (trips x signalised junctions along it); ties go
 * to the busier pair. Returns link indices, or an empty array if no trip has a route.
 */
export function defaultCorridor(net: CompiledNetwork, trips: TripTable): Int32Array {
  const counts = new Map<number, number>();
  const n = net.junctionCount;
  for (let v = 0; v < trips.count; v++) {
    const o = trips.origin[v];
    const d = trips.destination[v];
    if (o === d) continue;
    const key = o * n + d;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const pairs = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 50);
  const router = createRouter(net);
  let best = new Int32Array(0);
  let bestScore = -1;
  for (const [key, count] of pairs) {
    if (!Number.isFinite(router.route(Math.floor(key / n), key % n))) continue;
    const path = router.lastPath();
    // Longest run of links joined by straight-on movements, and its signals.
    let runStart = 0;
    let bestRun: [number, number, number] = [0, 1, 0];
    let signals = 0;
    for (let i = 1; i <= path.length; i++) {
      const e = i < path.length ? net.movementBetween(path[i - 1], path[i]) : -1;
      if (e >= 0 && net.turn(e) === 'straight') {
        if (net.junctionControl[net.linkTo[path[i - 1]]] === CONTROL_CODE.signal) signals++;
        continue;
      }
      if (signals > bestRun[2] || (signals === bestRun[2] && i - runStart > bestRun[1] - bestRun[0])) bestRun = [runStart, i, signals];
      runStart = i;
      signals = 0;
    }
    const score = count * Math.max(1, bestRun[2]);
    if (score > bestScore) {
      bestScore = score;
      best = Int32Array.from(path.subarray(bestRun[0], bestRun[1]));
    }
  }
  return best;
}
