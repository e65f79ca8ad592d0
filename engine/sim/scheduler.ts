/**
 * The kernel's discrete-event scheduler: a heap of commands keyed by
 * (time, sequence number), so commands at the same time run in the order they
 * were scheduled and a run is deterministic. A command is (kind, id), held in
 * parallel typed arrays: no object per event. Scheduling in the past is a bug
 * in the kernel and throws at once.
 *
 * Commands known in advance in time order (the trips' departures) are not
 * pushed into the heap: they form one sorted stream, merged with the heap as it
 * pops. They take a block of sequence numbers at the moment the stream is set,
 * so the pop order is exactly the one pushing each of them would give; the heap
 * holds only what is in flight (a few per link), not every trip of the run,
 * which keeps it shallow and in cache.
 */

/** Largest command id the scheduler holds (ids share an int32 with the kind: 3 bits of kind, 28 of id). */
export const MAX_COMMAND_ID = (1 << 28) - 1;
const ID_MASK = MAX_COMMAND_ID;

/**
 * A (time, seq)-ordered queue of (kind, id) commands: a 4-ary heap (half the
 * depth of a binary one; pops, which dominate, touch fewer levels) over three
 * parallel arrays, the kind and id packed into one int32. Any correct heap pops
 * the commands in the same (time, seq) order, so its shape never changes a result.
 */
export class Scheduler {
  private times: Float64Array;
  private seqs: Float64Array;
  private cmds: Int32Array;
  private length = 0;
  private seq = 0;
  /** Time of the command last popped (the simulation clock). */
  now: number;
  /** Kind and id of the command last popped. */
  kind = 0;
  id = 0;
  /**
   * Sequence number of the command last popped, or Infinity once the clock was
   * moved past every command at `now` (`settle`). With `now` it is the point of
   * the run reached: a command scheduled with `reserve` and not pushed counts as
   * run when its (time, seq) is before (now, seqNow).
   */
  seqNow = Infinity;
  /** The stream of presorted commands: ids in pop order, their times indexed by id. */
  private streamIds: Int32Array | undefined;
  private streamTimes: Float64Array | undefined;
  private streamKind = 0;
  private streamPos = 0;
  private streamEnd = 0;
  /** Sequence number of the stream's first command (the i-th has `streamSeq + i`). */
  private streamSeq = 0;
  /** Time of the stream's next command, or Infinity. */
  private streamNext = Infinity;

  constructor(start: number, capacity = 4096) {
    this.now = start;
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.cmds = new Int32Array(capacity);
  }

  /** Commands waiting. */
  get size(): number {
    return this.length + this.streamEnd - this.streamPos;
  }

  /** Time of the next command, or Infinity. */
  peekTime(): number {
    const t = this.length > 0 ? this.times[0] : Infinity;
    return t < this.streamNext ? t : this.streamNext;
  }

  /**
   * Reserve the next sequence number for a command whose push is deferred
   * (`scheduleReserved`): it keeps its place among same-time commands as if
   * scheduled now.
   */
  reserve(): number {
    return this.seq++;
  }

  /** Schedule (kind, id) at `time` (>= now) with sequence number `seq` taken from `reserve` (not yet popped). */
  scheduleReserved(time: number, seq: number, kind: number, id: number): void {
    if (!(time > this.now || (time === this.now && seq > this.seqNow))) throw new Error(`internal: command ${kind}/${id} scheduled at ${time} (seq ${seq}), not after the clock ${this.now} (seq ${this.seqNow})`);
    if (this.length === this.times.length) this.grow();
    this.push(time, seq, (kind << 28) | id);
  }

  /** The clock moved to `now` (s) past every command at or before it (the end of an `advanceTo`). */
  settle(now: number): void {
    this.now = now;
    this.seqNow = Infinity;
  }

  /**
   * Schedule (kind, ids[i]) at `times[ids[i]]` for every i, as if scheduled one
   * by one in the order of `ids` now: `ids` must be in time order (equal times in
   * the order they would have been scheduled), no time before the clock. Once per
   * scheduler; the arrays are read, not copied, while the stream lasts.
   */
  scheduleStream(kind: number, ids: Int32Array, times: Float64Array): void {
    if (this.streamIds !== undefined) throw new Error('internal: the scheduler already has a stream');
    if ((kind & ~7) !== 0) throw new Error(`internal: stream kind ${kind} out of range (0-7)`);
    let previous = this.now;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if ((id & ~ID_MASK) !== 0) throw new Error(`internal: stream command ${kind}/${id} out of range (id 0-${MAX_COMMAND_ID})`);
      const t = times[id];
      if (!(t >= previous)) throw new Error(`internal: stream command ${kind}/${id} at ${t} is before ${previous} (the clock or the command ahead)`);
      previous = t;
    }
    this.streamIds = ids;
    this.streamTimes = times;
    this.streamKind = kind;
    this.streamPos = 0;
    this.streamEnd = ids.length;
    this.streamSeq = this.seq;
    this.seq += ids.length;
    this.streamNext = ids.length > 0 ? times[ids[0]] : Infinity;
  }

  /** Schedule command (kind, id) at `time` (>= now); kind 0 to 7, id 0 to `MAX_COMMAND_ID`. */
  schedule(time: number, kind: number, id: number): void {
    if (!(time >= this.now)) throw new Error(`internal: command ${kind}/${id} scheduled at ${time}, before the clock ${this.now}`);
    if ((id & ~ID_MASK) !== 0 || (kind & ~7) !== 0) throw new Error(`internal: command ${kind}/${id} out of range (kind 0-7, id 0-${MAX_COMMAND_ID})`);
    if (this.length === this.times.length) this.grow();
    this.push(time, this.seq++, (kind << 28) | id);
  }

  /** Sift (time, s, cmd) up from a new last slot (capacity checked by the caller). */
  private push(time: number, s: number, cmd: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const cmds = this.cmds;
    let i = this.length++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < s)) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      cmds[i] = cmds[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = s;
    cmds[i] = cmd;
  }

  /** Pop the earliest command into (now, kind, id). Returns false when empty. */
  pop(): boolean {
    const n = this.length;
    const st = this.streamNext;
    if (st !== Infinity) {
      const ht = n > 0 ? this.times[0] : Infinity;
      if (st < ht || (st === ht && this.streamSeq + this.streamPos < this.seqs[0])) {
        const ids = this.streamIds!;
        this.now = st;
        this.seqNow = this.streamSeq + this.streamPos;
        this.kind = this.streamKind;
        this.id = ids[this.streamPos++];
        this.streamNext = this.streamPos < this.streamEnd ? this.streamTimes![ids[this.streamPos]] : Infinity;
        return true;
      }
    }
    if (n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const cmds = this.cmds;
    this.now = times[0];
    this.seqNow = seqs[0];
    const top = cmds[0];
    this.kind = top >>> 28;
    this.id = top & ID_MASK;
    const last = n - 1;
    this.length = last;
    if (last > 0) {
      const t = times[last];
      const s = seqs[last];
      const d = cmds[last];
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= last) break;
        // The smallest of up to four children.
        let c = first;
        let ct = times[first];
        const end = first + 4 < last ? first + 4 : last;
        for (let k = first + 1; k < end; k++) {
          const kt = times[k];
          if (kt < ct || (kt === ct && seqs[k] < seqs[c])) {
            c = k;
            ct = kt;
          }
        }
        if (ct > t || (ct === t && seqs[c] > s)) break;
        times[i] = ct;
        seqs[i] = seqs[c];
        cmds[i] = cmds[c];
        i = c;
      }
      times[i] = t;
      seqs[i] = s;
      cmds[i] = d;
    }
    return true;
  }

  /** Bytes held by the queue's arrays. */
  get byteLength(): number {
    return this.times.byteLength + this.seqs.byteLength + this.cmds.byteLength;
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    const seqs = new Float64Array(size);
    seqs.set(this.seqs);
    const cmds = new Int32Array(size);
    cmds.set(this.cmds);
    this.times = times;
    this.seqs = seqs;
    this.cmds = cmds;
  }
}
