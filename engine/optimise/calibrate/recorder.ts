/**
 * `CountRecorder`: a simulation observer that counts what detectors at the
 * counted locations would have seen, and measures the travel times the
 * calibration's assignment model needs.
 *
 *  - Link counts: a vehicle is counted when it ENTERS the link (`enter`, which
 *    also fires for the first link of a trip at departure), in the count interval
 *    holding that time; movement counts when it leaves the approach through the
 *    movement (`leave`).
 *  - Link travel times: enter -> leave (or arrive) per link, binned by entry time;
 *    vehicles still on a link when the run ends contribute their time so far (a
 *    lower bound, so a jammed link is not mistaken for a free one).
 *  - Departure delays: scheduled departure -> entry into the first link, binned by
 *    the scheduled time and the first link; trips that never got in by the end
 *    contribute their wait so far.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import type { CountSet } from '../../demand/counts.js';
import type { SimObserver } from '../../sim/observer.js';

/** Time bins of the measured travel times. */
export interface TimeBins {
  /** Start of bin 0, s. */
  start: number;
  /** Bin width, s. */
  width: number;
  /** Number of bins (times outside fall into the first or last). */
  count: number;
}

/** Bin of time `t` (clamped to the bins). */
export function binOf(bins: TimeBins, t: number): number {
  const b = Math.floor((t - bins.start) / bins.width);
  return b < 0 ? 0 : b >= bins.count ? bins.count - 1 : b;
}

/** Row of location `k` of `counts` whose interval holds time `t`, or -1. */
export function rowAt(counts: CountSet, k: number, t: number): number {
  let lo = counts.rowOffsets[k];
  let hi = counts.rowOffsets[k + 1] - 1;
  const rows = counts.rows;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid];
    if (t < r.begin) hi = mid - 1;
    else if (t >= r.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Counts and travel times observed in one simulation run. */
export class CountRecorder implements SimObserver {
  /** Simulated vehicles per count row (same order as `counts.rows`). */
  readonly simulated: Float64Array;
  /** Per (link, bin), index link * bins.count + bin: sum of travel times (s) and number of samples. */
  readonly travelSum: Float64Array;
  readonly travelCount: Float64Array;
  /** Per (first link, bin of scheduled departure): sum of departure delays (s) and samples. */
  readonly delaySum: Float64Array;
  readonly delayCount: Float64Array;
  /** Vehicles that entered the network. */
  departed = 0;
  /** Vehicles that completed their trip. */
  arrived = 0;

  private readonly linkLocation: Int32Array;
  private readonly movementLocation: Int32Array;
  private readonly enteredAt: Float64Array;
  private readonly onLink: Int32Array;
  private readonly entered: Uint8Array;

  constructor(
    net: CompiledNetwork,
    private readonly trips: TripTable,
    private readonly counts: CountSet,
    readonly bins: TimeBins,
  ) {
    this.simulated = new Float64Array(counts.rows.length);
    this.linkLocation = new Int32Array(net.linkCount).fill(-1);
    this.movementLocation = new Int32Array(net.movementCount).fill(-1);
    counts.locations.forEach((loc, k) => {
      if (loc.kind === 'link') this.linkLocation[loc.link] = k;
      else this.movementLocation[loc.movement] = k;
    });
    const cells = net.linkCount * bins.count;
    this.travelSum = new Float64Array(cells);
    this.travelCount = new Float64Array(cells);
    this.delaySum = new Float64Array(cells);
    this.delayCount = new Float64Array(cells);
    this.enteredAt = new Float64Array(trips.count);
    this.onLink = new Int32Array(trips.count).fill(-1);
    this.entered = new Uint8Array(trips.count);
  }

  depart(vehicle: number, link: number, time: number): void {
    this.departed++;
    const cell = link * this.bins.count + binOf(this.bins, this.trips.depart[vehicle]);
    this.delaySum[cell] += time - this.trips.depart[vehicle];
    this.delayCount[cell]++;
  }

  enter(vehicle: number, link: number, time: number): void {
    this.enteredAt[vehicle] = time;
    this.onLink[vehicle] = link;
    this.entered[vehicle] = 1;
    const k = this.linkLocation[link];
    if (k >= 0) {
      const row = rowAt(this.counts, k, time);
      if (row >= 0) this.simulated[row]++;
    }
  }

  leave(vehicle: number, link: number, movement: number, time: number): void {
    this.sample(vehicle, link, time);
    const k = this.movementLocation[movement];
    if (k >= 0) {
      const row = rowAt(this.counts, k, time);
      if (row >= 0) this.simulated[row]++;
    }
  }

  arrive(vehicle: number, link: number, time: number): void {
    this.arrived++;
    this.sample(vehicle, link, time);
    this.onLink[vehicle] = -1;
  }

  end(time: number): void {
    const { trips, bins } = this;
    for (let v = 0; v < trips.count; v++) {
      const l = this.onLink[v];
      if (l >= 0) {
        this.sample(v, l, time);
        this.onLink[v] = -1;
      }
    }
    // Trips due before the end that never entered: their wait so far is a lower bound of their delay.
    for (let v = 0; v < trips.count; v++) {
      if (this.entered[v] || trips.depart[v] >= time || trips.routeOffsets[v + 1] === trips.routeOffsets[v]) continue;
      const first = trips.routeLinks[trips.routeOffsets[v]];
      const cell = first * bins.count + binOf(bins, trips.depart[v]);
      this.delaySum[cell] += time - trips.depart[v];
      this.delayCount[cell]++;
    }
  }

  private sample(vehicle: number, link: number, time: number): void {
    const cell = link * this.bins.count + binOf(this.bins, this.enteredAt[vehicle]);
    this.travelSum[cell] += time - this.enteredAt[vehicle];
    this.travelCount[cell]++;
  }
}
