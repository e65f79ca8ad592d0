/**
 * The kernel's discrete-event scheduler: a binary heap of commands keyed by
 * (time, sequence number), so commands at the same time run in the order they
 * were scheduled and a run is deterministic. A command is (kind, id), held in
 * parallel typed arrays: no object per event. Scheduling in the past is a bug
 * in the kernel and throws at once.
 */

/** A (time, seq)-ordered queue of (kind, id) commands. */
export class Scheduler {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Uint8Array;
  private ids: Int32Array;
  private length = 0;
  private seq = 0;
  /** Time of the command last popped (the simulation clock). */
  now: number;
  /** Kind and id of the command last popped. */
  kind = 0;
  id = 0;

  constructor(start: number, capacity = 4096) {
    this.now = start;
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Uint8Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  /** Commands waiting. */
  get size(): number {
    return this.length;
  }

  /** Time of the next command, or Infinity. */
  peekTime(): number {
    return this.length > 0 ? this.times[0] : Infinity;
  }

  /** Schedule command (kind, id) at `time` (>= now). */
  schedule(time: number, kind: number, id: number): void {
    if (!(time >= this.now)) throw new Error(`internal: command ${kind}/${id} scheduled at ${time}, before the clock ${this.now}`);
    if (this.length === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const ids = this.ids;
    const s = this.seq++;
    let i = this.length++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < s)) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      kinds[i] = kinds[p];
      ids[i] = ids[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = s;
    kinds[i] = kind;
    ids[i] = id;
  }

  /** Pop the earliest command into (now, kind, id). Returns false when empty. */
  pop(): boolean {
    const n = this.length;
    if (n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const ids = this.ids;
    this.now = times[0];
    this.kind = kinds[0];
    this.id = ids[0];
    const last = n - 1;
    this.length = last;
    if (last > 0) {
      const t = times[last];
      const s = seqs[last];
      const k = kinds[last];
      const d = ids[last];
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let c = 2 * i + 1;
        const r = c + 1;
        if (r < last && (times[r] < times[c] || (times[r] === times[c] && seqs[r] < seqs[c]))) c = r;
        if (times[c] > t || (times[c] === t && seqs[c] > s)) break;
        times[i] = times[c];
        seqs[i] = seqs[c];
        kinds[i] = kinds[c];
        ids[i] = ids[c];
        i = c;
      }
      times[i] = t;
      seqs[i] = s;
      kinds[i] = k;
      ids[i] = d;
    }
    return true;
  }

  /** Bytes held by the queue's arrays. */
  get byteLength(): number {
    return this.times.byteLength + this.seqs.byteLength + this.kinds.byteLength + this.ids.byteLength;
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    const seqs = new Float64Array(size);
    seqs.set(this.seqs);
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds);
    const ids = new Int32Array(size);
    ids.set(this.ids);
    this.times = times;
    this.seqs = seqs;
    this.kinds = kinds;
    this.ids = ids;
  }
}
