/**
 * `LinkTimeRecorder`: a simulation observer that measures experienced travel
 * times by entry-time interval, per movement (turn) and per last link, the costs
 * the next route choice of a dynamic assignment sees (`IntervalCosts`,
 * routing/time-dependent.ts).
 *
 *  - A movement sample is enter -> leave through that movement; an arrival
 *    sample is enter -> arrive on a trip's last link. Both are filed under the
 *    interval of the entry time.
 *  - Vehicles still on a link when the run ends (unfinished, or stuck in a
 *    gridlock) contribute the time spent so far to the movement their route takes
 *    next (or to the arrival of their last link): a lower bound, so a jammed turn
 *    never looks free.
 *  - A cell with no sample takes the largest of: free flow; what a vehicle
 *    entering at the interval's start would have met behind the vehicles then on
 *    the link bound the same way (the latest leave time among them minus the
 *    interval start, FIFO); and, for a movement, the mean time of the link's
 *    movements that share a lane with it in that interval (a turn nobody took
 *    waits in the same lanes as those that were taken; a turn with lanes of its
 *    own does not). So a turn blocked through a whole interval, or untried behind
 *    a jammed shared lane, keeps its cost instead of looking free.
 *  - Every cost is at least the free-flow time of the approach link through the
 *    movement: the link's plus the movement's time offset (clamped at 0; SUMO
 *    imports give each turn its own crossing time, see
 *    `CompiledNetwork.movementTimeOffset`). The kernel drives a link in that
 *    time for the movement taken next, so a measured movement time holds the
 *    movement's own offset once, and route costs (sums of movement times) count
 *    each turn's crossing once: nothing is added on top. An unsampled turn
 *    borrowed from the movements sharing its lanes takes their times less their
 *    offsets, plus its own.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import type { IntervalCosts } from '../../routing/time-dependent.js';
import type { SimObserver } from '../../sim/observer.js';

/** Experienced movement and last-link travel times of one run, by entry interval. */
export class LinkTimeRecorder implements SimObserver {
  // Per (interval, movement) and per (interval, link) for arrivals: sums, counts, and FIFO spans (s).
  private readonly moveSum: Float64Array;
  private readonly moveCount: Float64Array;
  private readonly arriveSum: Float64Array;
  private readonly arriveCount: Float64Array;
  /** Per (interval, movement) and (interval, link) for arrivals: latest leave time minus the interval's start over vehicles on the link then, bound the same way, s. */
  private readonly moveSpan: Float64Array;
  private readonly arriveSpan: Float64Array;
  private readonly enteredAt: Float64Array;
  private readonly onLink: Int32Array;
  /** Links entered so far per vehicle (the position on its route). */
  private readonly entered: Int32Array;
  private readonly m: number;
  private readonly M: number;

  /**
   * Record on `net` for the vehicles of `trips` (their routes say where an
   * unfinished vehicle was going), intervals of `width` s from `start`; times
   * after the last interval fall into it.
   */
  constructor(
    private readonly net: CompiledNetwork, private readonly trips: TripTable, readonly start: number, readonly width: number, readonly intervals: number,
    /** Record only the vehicles marked 1 here (a sample of the travellers); default every vehicle. */
    private readonly only?: Uint8Array,
  ) {
    this.m = net.linkCount;
    this.M = net.movementCount;
    this.moveSum = new Float64Array(this.M * intervals);
    this.moveCount = new Float64Array(this.M * intervals);
    this.arriveSum = new Float64Array(this.m * intervals);
    this.arriveCount = new Float64Array(this.m * intervals);
    this.moveSpan = new Float64Array(this.M * intervals);
    this.arriveSpan = new Float64Array(this.m * intervals);
    this.enteredAt = new Float64Array(trips.count);
    this.onLink = new Int32Array(trips.count).fill(-1);
    this.entered = new Int32Array(trips.count);
  }

  enter(vehicle: number, link: number, time: number): void {
    if (this.only !== undefined && this.only[vehicle] === 0) return;
    this.enteredAt[vehicle] = time;
    this.onLink[vehicle] = link;
    this.entered[vehicle]++;
  }

  leave(vehicle: number, _link: number, movement: number, time: number): void {
    if (this.only !== undefined && this.only[vehicle] === 0) return;
    this.sampleMovement(vehicle, movement, time);
  }

  arrive(vehicle: number, link: number, time: number): void {
    if (this.only !== undefined && this.only[vehicle] === 0) return;
    this.sampleArrival(vehicle, link, time);
    this.onLink[vehicle] = -1;
  }

  end(time: number): void {
    const { onLink, trips, net } = this;
    for (let v = 0; v < onLink.length; v++) {
      const l = onLink[v];
      if (l < 0) continue;
      const next = trips.routeOffsets[v] + this.entered[v];
      const x = next < trips.routeOffsets[v + 1] ? net.movementBetween(l, trips.routeLinks[next]) : -1;
      if (x >= 0) this.sampleMovement(v, x, time);
      else this.sampleArrival(v, l, time);
      onLink[v] = -1;
    }
  }

  /**
   * The measured costs (see the module header); new arrays each call. With
   * `by: 'link'` every sampled movement of a link in an interval takes the
   * link's mean over all its movements' samples (each less its turn's time
   * offset) plus its own offset: the turn-blind edge travel times SUMO's
   * duaIterate.py routes on (edgeData per edge; the turns differ by their
   * free-flow crossing times only).
   */
  costs(by: 'movement' | 'link' = 'movement'): IntervalCosts {
    const { m, M, intervals, moveSum, moveCount, arriveSum, arriveCount, moveSpan, arriveSpan } = this;
    const { linkFreeFlowTime: free, movementOffsets, movementLaneMask: mask, movementTimeOffset: offset } = this.net;
    const movement = new Float64Array(M * intervals);
    const arrival = new Float64Array(m * intervals);
    for (let i = 0; i < intervals; i++) {
      for (let l = 0; l < m; l++) {
        const c = i * m + l;
        arrival[c] = Math.max(free[l], arriveCount[c] > 0 ? arriveSum[c] / arriveCount[c] : arriveSpan[c]);
        for (let x = movementOffsets[l], end = movementOffsets[l + 1]; x < end; x++) {
          const cx = i * M + x;
          const least = Math.max(0, free[l] + offset[x]);
          if (by === 'link' && moveCount[cx] > 0) {
            let sum = 0;
            let count = 0;
            for (let y = movementOffsets[l]; y < end; y++) { sum += moveSum[i * M + y] - moveCount[i * M + y] * offset[y]; count += moveCount[i * M + y]; }
            movement[cx] = Math.max(least, sum / count + offset[x]);
            continue;
          }
          if (moveCount[cx] > 0) {
            movement[cx] = Math.max(least, moveSum[cx] / moveCount[cx]);
            continue;
          }
          // No sample: the movements sharing a lane with x in this interval, or what the vehicles on it then met.
          let sum = 0;
          let count = 0;
          for (let y = movementOffsets[l]; y < end; y++) {
            if ((mask[y] & mask[x]) !== 0) { sum += moveSum[i * M + y] - moveCount[i * M + y] * offset[y]; count += moveCount[i * M + y]; }
          }
          movement[cx] = Math.max(least, moveSpan[cx], count > 0 ? sum / count + offset[x] : 0);
        }
      }
    }
    return { start: this.start, width: this.width, intervals, movement, arrival };
  }

  private intervalOf(t: number): number {
    const i = Math.floor((t - this.start) / this.width);
    return i < 0 ? 0 : i >= this.intervals ? this.intervals - 1 : i;
  }

  private sampleMovement(vehicle: number, movement: number, time: number): void {
    this.sample(this.moveSum, this.moveCount, this.moveSpan, this.M, movement, vehicle, time);
  }

  private sampleArrival(vehicle: number, link: number, time: number): void {
    this.sample(this.arriveSum, this.arriveCount, this.arriveSpan, this.m, link, vehicle, time);
  }

  /** One traversal of `id` (a movement or a link's arrivals; `per` ids an interval) by `vehicle`, ending at `time`: counted in the interval it entered. */
  private sample(sums: Float64Array, counts: Float64Array, spans: Float64Array, per: number, id: number, vehicle: number, time: number): void {
    const first = this.intervalOf(this.enteredAt[vehicle]);
    const c = first * per + id;
    sums[c] += time - this.enteredAt[vehicle];
    counts[c]++;
    this.span(spans, per, id, first, time);
  }

  /** Intervals after `first` that started while the vehicle was on its link, up to `time`: it bounds what an entrant then would meet. */
  private span(spans: Float64Array, per: number, id: number, first: number, time: number): void {
    const last = this.intervalOf(time);
    for (let k = first + 1; k <= last; k++) {
      const s = this.start + k * this.width;
      if (s > time) break;
      const c = k * per + id;
      if (time - s > spans[c]) spans[c] = time - s;
    }
  }
}
