/**
 * A (time, seq)-ordered heap of packed commands: the scheduler's store for
 * commands beyond the horizon of its calendar (scheduler.ts), such as signal
 * changes far ahead, and the fallback when the calendar is empty. A 4-ary heap
 * (half the depth of a binary one) over three parallel typed arrays: no object
 * per command. Any correct heap pops in the same (time, seq) order, so its shape
 * never changes a result.
 */

/** A 4-ary min-heap of (time, seq, cmd) triples, ordered by time then seq. */
export class CommandHeap {
  /** Times, s; the earliest at index 0. */
  times: Float64Array;
  /** Sequence numbers, parallel to `times`. */
  seqs: Float64Array;
  /** Packed (kind, id) commands, parallel to `times`. */
  cmds: Int32Array;
  /** Commands held. */
  length = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.cmds = new Int32Array(capacity);
  }

  /** Add (time, s, cmd). */
  push(time: number, s: number, cmd: number): void {
    if (this.length === this.times.length) this.grow();
    this.rise(this.length++, time, s, cmd);
  }

  /**
   * Remove the earliest triple (read it first at index 0); the heap must not be
   * empty. Bottom-up (Floyd's variant): the hole left at the root moves down to a
   * leaf along the smaller children, then the last triple rises from there. The
   * last triple nearly always belongs near the bottom, so this skips the compare
   * with it at every level that a plain sift-down makes (about a fifth of the
   * compares; a pop was a fifth of the kernel's instructions on the 10x10
   * benchmark grid). Same heap order, so the same pops.
   */
  removeTop(): void {
    const times = this.times;
    const seqs = this.seqs;
    const cmds = this.cmds;
    const last = --this.length;
    if (last === 0) return;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      // The smallest of up to four children moves up into the hole (unrolled for a full set of four).
      let c = first;
      let ct = times[first];
      if (first + 4 <= last) {
        let kt = times[first + 1];
        if (kt < ct || (kt === ct && seqs[first + 1] < seqs[c])) { c = first + 1; ct = kt; }
        kt = times[first + 2];
        if (kt < ct || (kt === ct && seqs[first + 2] < seqs[c])) { c = first + 2; ct = kt; }
        kt = times[first + 3];
        if (kt < ct || (kt === ct && seqs[first + 3] < seqs[c])) { c = first + 3; ct = kt; }
      } else {
        for (let k = first + 1; k < last; k++) {
          const kt = times[k];
          if (kt < ct || (kt === ct && seqs[k] < seqs[c])) {
            c = k;
            ct = kt;
          }
        }
      }
      times[i] = ct;
      seqs[i] = seqs[c];
      cmds[i] = cmds[c];
      i = c;
    }
    // The last triple rises from the hole to its place.
    this.rise(i, times[last], seqs[last], cmds[last]);
  }

  /** Put (time, s, cmd) into the hole at index `i`, or above it: parents later than it move down. */
  private rise(i: number, time: number, s: number, cmd: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const cmds = this.cmds;
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

  /** Bytes held by the heap's arrays. */
  get byteLength(): number {
    return this.times.byteLength + this.seqs.byteLength + this.cmds.byteLength;
  }

  private grow(): void {
    const size = Math.max(16, this.times.length * 2);
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
