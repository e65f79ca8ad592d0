/**
 * Time-dependent link travel times and departure delays, as the calibration's
 * assignment model sees them: free-flow times at first, then what the
 * simulation measured (`CountRecorder`), averaged over the iterations with the
 * method of successive averages (weight 1/(n+1) for the n-th measurement, so the
 * estimates settle instead of chasing each run's noise).
 *
 * A vehicle departing at time t on route (l0, l1, ...) enters l0 at
 * t + delay(l0, t) and enters l(j+1) when it leaves lj: enter(j) + time(lj, enter(j)).
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import { binOf, type CountRecorder, type TimeBins } from './recorder.js';

/** Travel times (s) per link and entry-time bin, and departure delays (s) per first link and departure bin. */
export class TravelTimes {
  /** Index link * bins.count + bin. */
  readonly link: Float64Array;
  readonly delay: Float64Array;
  /** Measurements folded in so far. */
  private measurements = 0;

  constructor(private readonly net: CompiledNetwork, readonly bins: TimeBins) {
    this.link = new Float64Array(net.linkCount * bins.count);
    this.delay = new Float64Array(net.linkCount * bins.count);
    for (let l = 0; l < net.linkCount; l++) this.link.fill(net.linkFreeFlowTime[l], l * bins.count, (l + 1) * bins.count);
  }

  /** Travel time of link `l` for a vehicle entering at time `t`, s. */
  time(l: number, t: number): number {
    return this.link[l * this.bins.count + binOf(this.bins, t)];
  }

  /** Delay between the scheduled departure `t` and entering first link `l`, s. */
  departDelay(l: number, t: number): number {
    return this.delay[l * this.bins.count + binOf(this.bins, t)];
  }

  /** Fold in what `recorder` measured, with weight 1/(n+1) for the n-th measurement (the first replaces free flow). */
  update(recorder: CountRecorder): void {
    const w = 1 / (this.measurements + 1);
    this.measurements++;
    const { travelSum, travelCount, delaySum, delayCount } = recorder;
    for (let cell = 0; cell < this.link.length; cell++) {
      if (travelCount[cell] > 0) {
        // Never faster than free flow (a vehicle cannot cross a link quicker than length / speed).
        const measured = Math.max(travelSum[cell] / travelCount[cell], this.net.linkFreeFlowTime[Math.floor(cell / this.bins.count)]);
        this.link[cell] += w * (measured - this.link[cell]);
      }
      const delay = delayCount[cell] > 0 ? delaySum[cell] / delayCount[cell] : 0;
      this.delay[cell] += w * (delay - this.delay[cell]);
    }
  }

  /**
   * Entry times of the links of `route` for a vehicle scheduled to depart at `t`:
   * `out[j]` = time it enters `route[j]`; `out[route.length]` = time it leaves the last link.
   */
  walk(route: Int32Array, t: number, out: Float64Array): void {
    let time = t + this.departDelay(route[0], t);
    for (let j = 0; j < route.length; j++) {
      out[j] = time;
      time += this.time(route[j], time);
    }
    out[route.length] = time;
  }
}
