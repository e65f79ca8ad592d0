/**
 * `LinkTimeRecorder`: a simulation observer that measures experienced link
 * travel times by entry-time interval, the costs the next route choice of a
 * dynamic assignment sees (`IntervalCosts`, routing/time-dependent.ts).
 *
 *  - A sample is enter -> leave (through a movement, or arriving at the link's
 *    end), filed under the interval of the entry time.
 *  - Vehicles still on a link when the run ends (unfinished, or stuck in a
 *    gridlock) contribute the time they have spent so far: a lower bound, so a
 *    jammed link never looks free.
 *  - An interval in which no vehicle entered a link takes, as DynusT and SUMO's
 *    duarouter do in spirit, what a vehicle entering at the interval's start
 *    would have met: at least the remaining time of the vehicles that were on the
 *    link then (the latest leave time among them minus the interval start, FIFO),
 *    and never less than free flow. So a link that was blocked through a whole
 *    interval keeps its cost instead of falling back to free flow.
 *  - Every cost is at least the link's free-flow time.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { IntervalCosts } from '../../routing/time-dependent.js';
import type { SimObserver } from '../../sim/observer.js';

/** Experienced link travel times of one run, by entry interval. */
export class LinkTimeRecorder implements SimObserver {
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  /** Per (interval, link): latest leave time minus the interval's start over vehicles on the link at that start, s. */
  private readonly span: Float64Array;
  private readonly enteredAt: Float64Array;
  private readonly onLink: Int32Array;
  private readonly m: number;

  /**
   * Record on `net` for `vehicles` trips, intervals of `width` s from `start`
   * covering [start, end) (times after `end` fall into the last).
   */
  constructor(private readonly net: CompiledNetwork, vehicles: number, readonly start: number, readonly width: number, readonly intervals: number) {
    this.m = net.linkCount;
    const cells = this.m * intervals;
    this.sum = new Float64Array(cells);
    this.count = new Float64Array(cells);
    this.span = new Float64Array(cells);
    this.enteredAt = new Float64Array(vehicles);
    this.onLink = new Int32Array(vehicles).fill(-1);
  }

  enter(vehicle: number, link: number, time: number): void {
    this.enteredAt[vehicle] = time;
    this.onLink[vehicle] = link;
  }

  leave(vehicle: number, link: number, _movement: number, time: number): void {
    this.sample(vehicle, link, time);
  }

  arrive(vehicle: number, link: number, time: number): void {
    this.sample(vehicle, link, time);
    this.onLink[vehicle] = -1;
  }

  end(time: number): void {
    const onLink = this.onLink;
    for (let v = 0; v < onLink.length; v++) {
      const l = onLink[v];
      if (l >= 0) {
        this.sample(v, l, time);
        onLink[v] = -1;
      }
    }
  }

  /** The measured costs (see the module header); a new array each call. */
  costs(): IntervalCosts {
    const { m, intervals, sum, count, span } = this;
    const free = this.net.linkFreeFlowTime;
    const time = new Float64Array(m * intervals);
    for (let i = 0; i < intervals; i++) {
      for (let l = 0, c = i * m; l < m; l++, c++) {
        const measured = count[c] > 0 ? sum[c] / count[c] : span[c];
        time[c] = measured > free[l] ? measured : free[l];
      }
    }
    return { start: this.start, width: this.width, intervals, time };
  }

  private intervalOf(t: number): number {
    const i = Math.floor((t - this.start) / this.width);
    return i < 0 ? 0 : i >= this.intervals ? this.intervals - 1 : i;
  }

  private sample(vehicle: number, link: number, time: number): void {
    const entered = this.enteredAt[vehicle];
    const i = this.intervalOf(entered);
    const c = i * this.m + link;
    this.sum[c] += time - entered;
    this.count[c]++;
    // Intervals that started while the vehicle was on the link: it bounds what an entrant then would meet.
    const last = this.intervalOf(time);
    for (let k = i + 1; k <= last; k++) {
      const s = this.start + k * this.width;
      if (s > time) break;
      const ck = k * this.m + link;
      if (time - s > this.span[ck]) this.span[ck] = time - s;
    }
  }
}
