/**
 * Move-ups inside a queue: the extra halts of a queued vehicle that the queue
 * ahead of it carries forward without taking it over the stop line.
 *
 * The kernel's queue is a point queue at the stop line: a vehicle waits there
 * from its free-flow arrival until it is discharged, and that wait is a halt
 * (one stop) when it lasts at least the class's halt time (losses.ts). A real
 * queue is spread back along the link. When it starts moving (a green begins, or
 * the exit link that blocked it frees space), every halted vehicle in it moves
 * up behind the ones leaving; a vehicle that does not reach the line before the
 * movement stops again (its green ends, a cycle failure, or its exit link fills
 * again: stop-and-go behind a spillback) halts again where it got to. SUMO
 * counts each such halt (`waitingCount`: each time the speed drops below
 * 0.1 m/s).
 *
 * Rule: each movement counts its queue restarts R: the start of each green
 * (the queue moves up; at a permissive turn its head pulls forward to where it
 * waits for a gap, SUMO's internal wait point), and each discharge that comes
 * at least the movement's halt time after the later of its previous discharge
 * and the green's start (a queue held by a full exit link, or by the
 * conflicting flow of a yield, that moves again; a shorter pause is absorbed by
 * slowing down, as at a stop line: losses.ts). A vehicle that joins the queue
 * when R = R0 and is discharged when R = R1 (counting its own discharge) made
 * R1 - R0 - 1 extra halts, one fewer if the first restart after it joined came
 * less than the halt time after it reached the line (it was still rolling up
 * to the queue, not standing), never fewer than none: every other restart it
 * saw before the one that took it over the line moved it up and left it
 * standing again. A vehicle that reaches an empty movement, and a queue that
 * keeps discharging at its headway, add none. Restarts are at least the halt
 * time apart, so at most one falls within a vehicle's first halt time; the
 * times of each movement's last 16 restarts are kept (a vehicle moved up more
 * often than that counts the first restart too: at most one halt in 16 too
 * many). O(1) per vehicle (a
 * counter read on joining and on leaving); no event is added.
 *
 * Time: the move-ups add halts, not time. When a queued vehicle crosses the
 * line is set by the discharge ahead of it (headway, start-up lost time, exit
 * storage), and the point queue's wait already spans everything the vehicle
 * does before that. A hop of d metres from standstill to standstill (accelerate
 * at a to the peak speed u = min(v, sqrt(2dab / (a + b))), brake at b) takes
 * d / v + v / (2a) + v / (2b) when u = v, else u / a + u / b = sqrt(2d(a + b) / (ab));
 * its loss t(d) - d / v lies inside that wait. Charging it on top would count
 * the same seconds twice (the restart after the last halt is charged once, by
 * losses.ts, after the line). SUMO 1.15 on sumo-grid10 at twice its demand:
 * 1.45 halts a trip besides one per link, against 0.99 move-ups here; the
 * median hop between two halts on one link is 6 m (README, "Move-ups in a
 * queue").
 */

/** Restart times kept per movement (a power of 2). */
const RING = 16;

/** Per-movement queue restarts and per-vehicle counts at joining (struct of arrays). */
export class QueueMoves {
  /** Queue restarts of each movement so far. */
  readonly restarts: Int32Array;
  /** Start of each movement's current (or last) green, s (-Infinity: none yet). */
  readonly greenAt: Float64Array;
  /** Times of each movement's last `RING` restarts, s: restart r of movement e at [e x RING + r mod RING]. */
  readonly restartAt: Float64Array;
  /** Restarts of its movement when each vehicle joined its current queue. */
  readonly joined: Int32Array;

  /** State for `movements` movements and `vehicles` vehicles. */
  constructor(movements: number, vehicles: number) {
    this.restarts = new Int32Array(movements);
    this.greenAt = new Float64Array(movements).fill(-Infinity);
    this.restartAt = new Float64Array(movements * RING).fill(-Infinity);
    this.joined = new Int32Array(vehicles);
  }

  /** Bytes held per vehicle (for the kernel's memory figure). */
  get vehicleBytes(): number {
    return this.joined.byteLength;
  }

  /** Vehicle `v` joins the queue of movement `e`. */
  join(v: number, e: number): void {
    this.joined[v] = this.restarts[e];
  }

  /** A green of movement `e` starts at `now` (s): its queue moves up. */
  green(e: number, now: number): void {
    this.restart(e, now);
    this.greenAt[e] = now;
  }

  /**
   * Vehicle `v`, which reached the stop line at `reached` (s), is discharged by
   * movement `e` at `now` (s); `lastPass`: the movement's previous discharge, s
   * (-Infinity: none yet); `haltWait`: its halt time, s. Returns the vehicle's
   * extra halts in the queue.
   */
  discharge(v: number, e: number, now: number, reached: number, lastPass: number, haltWait: number): number {
    const green = this.greenAt[e];
    if (now - (lastPass > green ? lastPass : green) >= haltWait) this.restart(e, now);
    const first = this.joined[v] + 1; // the first restart after it joined
    let seen = this.restarts[e] - first;
    if (seen > 0 && seen < RING && this.restartAt[e * RING + (first & (RING - 1))] - reached < haltWait) seen--;
    return seen > 0 ? seen : 0;
  }

  private restart(e: number, now: number): void {
    const r = ++this.restarts[e];
    this.restartAt[e * RING + (r & (RING - 1))] = now;
  }
}
