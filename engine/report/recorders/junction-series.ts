/**
 * `JunctionSeries`: a report recorder for what a planner wants to see over time
 * that the run's `Metrics` only totals — per junction and time interval:
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
 * An ordinary observer (`SimObserver`): a run that does not register it pays
 * nothing for it. Its files are written by `../recordings.ts`.
 */
import { CONTROL_CODE, type CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import { UsageError } from '../../errors.js';
import { SIGNAL_GREEN, SIGNAL_PERMISSIVE } from '../../signals/controller.js';
import type { SimObserver } from '../../sim/observer.js';

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
  /** Junctions per interval block (the network's junction count). */
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

  leave(v: number, l: number, e: number, time: number): void {
    this.tick(time);
    const j = this.net.linkTo[l];
    this.setQueue(j, -1, time);
    this.passed[j]++;
    // Free-flow time through the movement taken (its time offset included, as sim/metrics.ts counts it).
    const free = Math.max(0, this.net.linkFreeFlowTime[l] + this.net.movementTimeOffset[e]);
    this.delaySum[j] += time - this.enteredAt[v] - free;
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
