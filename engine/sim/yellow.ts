/**
 * Who crosses on yellow: the stopping decision of a vehicle that reaches a
 * signal's stop line during the yellow, moving, with no stopped queue ahead of
 * it on its movement (movements.ts applies it; queued vehicles never cross).
 *
 * A driver who sees the yellow stops if the stop line is at least its braking
 * distance away, and goes on otherwise (the "can it stop?" test of the ITE
 * change-interval model: ITE, Traffic Engineering Handbook, 7th ed., ch. 13,
 * y = t + v / (2a), where v / (2a) is the time to brake from v at a; and SUMO,
 * MSVehicle::planMoveInternal: at a yellow or red link a vehicle brakes when the
 * distance left to the stop line is at least `brakeGap(speed, decel)`, and goes on
 * when it is not, with no reaction time). With a braking distance D(u) at the
 * approach speed u, a vehicle that reaches the line at time t >= Y (yellow onset
 * Y) was u (t - Y) from it at Y, so it cannot stop, and crosses, iff
 *
 *     t - Y < D(u) / u.
 *
 * D(u) is the kinematic u² / (2b) in continuous time (window u / (2b): 1.54 s at
 * 13.89 m/s and SUMO's b = 4.5 m/s²). SUMO integrates with a time step dt
 * (default 1 s, Euler update: the speed falls by b dt per step and the position
 * advances by the new speed), so its brake gap (MSCFModel::brakeGap) is
 *
 *     D(u) = dt (k u - b dt k (k + 1) / 2),   k = floor(u / (b dt)),
 *
 * 14.7 m at 13.89 m/s (window 1.06 s), 0 below b dt. Measured with SUMO 1.15 on
 * an isolated signal (one lane each way, 13.89 m/s, 432 veh/h, 60 s cycle, 3 s
 * yellow, 10 h): 135 vehicles crossed after their green ended, all in the first
 * second or two of the yellow, all moving; the rule above with that D, applied to
 * every vehicle's distance and speed at yellow onset, predicted 135 of 135
 * crossings and 569 of 569 stops (test/io/sumo/yellow-crossing.test.ts compares
 * the count per cycle).
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { dawdleFactor, type VehicleModel } from './losses.js';

/** Braking distance from approach speed `u` (m/s) at deceleration `b` (m/s²), m: u² / (2b), or SUMO's Euler form with time step `dt` (s) when dt > 0. */
export function brakeGap(u: number, b: number, dt: number): number {
  if (!(u > 0) || b === Infinity) return 0;
  if (dt > 0) {
    const k = Math.floor(u / (b * dt));
    return dt * (k * u - (b * dt * k * (k + 1)) / 2);
  }
  return (u * u) / (2 * b);
}

/** How long after yellow onset a vehicle reaching the stop line at speed `u` (m/s) still crosses, s: brakeGap(u, b, dt) / u (0 when it can always stop). */
export function yellowWindow(u: number, b: number, dt: number): number {
  return u > 0 ? brakeGap(u, b, dt) / u : 0;
}

/** Yellow-runner state of a run's movements (struct of arrays, indexed by movement id); movements.ts reads and clears `runner`. */
export class YellowRunners {
  /** When each movement's protected green last turned yellow, s (-Infinity: never). */
  readonly yellowStart: Float64Array;
  /** The vehicle heading each movement's queue that crosses on this yellow, or -1. */
  readonly runner: Int32Array;
  /** Mean approach speed at each movement's stop line before the vehicle's speed factor, m/s: the link speed slowed by dawdling (losses.ts). */
  readonly approachSpeed: Float64Array;
  private readonly decel: number;
  private readonly step: number;

  /** State for the movements of `net` under vehicle class `model` (its `yellowDecel`, else `decel`, and `stepLength`). */
  constructor(net: CompiledNetwork, model: VehicleModel) {
    const k = net.movementCount;
    this.yellowStart = new Float64Array(k).fill(-Infinity);
    this.runner = new Int32Array(k).fill(-1);
    this.approachSpeed = new Float64Array(k);
    for (let e = 0; e < k; e++) {
      const u = net.linkSpeed[net.movementFrom[e]];
      this.approachSpeed[e] = u / (1 + dawdleFactor(model, u));
    }
    this.decel = model.yellowDecel ?? model.decel;
    this.step = model.stepLength ?? 0;
  }

  /** Movement `e`'s protected green turned yellow at `now` (s). */
  onset(e: number, now: number): void {
    this.yellowStart[e] = now;
  }

  /** Vehicle `v` (speed factor `factor`) reached movement `e`'s stop line on its yellow at `now` (s), nobody queued ahead: it runs if it could not have stopped. */
  arrive(e: number, v: number, factor: number, now: number): void {
    if (now - this.yellowStart[e] < yellowWindow(this.approachSpeed[e] * factor, this.decel, this.step)) this.runner[e] = v;
  }

  /**
   * The runner of movement `e` still crossing at `now` (s), or -1. It is dropped once the signal
   * is open again (`open`) or it has waited `halt` s or more at the line (`stopLineTime`): then it
   * has halted, an ordinary queued vehicle.
   */
  current(e: number, now: number, open: boolean, stopLineTime: Float64Array, halt: number): number {
    const v = this.runner[e];
    if (v < 0) return v;
    if (open || now - stopLineTime[v] >= halt) return (this.runner[e] = -1);
    return v;
  }
}
