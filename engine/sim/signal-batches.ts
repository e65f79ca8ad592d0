/**
 * Signal batches: the signal changes of a run that fall at the same instant,
 * held in the scheduler as ONE command (`CMD_SIGNAL`, id = the batch) instead
 * of one per controller. Adaptive controllers decide at the same instants all
 * over a network (max-pressure every 5 s at every signal: on the 10x10
 * benchmark grid 86,326 changes at 3,852 distinct times; actuated control
 * 108,493 at 3,870; its fixed plan 18,600 at 186), and each command costs a
 * push and a pop of the kernel's queue, which were a fifth of a max-pressure
 * run.
 *
 * Exactly the order of one command per change: each change still takes its own
 * sequence number when it is scheduled (`Scheduler.reserve`, the number
 * `schedule` would have given it), the members of a batch run in that order,
 * each at its own point of the run (`Scheduler.resume`: lazy releases and
 * commands scheduled see what they saw before), and before each member after
 * the first the batch looks at the queue: a command queued before the member
 * at the same instant (scheduled between two members' changes) makes the batch
 * go back into the queue at that member's place. So every command and change
 * runs in the same (time, seq) order as before, whatever the controllers.
 *
 * A change joins the batch already open at its time (found in a small
 * open-addressing table keyed by the time's bits) or opens one; a batch closes
 * when it pops (changes at the current time are never scheduled: they are
 * after now). At most one change per controller is pending, so there are never
 * more batches than controllers, plus the one running (whose members may all
 * have run, each with its next change in another batch): every array is sized once.
 */
import { CMD_SIGNAL, NONE } from './commands.js';
import type { Scheduler } from './scheduler.js';

const SIGNAL: number = CMD_SIGNAL;

/** The pending signal changes of a run's controllers, batched by time. */
export class SignalBatches {
  private readonly scheduler: Scheduler;
  /** Per controller: sequence number of its pending change, and the controller after it in its batch. */
  private readonly seqOf: Float64Array;
  private readonly nextOf: Int32Array;
  /** Per batch: time, s; first member not yet run and last member; 1 while open (in the table); its table hash. */
  private readonly time: Float64Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly open: Uint8Array;
  private readonly hash: Int32Array;
  /** Free batches (a stack) and its depth. */
  private readonly free: Int32Array;
  private freeCount: number;
  /** Open batches by time: linear probing over a power-of-two table, NONE when empty. */
  private readonly table: Int32Array;
  private readonly mask: number;
  /** A time's bits, for its hash. */
  private readonly bits = new Float64Array(1);
  private readonly words = new Int32Array(this.bits.buffer);

  /** Batches for `controllers` controllers (ids 0 to controllers - 1) on `scheduler`. */
  constructor(controllers: number, scheduler: Scheduler) {
    this.scheduler = scheduler;
    this.seqOf = new Float64Array(controllers);
    this.nextOf = new Int32Array(controllers);
    const batches = controllers + 1;
    this.time = new Float64Array(batches);
    this.head = new Int32Array(batches);
    this.tail = new Int32Array(batches);
    this.open = new Uint8Array(batches);
    this.hash = new Int32Array(batches);
    this.free = Int32Array.from({ length: batches }, (_, k) => batches - 1 - k); // batch 0 first
    this.freeCount = batches;
    let size = 8;
    while (size < 2 * batches) size *= 2;
    this.table = new Int32Array(size).fill(NONE);
    this.mask = size - 1;
  }

  /** Schedule the next change of controller `i` at `time` (s, after now; at most one pending per controller); returns the sequence number it took. */
  schedule(i: number, time: number): number {
    const { table, mask } = this;
    this.nextOf[i] = NONE;
    const h = this.hashOf(time);
    let slot = h;
    for (let b = table[slot]; b !== NONE; b = table[slot]) {
      if (this.time[b] === time) {
        const seq = this.scheduler.reserve();
        this.seqOf[i] = seq;
        this.nextOf[this.tail[b]] = i;
        this.tail[b] = i;
        return seq;
      }
      slot = (slot + 1) & mask;
    }
    if (this.freeCount === 0) throw new Error(`internal: controller ${i} scheduled a second pending change`);
    const b = this.free[--this.freeCount];
    const seq = this.scheduler.schedule(time, SIGNAL, b);
    this.seqOf[i] = seq;
    this.time[b] = time;
    this.head[b] = i;
    this.tail[b] = i;
    this.open[b] = 1;
    this.hash[b] = h;
    table[slot] = b;
    return seq;
  }

  /** Batch `b` popped (its first pending member's place in the run): it takes no more members; returns that member, to run now. */
  begin(b: number): number {
    if (this.open[b] === 1) this.close(b);
    const i = this.head[b];
    this.head[b] = this.nextOf[i];
    return i;
  }

  /**
   * The member of batch `b` to run next at `now` (s), with the scheduler at its
   * point of the run; NONE when the batch is done (and freed), or when a
   * queued command comes first (the batch is queued again at that member's place).
   */
  next(b: number, now: number): number {
    const i = this.head[b];
    if (i === NONE) {
      this.free[this.freeCount++] = b;
      return NONE;
    }
    const seq = this.seqOf[i];
    const scheduler = this.scheduler;
    if (scheduler.queuedBefore(now, seq)) {
      scheduler.scheduleReserved(now, seq, SIGNAL, b);
      return NONE;
    }
    scheduler.resume(seq);
    this.head[b] = this.nextOf[i];
    return i;
  }

  private hashOf(time: number): number {
    this.bits[0] = time;
    let h = Math.imul(this.words[1], 0x9e3779b1) ^ Math.imul(this.words[0], 0x85ebca6b);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    return h & this.mask;
  }

  /** Take batch `b` out of the table (backward-shift deletion: no tombstones, probes stay short). */
  private close(b: number): void {
    const { table, mask, hash } = this;
    this.open[b] = 0;
    let hole = hash[b];
    while (table[hole] !== b) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; table[j] !== NONE; j = (j + 1) & mask) {
      const home = hash[table[j]];
      // The entry at j may fill the hole unless its home slot lies cyclically in (hole, j].
      if (hole <= j ? home > hole && home <= j : home > hole || home <= j) continue;
      table[hole] = table[j];
      hole = j;
    }
    table[hole] = NONE;
  }
}
