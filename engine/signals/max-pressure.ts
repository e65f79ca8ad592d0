/**
 * Max-pressure signal control (P. Varaiya, "Max pressure control of a network of
 * signalized intersections", Transportation Research Part C 36, 2013), a policy
 * of the phase sequencer (which runs the yellow and all-red and paints the
 * states, see sequencer.ts).
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
 * With `pressure: 'lanes'` the pressure is the one of the reinforcement-learning
 * literature on CityFlow (e.g. the MaxPressure baseline of PressLight, Wei et
 * al., KDD 2019, and its CityFlow implementations): per movement, the vehicles on
 * its approach bound for it, moving or queued, minus the vehicles on its exit
 * link, summed over the phase's movements, no capacity or turn-ratio weights (and
 * a full exit link still counts). With `interGreen: 'none'`, `minGreen: 0`,
 * `interval: 10` and `ties: 'lowest'` this is that controller: every 10 s each
 * signal shows the eligible phase of largest pressure, ties to the lowest index,
 * with no yellow or all-red between greens.
 *
 * Departures from the paper, both practical: a movement whose exit link is full
 * (no storage left) contributes nothing, as it cannot discharge; and with
 * `useMaxGreen` a phase that has shown maxGreen yields to the best other phase.
 * The offset and the phase durations of the program are not used.
 *
 * Exact arithmetic: pressures are computed in integers, so that a tie is a tie
 * and no order of summation can change a decision. c(l, m) is taken in whole
 * veh/h (the saturation flow x lanes x 3600, rounded: exact for flows given in
 * veh/h) and each turn ratio as a whole multiple of 1 / 720,720 (the least
 * common multiple of 1 to 16, so equal shares over up to 16 movements are
 * exact; demand ratios are rounded, each by less than 1.4e-6, so that equal
 * ratios stay equal and the ratios of a link still sum to exactly 1 wherever
 * both can hold, see `wholeShares`); then
 * 720,720 x 3600 x P(S) is an integer, exact in a float64 (below 2^53 unless
 * about a million vehicles queue around one junction). Ties are exact
 * equality: the phase showing keeps the green when no phase has a strictly larger
 * pressure, else the lowest index of the largest wins (`ties: 'keep'`).
 * Varaiya's policy is any phase of maximal pressure, so the tie rule is a
 * choice within it; his stability result holds for any turn ratios, and rounding
 * the estimated ratios by 1.4e-6 is far below the error of their estimate.
 * (Earlier releases summed floats and called pressures within 1e-9 equal; the
 * choices can differ only where the rounded demand ratios split a tie of the
 * real ones or make one.)
 *
 * In the kernel each phase's pressure is kept current as vehicles join and
 * leave queues (`ControllerView.queueSums`, the sum of its movements' c x w
 * as one form): a decision then checks the junction's exit links for storage
 * and reads one integer per phase, instead of re-reading every movement's
 * queue and the downstream queues.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { laneCount } from '../network/lanes.js';
import { MAX_QUEUE_SUM_COEFFICIENT, type ControllerQueueSums, type ControllerView, type SignalController } from './controller.js';
import type { Phase, SignalProgram } from './program.js';
import { END_GREEN, INTERVAL_GREEN, PhaseSequencer, type PhasePolicy, type SequencerPosition } from './sequencer.js';

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
  /** Minimum green of every phase, s, instead of the program's minGreen. */
  minGreen?: number;
  /** `program` (default): the program's yellow and all-red run between greens; `none`: a green follows the previous at once. */
  interGreen?: 'program' | 'none';
  /**
   * `queues` (default, Varaiya): saturation flow x (stop-line queue - turn-ratio
   * weighted downstream queues); `lanes` (the CityFlow literature): vehicles bound
   * for the movement on its approach, moving or queued, minus vehicles on its exit link.
   */
  pressure?: 'queues' | 'lanes';
  /** Who wins a tie: `keep` (default) the phase showing, then the lowest index; `lowest` the lowest index. */
  ties?: 'keep' | 'lowest';
  /** Indices of the phases that may be chosen (default: all). */
  eligiblePhases?: readonly number[];
}

/** Defaults of {@link MaxPressureOptions}. */
export const DEFAULT_MAX_PRESSURE_OPTIONS: Readonly<{ interval: number; useMaxGreen: boolean; interGreen: 'program'; pressure: 'queues'; ties: 'keep' }> = {
  interval: 5, useMaxGreen: false, interGreen: 'program', pressure: 'queues', ties: 'keep',
};

/** Tolerance of time comparisons, s. */
const EPS = 1e-9;
/** Turn ratios are used as whole multiples of 1 / RATIO_UNITS (lcm of 1 to 16: equal shares over up to 16 movements are exact). */
const RATIO_UNITS = 720720;
/** Saturation flows are used in whole veh/h. */
const PER_HOUR = 3600;

/**
 * Turn ratios `ratio(0 .. n-1)` (summing to 1) as whole numbers of `units`:
 * each rounded down, then the units left over go one each to the members of
 * some groups of equal ratios (equal ratios keep equal shares), the groups
 * whose sizes add up to exactly the units left over with the largest remainders
 * in all (every share stays within one unit of its ratio). So the shares sum to
 * exactly `units` whenever the groups allow it: equal downstream queues weigh
 * exactly as much as one of them (x - sum r x is 0 when every queue is x), and
 * swapping the queues of two equal ratios changes nothing.
 */
function wholeShares(n: number, units: number, ratio: (k: number) => number): number[] {
  const raw = new Array<number>(n);
  const shares = new Array<number>(n);
  let left = units;
  for (let k = 0; k < n; k++) {
    raw[k] = ratio(k) * units;
    shares[k] = Math.floor(raw[k]);
    left -= shares[k];
  }
  if (left <= 0) return shares;
  // Groups of equal ratios, in order of first appearance: group of each ratio, and per group its ratio (x units), size and remainder.
  const groupOf = new Array<number>(n);
  const value: number[] = [];
  const size: number[] = [];
  const remainder: number[] = [];
  for (let k = 0; k < n; k++) {
    let g = 0;
    while (g < size.length && value[g] !== raw[k]) g++;
    if (g === size.length) {
      value.push(raw[k]);
      size.push(0);
      remainder.push(raw[k] - shares[k]);
    }
    size[g]++;
    groupOf[k] = g;
  }
  const groups = size.length;
  if (groups > 16) return shares;
  let chosen = -1;
  let most = -Infinity;
  for (let set = 1; set < 1 << groups; set++) {
    let count = 0;
    let sum = 0;
    for (let g = 0; g < groups; g++) {
      if ((set & (1 << g)) === 0) continue;
      count += size[g];
      sum += size[g] * remainder[g];
    }
    if (count === left && sum > most) {
      most = sum;
      chosen = set;
    }
  }
  // (No set of the right size leaves `chosen` at -1, all of whose bits are set: every share then takes one more unit.)
  for (let k = 0; k < n; k++) if ((chosen & (1 << groupOf[k])) !== 0) shares[k]++;
  return shares;
}

/**
 * The max-pressure policy of one program: which phase has the largest pressure, decided every interval.
 *
 * Cost: with the kernel's view, every eligible phase's pressure over all its
 * movements is a queue sum (`ControllerView.queueSums`) the kernel updates when
 * one of its queues changes, so a decision checks the distinct exit links of
 * the movements for storage (4 at a grid junction) and, when none is full
 * (every decision of the bench grid and the bundled scenarios), reads one
 * integer per phase: the same integer as the sum over the movements, which is
 * exact in any order. (Queue sums per movement, summed per phase at each
 * decision, read twelve movements and their exits at a grid junction: one
 * sum per phase instead made a max-pressure run of the 10x10 bench grid 2-3%
 * faster, 30 interleaved pairs; the queue changes update as many forms as
 * before where each movement shows in one phase.) With a full
 * exit, or without queue sums (a view of your own), each w is computed from the
 * queues at the decision, with the same integers. No allocation per decision.
 */
class MaxPressurePolicy implements PhasePolicy {
  readonly name = 'max-pressure controller';
  readonly minClearance = EPS * 1e3;
  private readonly phases: readonly Phase[];
  private readonly interval: number;
  private readonly useMaxGreen: boolean;
  /** Distinct movements of the phases (first-seen order) and their exit link. */
  private readonly moves: Int32Array;
  private readonly exit: Int32Array;
  /**
   * Per distinct movement u (CSR over `termOffsets`): the terms of
   * RATIO_UNITS x PER_HOUR x c x w as integer coefficients of queue lengths: its
   * own queue first, then the downstream movements (see the file header).
   */
  private readonly termOffsets: Int32Array;
  private readonly termMovements: Int32Array;
  private readonly termCoefficients: Float64Array;
  /** Per distinct movement at the last decision: RATIO_UNITS x PER_HOUR x c x w (or, for the lanes pressure, its w), and 1 when its exit link is full (queues pressure: it counts nothing). */
  private readonly w: Float64Array;
  private readonly full: Uint8Array;
  /** Per phase (CSR over `phaseOffsets`): the index in `moves` of each of its movements. */
  private readonly phaseOffsets: Int32Array;
  private readonly phaseSlots: Int32Array;
  private readonly pressures: Float64Array;
  /** Distinct exit links of the movements: a phase sum counts only while none is full. */
  private readonly exits: Int32Array;
  /** The kernel's queue sums holding each phase's pressure (its movements' c x w, none left out; 0 for a phase not eligible) from index `sumBase`, once registered (`start`). */
  private sums: ControllerQueueSums | undefined;
  private sumBase = 0;
  private readonly lanes: boolean;
  private readonly keepTies: boolean;
  private readonly eligible: Uint8Array;
  private readonly minGreen: number | undefined;
  private greenStart = 0;
  /** Phase chosen when the current green ended; it turns green after the clearance. */
  private target = 0;

  constructor(net: CompiledNetwork, program: SignalProgram, options: MaxPressureOptions) {
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
    const oneOf = <T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T => {
      if (value === undefined) return fallback;
      if (!allowed.includes(value)) throw new UsageError(`max-pressure controller: options.${name} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${JSON.stringify(value)}`);
      return value;
    };
    this.lanes = oneOf('pressure', options.pressure, ['queues', 'lanes'], 'queues') === 'lanes';
    this.keepTies = oneOf('ties', options.ties, ['keep', 'lowest'], 'keep') === 'keep';
    if (options.minGreen !== undefined && !(typeof options.minGreen === 'number' && Number.isFinite(options.minGreen) && options.minGreen >= 0)) {
      throw new UsageError(`max-pressure controller: options.minGreen must be a finite number >= 0, got ${String(options.minGreen)}`);
    }
    this.minGreen = options.minGreen;
    this.eligible = new Uint8Array(program.phases.length).fill(options.eligiblePhases === undefined ? 1 : 0);
    for (const i of options.eligiblePhases ?? []) {
      if (!Number.isInteger(i) || i < 0 || i >= program.phases.length) {
        throw new UsageError(`max-pressure controller: options.eligiblePhases must list phase indices 0 to ${program.phases.length - 1}, got ${JSON.stringify(i)}`);
      }
      this.eligible[i] = 1;
    }
    if (!this.eligible.includes(1)) throw new UsageError('max-pressure controller: options.eligiblePhases lists no phase');
    this.phases = program.phases;
    const slotOf = new Map<number, number>();
    const moves: number[] = [];
    const phaseOffsets = [0];
    const slots: number[] = [];
    for (const p of program.phases) {
      for (const e of new Set([...p.green, ...p.permissive])) {
        let slot = slotOf.get(e);
        if (slot === undefined) {
          slot = moves.length;
          slotOf.set(e, slot);
          moves.push(e);
        }
        slots.push(slot);
      }
      phaseOffsets.push(slots.length);
    }
    this.moves = Int32Array.from(moves);
    this.exit = Int32Array.from(moves, (e) => net.movementTo[e]);
    this.phaseOffsets = Int32Array.from(phaseOffsets);
    this.phaseSlots = Int32Array.from(slots);
    this.exits = Int32Array.from(new Set(this.exit));
    // c in whole veh/h; ratios in whole 1/RATIO_UNITS (fewer units only if a capacity is so large that the products would leave the exact range).
    const capacity = moves.map((e) => Math.round(net.linkSaturationFlow[net.movementFrom[e]] * Math.max(1, laneCount(net.movementLaneMask[e])) * PER_HOUR));
    const largest = Math.max(1, ...capacity);
    if (largest > MAX_QUEUE_SUM_COEFFICIENT) throw new UsageError(`max-pressure controller: a movement of junction ${program.junction} has a saturation flow of ${largest} veh/h, more than the ${MAX_QUEUE_SUM_COEFFICIENT} veh/h exact pressures allow`);
    const units = largest * RATIO_UNITS <= MAX_QUEUE_SUM_COEFFICIENT ? RATIO_UNITS : 2 ** Math.floor(Math.log2(MAX_QUEUE_SUM_COEFFICIENT / largest));
    const offsets = [0];
    const terms: number[] = [];
    const coefficients: number[] = [];
    // The shares of an exit link's movements depend on the link alone: computed once per link (several movements exit to each).
    const sharesOf = new Map<number, number[]>();
    for (let u = 0; u < moves.length; u++) {
      const e = moves[u];
      terms.push(e);
      coefficients.push(capacity[u] * units);
      const b = net.movementTo[e];
      const first = net.movementOffsets[b];
      const last = net.movementOffsets[b + 1];
      let shares = sharesOf.get(b);
      if (shares === undefined) {
        let total = 0;
        if (ratios !== undefined) for (let f = first; f < last; f++) total += Math.max(0, ratios[f]);
        shares = wholeShares(last - first, units, (k) => (total > 0 && ratios !== undefined ? Math.max(0, ratios[first + k]) / total : 1 / (last - first)));
        sharesOf.set(b, shares);
      }
      for (let k = 0; k < shares.length; k++) {
        if (shares[k] === 0) continue;
        terms.push(first + k);
        coefficients.push(-capacity[u] * shares[k]);
      }
      offsets.push(terms.length);
    }
    this.termOffsets = Int32Array.from(offsets);
    this.termMovements = Int32Array.from(terms);
    this.termCoefficients = Float64Array.from(coefficients);
    this.w = new Float64Array(moves.length);
    this.full = new Uint8Array(moves.length);
    this.pressures = new Float64Array(program.phases.length);
  }

  /**
   * Every distinct movement's c x w now, as the integer RATIO_UNITS x PER_HOUR x
   * c(l, m) x (x(l, m) - sum of r(m, p) x(m, p)), with `full` set when its exit
   * link has no storage left (Varaiya 2013, see the file header), computed from
   * the queues; or, for the lanes pressure, vehicles bound for it minus vehicles
   * on its exit.
   */
  private weigh(view: ControllerView): void {
    const { moves, exit, w, full } = this;
    if (this.lanes) {
      if (view.movementVehicles === undefined || view.linkVehiclesPresent === undefined) {
        throw new UsageError('max-pressure controller: pressure "lanes" needs a view that counts vehicles on lanes (movementVehicles, linkVehiclesPresent)');
      }
      for (let u = 0; u < moves.length; u++) w[u] = view.movementVehicles(moves[u]) - view.linkVehiclesPresent(exit[u]);
      return;
    }
    const counts = view.counts;
    if (counts !== undefined) {
      const { linkVehicles, linkStorage } = counts;
      for (let u = 0; u < moves.length; u++) full[u] = linkVehicles[exit[u]] >= linkStorage[exit[u]] ? 1 : 0;
    } else {
      for (let u = 0; u < moves.length; u++) full[u] = view.linkVehicles(exit[u]) >= view.linkStorage(exit[u]) ? 1 : 0;
    }
    const offsets = this.termOffsets;
    const terms = this.termMovements;
    const coefficients = this.termCoefficients;
    const queueLength = counts?.queueLength;
    for (let u = 0; u < moves.length; u++) {
      let x = 0;
      for (let k = offsets[u], end = offsets[u + 1]; k < end; k++) x += coefficients[k] * (queueLength !== undefined ? queueLength[terms[k]] : view.queueLength(terms[k]));
      w[u] = x;
    }
  }

  /**
   * Pressure of phase `i` from the weights of the last `weigh`, an integer
   * (RATIO_UNITS x PER_HOUR x veh²/s; or the lanes pressure, vehicles): the sum
   * over its movements, exact in any order.
   */
  private pressure(i: number): number {
    const { phaseSlots, w, full } = this;
    let p = 0;
    if (this.lanes) {
      for (let k = this.phaseOffsets[i], end = this.phaseOffsets[i + 1]; k < end; k++) p += w[phaseSlots[k]];
      return p;
    }
    for (let k = this.phaseOffsets[i], end = this.phaseOffsets[i + 1]; k < end; k++) {
      const u = phaseSlots[k];
      if (full[u] === 0) p += w[u];
    }
    return p;
  }

  /** Phase of largest pressure (exact integers); `keep` wins ties, then the lowest index. `exclude` is never chosen (-1: none). */
  private best(view: ControllerView, keep: number, exclude: number): number {
    const pressures = this.pressures;
    if (!this.sumPressures(view)) {
      this.weigh(view);
      for (let i = 0; i < pressures.length; i++) if (this.eligible[i] === 1) pressures[i] = this.pressure(i);
    }
    let best = -1;
    let top = -Infinity;
    for (let i = 0; i < pressures.length; i++) {
      if (this.eligible[i] === 0) continue;
      const p = pressures[i];
      if (i !== exclude && p > top) {
        top = p;
        best = i;
      }
    }
    if (this.keepTies && keep >= 0 && keep !== exclude && this.eligible[keep] === 1 && pressures[keep] >= top) return keep;
    return best >= 0 ? best : keep >= 0 ? keep : exclude; // no other eligible phase: stay
  }

  /**
   * The kernel's path of `weigh` and `pressure` (queues pressure, a view with
   * the phase sums registered): when every exit link of the movements has
   * storage left, each eligible phase's pressure is its queue sum, the same
   * integer as `pressure` gives (exact in any order). False, doing nothing, for
   * any other view or when an exit is full (then `weigh` computes the movements
   * from the queues, leaving out those whose exit is full).
   */
  private sumPressures(view: ControllerView): boolean {
    const sums = this.sums;
    if (sums === undefined || view.queueSums !== sums) return false;
    const exits = this.exits;
    const counts = view.counts;
    if (counts !== undefined) {
      const { linkVehicles, linkStorage } = counts;
      for (let k = 0; k < exits.length; k++) if (linkVehicles[exits[k]] >= linkStorage[exits[k]]) return false;
    } else {
      for (let k = 0; k < exits.length; k++) if (view.linkVehicles(exits[k]) >= view.linkStorage(exits[k])) return false;
    }
    const values = sums.values;
    const base = this.sumBase;
    const { eligible, pressures } = this;
    for (let i = 0; i < pressures.length; i++) if (eligible[i] === 1) pressures[i] = values[base + i];
    return true;
  }

  /** Have the kernel keep every eligible phase's pressure current (queues pressure, a view with queue sums), once per view: one form per phase, the terms of its movements' c x w. */
  private register(view: ControllerView): void {
    const sums = view.queueSums;
    if (this.lanes || sums === undefined || sums === this.sums) return;
    const { phaseOffsets, phaseSlots, termOffsets, termMovements, termCoefficients, eligible } = this;
    const phases = phaseOffsets.length - 1;
    let terms = 0;
    for (let i = 0; i < phases; i++) {
      if (eligible[i] === 0) continue;
      for (let k = phaseOffsets[i]; k < phaseOffsets[i + 1]; k++) terms += termOffsets[phaseSlots[k] + 1] - termOffsets[phaseSlots[k]];
    }
    const offsets = new Int32Array(phases + 1);
    const movements = new Int32Array(terms);
    const coefficients = new Float64Array(terms);
    let at = 0;
    for (let i = 0; i < phases; i++) {
      if (eligible[i] === 1) {
        for (let k = phaseOffsets[i]; k < phaseOffsets[i + 1]; k++) {
          for (let t = termOffsets[phaseSlots[k]], end = termOffsets[phaseSlots[k] + 1]; t < end; t++) {
            movements[at] = termMovements[t];
            coefficients[at] = termCoefficients[t];
            at++;
          }
        }
      }
      offsets[i + 1] = at;
    }
    this.sumBase = sums.add(offsets, movements, coefficients);
    this.sums = sums;
  }

  start(_now: number, view: ControllerView, at: SequencerPosition): void {
    this.register(view);
    at.phase = this.best(view, -1, -1);
    at.kind = INTERVAL_GREEN;
  }

  greenStarted(i: number, now: number): number {
    this.greenStart = now;
    return now + Math.max(this.minGreen ?? this.phases[i].minGreen, this.interval);
  }

  decide(i: number, now: number, view: ControllerView): number {
    const p = this.phases[i];
    const capped = this.useMaxGreen && this.phases.length > 1;
    const maxedOut = capped && now - this.greenStart >= p.maxGreen - EPS;
    const choice = this.best(view, maxedOut ? -1 : i, maxedOut ? i : -1);
    if (choice !== i) {
      this.target = choice;
      return END_GREEN;
    }
    const next = now + this.interval;
    return capped ? Math.min(next, Math.max(this.greenStart + p.maxGreen, now + EPS * 1e3)) : next;
  }

  nextPhase(): number {
    return this.target;
  }
}

/**
 * A max-pressure controller (Varaiya 2013) on the phases of `program`; `net`
 * gives the movements' saturation flows and the downstream movements. See the
 * file header for the policy. `advance` must be called exactly at each returned
 * time, else it throws `UsageError`; bad options throw `UsageError`.
 */
export function createMaxPressureController(net: CompiledNetwork, program: SignalProgram, options: MaxPressureOptions = {}): SignalController {
  if (program.phases.length === 0) throw new UsageError('createMaxPressureController: the program has no phases');
  const interGreen = options.interGreen ?? DEFAULT_MAX_PRESSURE_OPTIONS.interGreen;
  if (interGreen !== 'program' && interGreen !== 'none') throw new UsageError(`max-pressure controller: options.interGreen must be "program" or "none", got ${JSON.stringify(interGreen)}`);
  const run = interGreen === 'none' ? { ...program, phases: program.phases.map((p) => ({ ...p, yellow: 0, allRed: 0 })) } : program;
  return new PhaseSequencer(run, new MaxPressurePolicy(net, run, options));
}
