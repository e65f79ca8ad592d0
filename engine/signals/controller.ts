/**
 * Signal controllers: the interface the simulation kernel calls, the movement
 * states it reads, and what adaptive controllers may query. Every controller of
 * greenwave is a phase sequencer (sequencer.ts) driven by a policy (fixed-time.ts,
 * actuated.ts, max-pressure.ts); a researcher may also implement this interface
 * directly.
 *
 * The kernel owns one `Uint8Array` of movement signal states (one entry per
 * movement in the network, `SIGNAL_RED` = 0 in a fresh array). Each controller
 * writes only the entries of movements approaching its junction, and only at the
 * change times it announces: `start(now)` positions it and returns the first
 * change time, then the kernel calls `advance` exactly at each returned time. So
 * a signal costs one scheduler event per interval, never a per-second poll.
 */

/** Movement state: stop. */
export const SIGNAL_RED = 0;
/** Movement state: protected green (SUMO `G`). */
export const SIGNAL_GREEN = 1;
/** Movement state: permissive green, yield to opposing traffic (SUMO `g`). */
export const SIGNAL_PERMISSIVE = 2;
/** Movement state: yellow (amber). */
export const SIGNAL_YELLOW = 3;
/** One of the `SIGNAL_*` codes. */
export type SignalState = typeof SIGNAL_RED | typeof SIGNAL_GREEN | typeof SIGNAL_PERMISSIVE | typeof SIGNAL_YELLOW;

/**
 * What adaptive controllers may read from the simulation. Every method is a
 * query computed when called, so a run without adaptive controllers pays nothing
 * for it (the kernel keeps one extra store per stop-line arrival).
 */
export interface ControllerView {
  /** Simulation time, s. */
  readonly time: number;
  /** Vehicles queued in movement `movement` now. */
  queueLength(movement: number): number;
  /**
   * Detector of movement `movement` at `distance` m upstream of its stop line (on
   * the movement's approach link; clamped to the link length): the last time, s,
   * a vehicle bound for this movement passed it (free-flow passage: its stop-line
   * time - distance / speed), or the current time while the movement's queue
   * reaches back over it (queue extent = queued x jam spacing / lanes of the
   * movement). -Infinity if none has passed yet.
   */
  lastArrival(movement: number, distance: number): number;
  /** Vehicles on link `link` (moving or queued, plus space not yet freed at its upstream end). */
  linkVehicles(link: number): number;
  /** Storage of link `link`, vehicles. */
  linkStorage(link: number): number;
  /**
   * Vehicles on the approach of `movement` bound for it, moving or queued (what
   * CityFlow counts on the movement's lanes). Optional: the kernel's view has it;
   * controllers that need it refuse a view without it.
   */
  movementVehicles?(movement: number): number;
  /** Vehicles on link `link` now, moving or queued (without space not yet freed). Optional, as `movementVehicles`. */
  linkVehiclesPresent?(link: number): number;
  /**
   * The live arrays behind `queueLength`, `linkVehicles` and `linkStorage`
   * (indexed by movement or link id), for controllers that read many entries at
   * each decision (max-pressure). Optional: the kernel's view has them; when
   * given they hold exactly what the methods return, `linkVehicles` for the
   * links the controller's junction feeds (its movements' exits: the kernel
   * brings those up to date before each `advance`). Read-only for controllers.
   */
  readonly counts?: ControllerCounts;
  /**
   * Sums of queue lengths the kernel keeps current as vehicles join and leave
   * movement queues, for controllers that weigh the same queues at every
   * decision (max-pressure). Optional: the kernel's view has it; controllers fall
   * back to `queueLength` without it.
   */
  readonly queueSums?: ControllerQueueSums;
}

/**
 * See `ControllerView.queueSums`: linear forms of the movements' queue lengths
 * with integer coefficients, kept exact (every value is an integer below 2^53,
 * so the order in which queues change cannot change a value).
 */
export interface ControllerQueueSums {
  /**
   * Register forms: form f is the sum over k in `[offsets[f], offsets[f + 1])` of
   * `coefficients[k]` x the queue length of movement `movements[k]`. Coefficients
   * must be integers of magnitude at most `MAX_QUEUE_SUM_COEFFICIENT`. Returns the
   * index in `values` of the first form; the values start at the current queues.
   */
  add(offsets: Int32Array, movements: Int32Array, coefficients: Float64Array): number;
  /** Current value of every registered form, at the index `add` returned (read it again after an `add`: it may be replaced; entries past the last form are unused). */
  readonly values: Float64Array;
}

/**
 * Largest coefficient of a queue sum (2^36): a form stays exact (below 2^53)
 * while the queues it weighs hold fewer than 2^17 = 131,072 vehicles in all.
 */
export const MAX_QUEUE_SUM_COEFFICIENT = 2 ** 36;

/** See `ControllerView.counts`: read-only views of the kernel's own arrays. */
export interface ControllerCounts {
  /** Vehicles queued in each movement (as `ControllerView.queueLength`). */
  readonly queueLength: Int32Array;
  /** Vehicles on each link plus space not yet freed (as `ControllerView.linkVehicles`). */
  readonly linkVehicles: Int32Array;
  /** Storage of each link, vehicles (as `ControllerView.linkStorage`). */
  readonly linkStorage: Int32Array;
}

/** A signal controller of one junction, driven by the kernel. */
export interface SignalController {
  /** Junction index it controls. */
  readonly junction: number;
  /** Write the states of this junction's movements at time `now` (s) into `states`; return the time of the next change (> now), or Infinity. */
  start(now: number, states: Uint8Array, view: ControllerView): number;
  /** Called exactly at the time the last start/advance returned: update states, return the next change time (> now). */
  advance(now: number, states: Uint8Array, view: ControllerView): number;
  /** Index of the phase showing now (during its yellow and all-red too), for metrics and reports; -1 before `start`. */
  readonly phase: number;
  /**
   * Optional: false when the last `advance` wrote no state (an adaptive
   * controller that decided to keep its green), so the kernel has nothing to
   * react to. Absent or true: the kernel reads the junction's states again.
   */
  readonly changed?: boolean;
}
