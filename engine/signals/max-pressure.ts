/**
 * Max-pressure signal control (P. Varaiya, "Max pressure control of a network of
 * signalized intersections", Transportation Research Part C 36, 2013).
 *
 * Every control interval the controller computes, for each phase S of its
 * program, the pressure
 *
 *     P(S) = sum over movements (l, m) shown in S of c(l, m) x w(l, m),
 *     w(l, m) = x(l, m) - sum over movements (m, p) of r(m, p) x(m, p),
 *
 * where x(l, m) is the queue of vehicles on link l waiting to turn into m (the
 * kernel's movement queue at the stop line), c(l, m) the movement's saturation
 * flow (veh/s: the approach's saturation flow per lane x the lanes serving the
 * movement) and r(m, p) the turn ratio from m into p (default: equal shares over
 * m's movements; `turnRatios` gives them, e.g. from `movementTurnRatios` of the
 * demand). A link leaving the network has no downstream queues (w = x). It then
 * shows the phase of largest pressure (Varaiya's policy), keeping the current one
 * when it is among the largest; a switch runs the current phase's yellow and
 * all-red first, and a green lasts at least its minGreen (and one interval).
 *
 * Departures from the paper, both practical: a movement whose exit link is full
 * (no storage left) contributes nothing, as it cannot discharge; and with
 * `useMaxGreen` a phase that has shown maxGreen yields to the best other phase.
 * The offset and the phase durations of the program are not used.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { SIGNAL_GREEN, SIGNAL_PERMISSIVE, SIGNAL_RED, SIGNAL_YELLOW, type ControllerView, type SignalController } from './controller.js';
import type { Phase, SignalProgram } from './program.js';

/** Options of {@link createMaxPressureController}. */
export interface MaxPressureOptions {
  /** Control interval: time between decisions once minGreen has passed, s. Default 5. */
  interval?: number;
  /**
   * Turn ratio of every movement (index = movement id): the share of its approach
   * link's vehicles taking it. Used for the downstream term. Default: equal shares.
   */
  turnRatios?: ArrayLike<number>;
  /** End a green at its phase's maxGreen even if it still has the largest pressure. Default false (Varaiya). */
  useMaxGreen?: boolean;
}

/** Defaults of {@link MaxPressureOptions}. */
export const DEFAULT_MAX_PRESSURE_OPTIONS: Readonly<{ interval: number; useMaxGreen: boolean }> = { interval: 5, useMaxGreen: false };

const GREEN = 0;
const YELLOW = 1;
const ALL_RED = 2;
/** Tolerance of pressure and time comparisons. */
const EPS = 1e-9;

function paint(states: Uint8Array, ids: Int32Array, value: number): void {
  for (let i = 0; i < ids.length; i++) states[ids[i]] = value;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) c++;
  return c;
}

class MaxPressureController implements SignalController {
  readonly junction: number;
  private readonly phases: readonly Phase[];
  private readonly movements: Int32Array | undefined;
  private readonly interval: number;
  private readonly useMaxGreen: boolean;
  /** Per phase: its movements, their weight c (veh/s), exit link, and downstream movements with ratios (CSR). */
  private readonly phaseMovements: Int32Array[];
  private readonly weight: Float64Array[];
  private readonly exit: Int32Array[];
  private readonly downOffsets: Int32Array[];
  private readonly downMovements: Int32Array[];
  private readonly downRatios: Float64Array[];
  private readonly pressures: Float64Array;
  private current = -1;
  private kind = GREEN;
  private greenStart = 0;
  private target = 0;
  private next = NaN;

  constructor(net: CompiledNetwork, program: SignalProgram, options: MaxPressureOptions) {
    if (program.phases.length === 0) throw new UsageError('createMaxPressureController: the program has no phases');
    const interval = options.interval ?? DEFAULT_MAX_PRESSURE_OPTIONS.interval;
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
      throw new UsageError(`max-pressure controller: options.interval must be a finite number > 0, got ${String(interval)}`);
    }
    const ratios = options.turnRatios;
    if (ratios !== undefined && ratios.length !== net.movementCount) {
      throw new UsageError(`max-pressure controller: options.turnRatios must have one entry per movement (${net.movementCount}), got ${ratios.length}`);
    }
    this.interval = interval;
    this.useMaxGreen = options.useMaxGreen ?? DEFAULT_MAX_PRESSURE_OPTIONS.useMaxGreen;
    this.junction = program.junction;
    this.phases = program.phases;
    this.movements = program.movements;
    this.phaseMovements = program.phases.map((p) => Int32Array.from(new Set([...p.green, ...p.permissive])));
    this.weight = this.phaseMovements.map((ids) => Float64Array.from(ids, (e) => net.linkSaturationFlow[net.movementFrom[e]] * Math.max(1, popcount(net.movementLaneMask[e]))));
    this.exit = this.phaseMovements.map((ids) => Int32Array.from(ids, (e) => net.movementTo[e]));
    this.downOffsets = [];
    this.downMovements = [];
    this.downRatios = [];
    for (const ids of this.phaseMovements) {
      const offsets = [0];
      const down: number[] = [];
      const r: number[] = [];
      for (const e of ids) {
        const b = net.movementTo[e];
        const first = net.movementOffsets[b];
        const last = net.movementOffsets[b + 1];
        let total = 0;
        if (ratios !== undefined) for (let f = first; f < last; f++) total += Math.max(0, ratios[f]);
        for (let f = first; f < last; f++) {
          down.push(f);
          r.push(total > 0 && ratios !== undefined ? Math.max(0, ratios[f]) / total : 1 / (last - first));
        }
        offsets.push(down.length);
      }
      this.downOffsets.push(Int32Array.from(offsets));
      this.downMovements.push(Int32Array.from(down));
      this.downRatios.push(Float64Array.from(r));
    }
    this.pressures = new Float64Array(program.phases.length);
  }

  get phase(): number {
    return this.current;
  }

  /** Pressure of phase `i` now (Varaiya 2013, see the file header), veh²/s. */
  pressure(i: number, view: ControllerView): number {
    const ids = this.phaseMovements[i];
    const weight = this.weight[i];
    const exit = this.exit[i];
    const offsets = this.downOffsets[i];
    const down = this.downMovements[i];
    const r = this.downRatios[i];
    let p = 0;
    for (let k = 0; k < ids.length; k++) {
      const b = exit[k];
      if (view.linkVehicles(b) >= view.linkStorage(b)) continue; // cannot discharge
      let w = view.queueLength(ids[k]);
      for (let q = offsets[k], end = offsets[k + 1]; q < end; q++) w -= r[q] * view.queueLength(down[q]);
      p += weight[k] * w;
    }
    return p;
  }

  /** Phase of largest pressure; `keep` wins ties, then the lowest index. `exclude` is never chosen (-1: none). */
  private best(view: ControllerView, keep: number, exclude: number): number {
    let best = -1;
    let top = -Infinity;
    for (let i = 0; i < this.phases.length; i++) {
      const p = this.pressure(i, view);
      this.pressures[i] = p;
      if (i !== exclude && p > top + EPS) {
        top = p;
        best = i;
      }
    }
    if (keep >= 0 && keep !== exclude && this.pressures[keep] >= top - EPS) return keep;
    return best;
  }

  start(now: number, states: Uint8Array, view: ControllerView): number {
    if (!Number.isFinite(now)) throw new UsageError(`max-pressure controller: start time must be finite, got ${now}`);
    if (this.movements !== undefined) paint(states, this.movements, SIGNAL_RED);
    for (const p of this.phases) {
      paint(states, p.green, SIGNAL_RED);
      paint(states, p.permissive, SIGNAL_RED);
    }
    return this.beginGreen(this.best(view, -1, -1), now, states);
  }

  advance(now: number, states: Uint8Array, view: ControllerView): number {
    if (now !== this.next) {
      throw new UsageError(
        this.current < 0
          ? 'max-pressure controller: advance() called before start()'
          : `max-pressure controller of junction ${this.junction}: advance(${now}) but the next decision is at ${this.next}`,
      );
    }
    const p = this.phases[this.current];
    if (this.kind === GREEN) {
      const maxedOut = this.useMaxGreen && this.phases.length > 1 && now - this.greenStart >= p.maxGreen - EPS;
      const choice = this.best(view, maxedOut ? -1 : this.current, maxedOut ? this.current : -1);
      if (choice === this.current) {
        let next = now + this.interval;
        if (this.useMaxGreen && this.phases.length > 1) next = Math.min(next, Math.max(this.greenStart + p.maxGreen, now + EPS * 1e3));
        return (this.next = next);
      }
      this.target = choice;
      if (p.yellow > 0) {
        this.kind = YELLOW;
        paint(states, p.green, SIGNAL_YELLOW);
        paint(states, p.permissive, SIGNAL_YELLOW);
        return (this.next = now + p.yellow);
      }
      paint(states, p.green, SIGNAL_RED);
      paint(states, p.permissive, SIGNAL_RED);
      this.kind = ALL_RED;
      return (this.next = now + (p.allRed > 0 ? p.allRed : EPS * 1e3));
    }
    if (this.kind === YELLOW) {
      paint(states, p.green, SIGNAL_RED);
      paint(states, p.permissive, SIGNAL_RED);
      if (p.allRed > 0) {
        this.kind = ALL_RED;
        return (this.next = now + p.allRed);
      }
    }
    return this.beginGreen(this.target, now, states);
  }

  private beginGreen(i: number, now: number, states: Uint8Array): number {
    const p = this.phases[i];
    this.current = i;
    this.kind = GREEN;
    this.greenStart = now;
    paint(states, p.green, SIGNAL_GREEN);
    paint(states, p.permissive, SIGNAL_PERMISSIVE);
    return (this.next = now + Math.max(p.minGreen, this.interval));
  }
}

/**
 * A max-pressure controller (Varaiya 2013) on the phases of `program`; `net`
 * gives the movements' saturation flows and the downstream movements. See the
 * file header for the policy. `advance` must be called exactly at each returned
 * time, else it throws `UsageError`; bad options throw `UsageError`.
 */
export function createMaxPressureController(net: CompiledNetwork, program: SignalProgram, options: MaxPressureOptions = {}): SignalController {
  return new MaxPressureController(net, program, options);
}
