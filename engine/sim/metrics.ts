/**
 * Metrics: an observer of the kernel's events that keeps per-trip, per-link,
 * per-junction and network figures and a time series.
 *
 * Definitions (SUMO tripinfo conventions where they exist):
 *  - travel time: arrival - insertion (entering the first link);
 *  - departure delay: insertion - planned departure;
 *  - delay (SUMO "timeLoss"): travel time - free-flow time of the links driven;
 *    a link left through a movement with a time offset (SUMO imports: that
 *    turn's own junction crossing, `CompiledNetwork.movementTimeOffset`) counts
 *    max(0, its free-flow time + the offset), as the kernel drives it, so an
 *    offset alone adds no delay;
 *  - queue stall (`longestStall`): the longest time a movement's stop-line
 *    queue went without a vehicle leaving through it;
 *  - waiting time: time spent queued at stop lines; a stop: one such wait that
 *    was a halt of the vehicle class (at least v_in / (2b) + v_out / (2a), see
 *    losses.ts), or longer than `stopThreshold` when one is given;
 *  - link travel time: from entering a link to leaving it (through a movement or
 *    by arriving at its end); queue: vehicles queued at its stop line, mean over
 *    time and maximum;
 *  - junction control delay: time on the approach link minus its free-flow time
 *    (through the movement taken, offset included),
 *    averaged over vehicles passing the junction; level of service from HCM 7th
 *    ed. thresholds: signalised (Exhibit 19-8) A <= 10 s, B <= 20, C <= 35,
 *    D <= 55, E <= 80, else F; unsignalised (Exhibit 20-2) A <= 10, B <= 15,
 *    C <= 25, D <= 35, E <= 50, else F;
 *  - network: vehicle-km of links completed, vehicle-hours in the network
 *    (unfinished vehicles counted to the end), throughput (arrivals), mean speed
 *    = vehicle-km / vehicle-hours;
 *  - finished-only means (`meanTravelTime`, `meanDelay`, ...): over trips that
 *    arrived. They hide every trip that did not: a plan that strands half its
 *    vehicles can show a lower mean. Always read them beside `unfinished` and
 *    the all-trips means;
 *  - all-trips means (`meanTravelTimeAllTrips`, `meanDelayAllTrips`): the
 *    travel time is CityFlow's average travel time (cityflow-travel-time.ts,
 *    the same definition and the same number as `cityflowAverageTravelTime(trips,
 *    result, end)`): over every trip due to depart before the scheduled end of
 *    the run (`end`), the time from its planned departure to its arrival or,
 *    when it did not arrive, to the scheduled end. Unroutable trips count too
 *    (to the end: they never get there), so a what-if that cuts the network
 *    cannot improve the figure by stranding trips. The delay is that time minus
 *    the free-flow time of the links the trip completed (so time waiting to
 *    enter and time stuck count). A run stopped early by gridlock still counts
 *    to the scheduled end: blocked junctions stay blocked in this model, so a
 *    stranded trip would not have finished (trips due after the gridlock on
 *    unaffected streets are counted as stranded too, an overstatement the
 *    gridlock report makes visible);
 *  - junction control delay counts the vehicles that never got through too:
 *    those still queued at its stop lines when the run ended (or gridlocked),
 *    with their delay so far (time on the approach minus its free-flow time).
 *    Without them a junction nobody could pass would show the small delay of
 *    the few that passed before it blocked. A junction the gridlock report names
 *    (`blocked`) is level of service F whatever its mean delay.
 */
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import type { SimObserver } from './observer.js';

/** HCM level of service. */
export type LevelOfService = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

const SIGNAL_LOS = [10, 20, 35, 55, 80];
const UNSIGNALISED_LOS = [10, 15, 25, 35, 50];
const LOS: LevelOfService[] = ['A', 'B', 'C', 'D', 'E', 'F'];

/** Level of service for a control delay (s) at a signalised or unsignalised junction. */
export function levelOfService(controlDelay: number, signalised: boolean): LevelOfService {
  const limits = signalised ? SIGNAL_LOS : UNSIGNALISED_LOS;
  for (let i = 0; i < limits.length; i++) if (controlDelay <= limits[i]) return LOS[i];
  return 'F';
}

/**
 * Levels of service of every junction of `net` from its mean control delays (s):
 * F where `blocked[j]` is 1 (named by a gridlock report), '' where no vehicle
 * passed or waited. Used by the metrics and by evaluators rebuilding them.
 */
export function junctionLevels(net: CompiledNetwork, controlDelay: Float64Array, blocked: Uint8Array): Array<LevelOfService | ''> {
  return Array.from(controlDelay, (d, j) => (blocked[j] === 1 ? 'F' : Number.isNaN(d) ? '' : levelOfService(d, net.junctionControl[j] === CONTROL_CODE.signal)));
}

/** Options of {@link Metrics}. */
export interface MetricsOptions {
  start: number;
  end: number;
  /** Time-series interval, s. Default 300. */
  interval?: number;
  /** Wait that counts as a stop, s. Default: a halt of the vehicle class counts (the kernel says which waits were halts). */
  stopThreshold?: number;
  /** Desired-speed factor per vehicle (the kernel's, losses.ts): free-flow time on a link is the link's divided by it. Default 1. */
  speedFactor?: Float32Array;
}

/** Per-trip results (index = trip); NaN where not applicable (never inserted, unfinished). */
export interface TripMetrics {
  inserted: Float64Array;
  arrived: Float64Array;
  travelTime: Float64Array;
  departDelay: Float64Array;
  delay: Float64Array;
  waitingTime: Float64Array;
  stops: Int32Array;
  routeLength: Float64Array;
}

/** Per-link results (index = link). */
export interface LinkMetrics {
  entered: Int32Array;
  left: Int32Array;
  meanTravelTime: Float64Array;
  meanQueue: Float64Array;
  maxQueue: Int32Array;
}

/** Per-junction results (index = junction). */
export interface JunctionMetrics {
  /** Vehicles that passed the junction. */
  vehicles: Int32Array;
  /** Mean control delay, s (NaN if no vehicle passed). */
  controlDelay: Float64Array;
  /** HCM level of service ('' if no vehicle passed or queued; F when blocked). */
  levelOfService: Array<LevelOfService | ''>;
  /** Vehicles still queued at its stop lines when the run ended (or gridlocked): they never got through (counted in `controlDelay`). */
  stuck: Int32Array;
  /** 1 where the run gridlocked with vehicles waiting here for an exit with no storage (LOS F). */
  blocked: Uint8Array;
}

/** Network totals. */
export interface NetworkMetrics {
  trips: number;
  inserted: number;
  arrived: number;
  unfinished: number;
  unroutable: number;
  vehicleKm: number;
  vehicleHours: number;
  meanSpeed: number;
  /** Mean travel time of finished trips only (insertion to arrival), s. */
  meanTravelTime: number;
  /** Mean delay of finished trips only, s. */
  meanDelay: number;
  meanWaitingTime: number;
  meanStops: number;
  meanDepartDelay: number;
  /**
   * Mean travel time over every trip due before the scheduled end, unfinished and
   * unroutable ones counted to it, from the planned departure, s. This is
   * CityFlow's average travel time (`cityflowAverageTravelTime`), the figure the
   * signal-control literature reports.
   */
  meanTravelTimeAllTrips: number;
  /** Mean delay over the same trips: their all-trips travel time minus the free-flow time of the links they completed, s. */
  meanDelayAllTrips: number;
  /** Trips the all-trips means are taken over: due to depart before the scheduled end (unroutable ones included). */
  dueTrips: number;
  /**
   * Longest stall of a queue, s: the longest time any movement had vehicles
   * queued at its stop line and none left through it (a queue still stalled
   * when the run ended counts to the end). Under fixed time it is about the
   * longest red, longer where spillback blocks an exit; a controller that
   * starves a movement (keeps it red while its vehicles wait) shows it here
   * long before it strands anyone. 0 when no vehicle queued.
   */
  longestStall: number;
}

/** One time-series sample, taken at `time` (the end of its interval). */
export interface TimeSample {
  time: number;
  inNetwork: number;
  waiting: number;
  queued: number;
  departed: number;
  arrived: number;
  meanTravelTime: number;
}

/** Everything a run measured. */
export interface MetricsResult {
  trips: TripMetrics;
  links: LinkMetrics;
  junctions: JunctionMetrics;
  network: NetworkMetrics;
  timeseries: TimeSample[];
}

/** Collects metrics from a simulation's events. */
export class Metrics implements SimObserver {
  private readonly net: CompiledNetwork;
  private readonly tripsTable: TripTable;
  private readonly start: number;
  private readonly endLimit: number;
  private readonly interval: number;
  private readonly stopThreshold: number | undefined;
  // Per trip.
  private readonly inserted: Float64Array;
  private readonly arrived: Float64Array;
  private readonly freeFlow: Float64Array;
  /** The network has movement time offsets (`CompiledNetwork.hasTimeOffsets`). */
  private readonly offsets: boolean;
  private readonly speedFactor: Float32Array | undefined;
  private readonly length: Float64Array;
  private readonly waiting: Float64Array;
  private readonly stops: Int32Array;
  private readonly queuedAt: Float64Array;
  private readonly enteredAt: Float64Array;
  // Per link.
  private readonly entered: Int32Array;
  private readonly left: Int32Array;
  private readonly linkTime: Float64Array;
  private readonly queueNow: Int32Array;
  private readonly queueArea: Float64Array;
  private readonly queueMax: Int32Array;
  private readonly queueSince: Float64Array;
  private readonly queueEnteredSum: Float64Array;
  // Per movement: vehicles queued, and since when none has left (s).
  private readonly movementQueued: Int32Array;
  private readonly stalledSince: Float64Array;
  private longestStall = 0;
  // Per junction.
  private readonly passed: Int32Array;
  private readonly controlSum: Float64Array;
  // Counters.
  private insertedCount = 0;
  private arrivedCount = 0;
  private unroutableCount = 0;
  private queuedCount = 0;
  private vehicleKm = 0;
  private endTime: number;
  // Time series.
  private readonly samples: TimeSample[] = [];
  private nextSample: number;
  private binDeparted = 0;
  private binArrived = 0;
  private binTravelTime = 0;
  private departCursor = 0;

  constructor(net: CompiledNetwork, trips: TripTable, options: MetricsOptions) {
    this.net = net;
    this.tripsTable = trips;
    this.start = options.start;
    this.endLimit = options.end;
    this.endTime = options.end;
    this.interval = options.interval ?? 300;
    this.stopThreshold = options.stopThreshold;
    this.nextSample = this.start + this.interval;
    const n = trips.count;
    const m = net.linkCount;
    this.inserted = new Float64Array(n).fill(NaN);
    this.arrived = new Float64Array(n).fill(NaN);
    this.freeFlow = new Float64Array(n);
    this.offsets = net.hasTimeOffsets;
    this.speedFactor = options.speedFactor;
    this.length = new Float64Array(n);
    this.waiting = new Float64Array(n);
    this.stops = new Int32Array(n);
    this.queuedAt = new Float64Array(n);
    this.enteredAt = new Float64Array(n);
    this.entered = new Int32Array(m);
    this.left = new Int32Array(m);
    this.linkTime = new Float64Array(m);
    this.queueNow = new Int32Array(m);
    this.queueArea = new Float64Array(m);
    this.queueMax = new Int32Array(m);
    this.queueSince = new Float64Array(m).fill(this.start);
    this.queueEnteredSum = new Float64Array(m);
    this.movementQueued = new Int32Array(net.movementCount);
    this.stalledSince = new Float64Array(net.movementCount);
    this.passed = new Int32Array(net.junctionCount);
    this.controlSum = new Float64Array(net.junctionCount);
  }

  /** Bytes of per-vehicle metric state. */
  get vehicleStateBytes(): number {
    return this.inserted.byteLength + this.arrived.byteLength + this.freeFlow.byteLength + this.length.byteLength
      + this.waiting.byteLength + this.stops.byteLength + this.queuedAt.byteLength + this.enteredAt.byteLength;
  }

  private tick(time: number): void {
    while (time >= this.nextSample && this.nextSample <= this.endLimit) this.sample(this.nextSample);
  }

  private sample(time: number): void {
    const depart = this.tripsTable.depart;
    while (this.departCursor < depart.length && depart[this.departCursor] <= time) this.departCursor++;
    const inNetwork = this.insertedCount - this.arrivedCount;
    this.samples.push({
      time,
      inNetwork,
      waiting: Math.max(0, this.departCursor - this.insertedCount - this.unroutableCount),
      queued: this.queuedCount,
      departed: this.binDeparted,
      arrived: this.binArrived,
      meanTravelTime: this.binArrived > 0 ? this.binTravelTime / this.binArrived : NaN,
    });
    this.binDeparted = 0;
    this.binArrived = 0;
    this.binTravelTime = 0;
    this.nextSample = time + this.interval;
  }

  private setQueue(l: number, delta: number, time: number): void {
    this.queueArea[l] += this.queueNow[l] * (time - this.queueSince[l]);
    this.queueSince[l] = time;
    this.queueNow[l] += delta;
    if (this.queueNow[l] > this.queueMax[l]) this.queueMax[l] = this.queueNow[l];
  }

  depart(v: number, _link: number, time: number): void {
    this.tick(time);
    this.inserted[v] = time;
    this.insertedCount++;
    this.binDeparted++;
  }

  enter(v: number, l: number, time: number): void {
    this.tick(time);
    this.entered[l]++;
    this.enteredAt[v] = time;
  }

  queue(v: number, e: number, time: number): void {
    this.tick(time);
    this.queuedAt[v] = time;
    this.queuedCount++;
    if (this.movementQueued[e]++ === 0) this.stalledSince[e] = time;
    const l = this.net.movementFrom[e];
    this.queueEnteredSum[l] += this.enteredAt[v];
    this.setQueue(l, 1, time);
  }

  leave(v: number, l: number, e: number, time: number, halted: boolean, moveUps: number): void {
    this.tick(time);
    const stall = time - this.stalledSince[e];
    if (stall > this.longestStall) this.longestStall = stall;
    this.stalledSince[e] = time;
    this.movementQueued[e]--;
    const wait = time - this.queuedAt[v];
    this.waiting[v] += wait;
    if (this.stopThreshold === undefined ? halted : wait > this.stopThreshold) this.stops[v] += 1 + moveUps;
    this.queuedCount--;
    this.queueEnteredSum[l] -= this.enteredAt[v];
    this.setQueue(l, -1, time);
    const free = this.completeLink(v, l, time, e);
    const j = this.net.linkTo[l];
    this.passed[j]++;
    this.controlSum[j] += time - this.enteredAt[v] - free;
  }

  arrive(v: number, l: number, time: number, wait = 0, halted = false): void {
    this.tick(time);
    if (wait > 0) {
      // Waited at the end of its last link behind the queue there (sim/arrivals.ts).
      this.waiting[v] += wait;
      if (this.stopThreshold === undefined ? halted : wait > this.stopThreshold) this.stops[v] += 1;
    }
    this.completeLink(v, l, time);
    this.arrived[v] = time;
    this.arrivedCount++;
    this.binArrived++;
    this.binTravelTime += time - this.inserted[v];
  }

  unroutable(_v: number, time: number): void {
    this.tick(time);
    this.unroutableCount++;
  }

  end(time: number): void {
    this.tick(time);
    this.endTime = time;
    for (let l = 0; l < this.net.linkCount; l++) this.setQueue(l, 0, time);
  }

  /** {@link NetworkMetrics.longestStall}: the longest stall that ended, or one still going on at the end. */
  private longestStallAtEnd(): number {
    let longest = this.longestStall;
    for (let e = 0; e < this.movementQueued.length; e++) {
      if (this.movementQueued[e] > 0 && this.endTime - this.stalledSince[e] > longest) longest = this.endTime - this.stalledSince[e];
    }
    return longest;
  }

  /** Vehicle `v` left link `l` at `time` through movement `e` (-1: arrived at its end); returns the link's free-flow time through `e`, s. */
  private completeLink(v: number, l: number, time: number, e = -1): number {
    this.left[l]++;
    this.linkTime[l] += time - this.enteredAt[v];
    let free = this.net.linkFreeFlowTime[l];
    if (e >= 0 && this.offsets) {
      free += this.net.movementTimeOffset[e];
      if (free < 0) free = 0;
    }
    this.freeFlow[v] += this.speedFactor === undefined ? free : free / this.speedFactor[v];
    this.length[v] += this.net.linkLength[l];
    this.vehicleKm += this.net.linkLength[l] / 1000;
    return free;
  }

  /**
   * Final figures. Call after the run ended; `blockedJunctions`: indices of the
   * junctions a gridlock report names (level of service F).
   */
  result(blockedJunctions: readonly number[] = []): MetricsResult {
    const n = this.tripsTable.count;
    const net = this.net;
    const travelTime = new Float64Array(n).fill(NaN);
    const departDelay = new Float64Array(n).fill(NaN);
    const delay = new Float64Array(n).fill(NaN);
    let sumTT = 0;
    let sumDelay = 0;
    let sumWait = 0;
    let sumStops = 0;
    let sumDepartDelay = 0;
    let vehicleSeconds = 0;
    // All trips due before the scheduled end (CityFlow's average travel time): unfinished and unroutable ones to the end.
    const horizon = this.endLimit;
    let dueTrips = 0;
    let sumAllTT = 0;
    let sumAllDelay = 0;
    for (let v = 0; v < n; v++) {
      const due = this.tripsTable.depart[v];
      if (!(due < horizon)) continue;
      const arr = this.arrived[v];
      const t = (arr <= horizon ? arr : horizon) - due; // NaN (not arrived) -> horizon
      dueTrips++;
      sumAllTT += t;
      sumAllDelay += t - this.freeFlow[v];
    }
    for (let v = 0; v < n; v++) {
      const ins = this.inserted[v];
      if (Number.isNaN(ins)) continue;
      departDelay[v] = ins - this.tripsTable.depart[v];
      sumDepartDelay += departDelay[v];
      const arr = this.arrived[v];
      if (Number.isNaN(arr)) {
        vehicleSeconds += this.endTime - ins;
        continue;
      }
      vehicleSeconds += arr - ins;
      travelTime[v] = arr - ins;
      delay[v] = travelTime[v] - this.freeFlow[v];
      sumTT += travelTime[v];
      sumDelay += delay[v];
      sumWait += this.waiting[v];
      sumStops += this.stops[v];
    }
    const arrived = this.arrivedCount;
    const span = this.endTime - this.start;
    const links: LinkMetrics = {
      entered: this.entered.slice(),
      left: this.left.slice(),
      meanTravelTime: Float64Array.from(this.linkTime, (t, l) => (this.left[l] > 0 ? t / this.left[l] : NaN)),
      meanQueue: Float64Array.from(this.queueArea, (a) => (span > 0 ? a / span : 0)),
      maxQueue: this.queueMax.slice(),
    };
    // Vehicles still queued count with their delay so far: time on the approach minus its free-flow time.
    const stuck = new Int32Array(net.junctionCount);
    const delaySum = this.controlSum.slice();
    for (let l = 0; l < net.linkCount; l++) {
      const q = this.queueNow[l];
      if (q === 0) continue;
      const j = net.linkTo[l];
      stuck[j] += q;
      delaySum[j] += Math.max(0, q * (this.endTime - net.linkFreeFlowTime[l]) - this.queueEnteredSum[l]);
    }
    const blocked = new Uint8Array(net.junctionCount);
    for (const j of blockedJunctions) blocked[j] = 1;
    const controlDelay = Float64Array.from(delaySum, (s, j) => (this.passed[j] + stuck[j] > 0 ? s / (this.passed[j] + stuck[j]) : NaN));
    const junctions: JunctionMetrics = {
      vehicles: this.passed.slice(),
      controlDelay,
      levelOfService: junctionLevels(net, controlDelay, blocked),
      stuck,
      blocked,
    };
    const vehicleHours = vehicleSeconds / 3600;
    return {
      trips: { inserted: this.inserted.slice(), arrived: this.arrived.slice(), travelTime, departDelay, delay, waitingTime: this.waiting.slice(), stops: this.stops.slice(), routeLength: this.length.slice() },
      links,
      junctions,
      network: {
        trips: n,
        inserted: this.insertedCount,
        arrived,
        unfinished: n - arrived - this.unroutableCount,
        unroutable: this.unroutableCount,
        vehicleKm: this.vehicleKm,
        vehicleHours,
        meanSpeed: vehicleHours > 0 ? this.vehicleKm / vehicleHours / 3.6 : NaN,
        meanTravelTime: arrived > 0 ? sumTT / arrived : NaN,
        meanDelay: arrived > 0 ? sumDelay / arrived : NaN,
        meanWaitingTime: arrived > 0 ? sumWait / arrived : NaN,
        meanStops: arrived > 0 ? sumStops / arrived : NaN,
        meanDepartDelay: this.insertedCount > 0 ? sumDepartDelay / this.insertedCount : NaN,
        meanTravelTimeAllTrips: dueTrips > 0 ? sumAllTT / dueTrips : NaN,
        meanDelayAllTrips: dueTrips > 0 ? sumAllDelay / dueTrips : NaN,
        dueTrips,
        longestStall: this.longestStallAtEnd(),
      },
      timeseries: this.samples.slice(),
    };
  }
}
