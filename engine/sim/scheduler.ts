/**
 * The kernel's discrete-event scheduler: commands keyed by (time, sequence
 * number), so commands at the same time run in the order they were scheduled
 * and a run is deterministic. A command is (kind, id), packed into one int32 and
 * held in typed arrays: no object per event. Scheduling in the past is a bug in
 * the kernel and throws at once.
 *
 * A large queue is a calendar (Brown 1988): a ring of buckets of width w, bucket k
 * holding the commands with time in [start + k w, start + (k + 1) w), each an
 * unordered list; a pop scans from the current bucket to the first non-empty one
 * and takes the earliest (time, seq) in it. Commands beyond the ring's horizon
 * (RING_SIZE x w ahead) wait in a 4-ary heap (command-heap.ts) and move into the
 * ring when it reaches them. The bucket of a time is monotone in the time, so
 * every command in a lower bucket is earlier, and within a bucket the full
 * (time, seq) key decides: the pop order is exactly the one of a heap. A push
 * and a pop cost O(1) when buckets hold a few commands; the width adapts (halves
 * when buckets get crowded, doubles when pops mostly scan empty buckets), which
 * changes only where commands are kept, never their order. On the 30x30
 * benchmark grid a heap pop sifted through ~6 levels of a ~6,600-command heap
 * and was about 29% of the kernel's time.
 *
 * Commands known in advance in time order (the trips' departures) are not
 * queued at all: they form one sorted stream, merged with the queue as it pops.
 * They take a block of sequence numbers at the moment the stream is set, so the
 * pop order is exactly the one pushing each of them would give; the queue holds
 * only what is in flight (a few per link), not every trip of the run.
 */
import { CommandHeap } from './command-heap.js';

/** Largest command id the scheduler holds (ids share an int32 with the kind: 3 bits of kind, 28 of id). */
export const MAX_COMMAND_ID = (1 << 28) - 1;
const ID_MASK = MAX_COMMAND_ID;

/** Buckets in the calendar's ring (a power of two). */
const RING_SIZE = 8192;
const RING_MASK = RING_SIZE - 1;
/** Bucket indices stay below this (int32 arithmetic); commands further ahead wait in the far heap. */
const MAX_BUCKET = 2 ** 30;
/**
 * The queue starts as a plain heap (the near heap, every command in it) and
 * becomes a calendar once this many commands wait. Once warm the calendar is
 * the faster of the two even at a few hundred commands (the 10x10 benchmark
 * grid, ~425 waiting: ~1.1x on the whole warm run, interleaved), although it
 * executes ~12% more instructions there (callgrind): what the heap loses is
 * not instructions, most likely its unpredictable compares. But JIT work is
 * the larger cost of a short run: switching in mid-run deoptimises and
 * recompiles the code that inlined the heap-only path (from 512 commands the
 * first 10x10 simulate() in a fresh process took ~20% more CPU, +316 M
 * instructions), and a calendar from the start cost ~6% more instructions in a
 * fresh hangzhou_4x4 run (CityFlow's, at most ~390 waiting). So the switch
 * waits for queues deep enough that the run is long (the 30x30 grid, ~6,600).
 */
const CALENDAR_FROM = 2048;
/** Initial bucket width, s. */
const INITIAL_WIDTH = 1 / 64;
/** Narrowest and widest bucket, s. */
const MIN_WIDTH = 2 ** -12;
const MAX_WIDTH = 16;
/** Bucket loads between two looks at the bucket width. */
const ADAPT_LOADS = 1024;
/** Halve the width when a bucket brings more commands than this on average (and few buckets are empty). */
const CROWDED = 8;
/** Double the width when more empty buckets than this are scanned per bucket loaded. */
const SPARSE = 8;
const NONE = -1;
/** `find` results: the earliest command is the top of the near heap, or of the far heap. */
const FROM_NEAR = 0;
const FROM_FAR = 1;

/**
 * A (time, seq)-ordered queue of (kind, id) commands with a presorted stream
 * merged in: see the file comment. Invariant: the near heap holds every command
 * of bucket `hot` and below, the ring those of buckets hot + 1 .. hot + RING_SIZE
 * (slot = bucket mod RING_SIZE), the far heap the rest (its commands move into
 * the ring before the ring's scan reaches their bucket).
 */
export class Scheduler {
  /** Per list node n: time (s) at 2n and sequence number at 2n + 1 (one cache line holds both). */
  private nodeKey: Float64Array;
  /** Per list node n: packed command at 2n; next node in its bucket, or the next free node, at 2n + 1. */
  private nodeLink: Int32Array;
  private freeNode = NONE;
  private nodesUsed = 0;
  /** First node of each bucket's list, or NONE. */
  private readonly slotHead = new Int32Array(RING_SIZE).fill(NONE);
  /** Commands in the ring. */
  private inRing = 0;
  /** The last bucket loaded into the near heap (Infinity while the queue is a plain heap). */
  private hot = Infinity;
  /** Near heap size at which the plain heap becomes a calendar (Infinity once it is one). */
  private calendarFrom = CALENDAR_FROM;
  /** Bucket 0 starts here, s. */
  private readonly origin: number;
  /** Bucket width, s, and its inverse. */
  private width = INITIAL_WIDTH;
  private inverse = 1 / INITIAL_WIDTH;
  /** Commands of the buckets up to `hot`, in (time, seq) order. */
  private readonly near: CommandHeap;
  /** Commands beyond the ring's horizon. */
  private readonly far: CommandHeap;
  /** Bucket of the far heap's earliest command, Infinity when empty. */
  private farBucket = Infinity;
  /** Width statistics since the last look: buckets loaded, commands they brought, empty buckets scanned. */
  private loads = 0;
  private loaded = 0;
  private skipped = 0;
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

  /**
   * A queue whose clock starts at `start` (s), with room for `capacity` commands
   * in the ring before it grows, that becomes a calendar once more than
   * `calendarFrom` commands wait (0: from the first; tests use it).
   */
  constructor(start: number, capacity = 4096, calendarFrom = CALENDAR_FROM) {
    this.now = start;
    this.calendarFrom = calendarFrom;
    this.origin = start;
    this.nodeKey = new Float64Array(2 * capacity);
    this.nodeLink = new Int32Array(2 * capacity);
    this.near = new CommandHeap(256);
    this.far = new CommandHeap(64);
  }

  /** Commands waiting. */
  get size(): number {
    return this.near.length + this.inRing + this.far.length + this.streamEnd - this.streamPos;
  }

  /** Time of the next command, or Infinity. */
  peekTime(): number {
    const from = this.find();
    const t = from === FROM_NEAR ? this.near.times[0] : from === FROM_FAR ? this.far.times[0] : Infinity;
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
    this.insert(time, seq, (kind << 28) | id);
  }

  /**
   * Run on at the clock's time as the command with sequence number `seq`, taken
   * from `reserve` and never pushed (a signal change of a batch after the one
   * popped, controllers.ts): what is scheduled or settled from here sees the
   * point of the run that command would have. `seq` must be after the current
   * point, with nothing queued before it (`queuedBefore`).
   */
  resume(seq: number): void {
    if (!(seq > this.seqNow)) throw new Error(`internal: resume at seq ${seq}, not after the clock's ${this.seqNow} at ${this.now}`);
    this.seqNow = seq;
  }

  /** Whether a queued command (or the stream's next) comes before (time, seq). */
  queuedBefore(time: number, seq: number): boolean {
    const st = this.streamNext;
    if (st < time || (st === time && this.streamSeq + this.streamPos < seq)) return true;
    const from = this.find();
    if (from === NONE) return false;
    const heap = from === FROM_NEAR ? this.near : this.far;
    const t = heap.times[0];
    return t < time || (t === time && heap.seqs[0] < seq);
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

  /** Schedule command (kind, id) at `time` (>= now); kind 0 to 7, id 0 to `MAX_COMMAND_ID`. Returns the sequence number it took. */
  schedule(time: number, kind: number, id: number): number {
    if (!(time >= this.now)) throw new Error(`internal: command ${kind}/${id} scheduled at ${time}, before the clock ${this.now}`);
    if ((id & ~ID_MASK) !== 0 || (kind & ~7) !== 0) throw new Error(`internal: command ${kind}/${id} out of range (kind 0-7, id 0-${MAX_COMMAND_ID})`);
    const s = this.seq++;
    this.insert(time, s, (kind << 28) | id);
    return s;
  }

  /** Pop the earliest command into (now, kind, id). Returns false when empty. */
  pop(): boolean {
    return this.popUntil(Infinity);
  }

  /**
   * Pop the earliest command into (now, kind, id) if its time is at most
   * `limit` (s). Returns false, popping nothing, when there is none.
   */
  popUntil(limit: number): boolean {
    const from = this.find();
    const heap = from === FROM_NEAR ? this.near : this.far;
    let t = Infinity;
    let s = Infinity;
    if (from !== NONE) {
      t = heap.times[0];
      s = heap.seqs[0];
    }
    const st = this.streamNext;
    if (st !== Infinity && (st < t || (st === t && this.streamSeq + this.streamPos < s))) {
      if (st > limit) return false;
      const ids = this.streamIds!;
      this.now = st;
      this.seqNow = this.streamSeq + this.streamPos;
      this.kind = this.streamKind;
      this.id = ids[this.streamPos++];
      this.streamNext = this.streamPos < this.streamEnd ? this.streamTimes![ids[this.streamPos]] : Infinity;
      return true;
    }
    if (from === NONE || t > limit) return false;
    const cmd = heap.cmds[0];
    heap.removeTop();
    if (from === FROM_FAR) this.farBucket = this.far.length > 0 ? this.bucketOf(this.far.times[0]) : Infinity;
    this.now = t;
    this.seqNow = s;
    this.kind = cmd >>> 28;
    this.id = cmd & ID_MASK;
    return true;
  }

  /** Bytes held by the queue's arrays. */
  get byteLength(): number {
    return this.nodeKey.byteLength + this.nodeLink.byteLength + this.slotHead.byteLength + this.near.byteLength + this.far.byteLength;
  }

  /** Bucket of time `t` (s): monotone in `t`; Infinity for Infinity. */
  private bucketOf(t: number): number {
    return Math.floor((t - this.origin) * this.inverse);
  }

  /** Queue (time, s, cmd): into the near heap, the ring or the far heap, by its bucket. */
  private insert(time: number, s: number, cmd: number): void {
    const b = this.bucketOf(time);
    if (b <= this.hot) {
      this.near.push(time, s, cmd);
      if (this.near.length > this.calendarFrom) {
        this.calendarFrom = Infinity;
        this.rebuild(INITIAL_WIDTH);
      }
    } else if (b - this.hot <= RING_SIZE) {
      let node = this.freeNode;
      if (node === NONE) {
        if (2 * this.nodesUsed === this.nodeKey.length) this.growNodes();
        node = this.nodesUsed++;
      } else {
        this.freeNode = this.nodeLink[2 * node + 1];
      }
      const key = this.nodeKey;
      const link = this.nodeLink;
      key[2 * node] = time;
      key[2 * node + 1] = s;
      const slot = b & RING_MASK;
      link[2 * node] = cmd;
      link[2 * node + 1] = this.slotHead[slot];
      this.slotHead[slot] = node;
      this.inRing++;
    } else {
      this.far.push(time, s, cmd);
      if (b < this.farBucket) this.farBucket = b;
    }
  }

  /**
   * Where the earliest queued command is (the stream aside): `FROM_NEAR`,
   * `FROM_FAR` (the ring is empty and the far heap's top lies beyond any
   * horizon), or NONE when nothing is queued. When the near heap is empty, the
   * ring's next non-empty bucket is loaded into it (far commands that bucket
   * reaches moved into the ring first).
   */
  private find(): number {
    const head = this.slotHead;
    for (;;) {
      if (this.near.length > 0) return FROM_NEAR;
      if (this.inRing === 0) {
        if (this.far.length === 0) return NONE;
        if (!(this.farBucket < MAX_BUCKET - RING_SIZE)) return FROM_FAR;
        // Empty ring: restart it just before the far heap's earliest bucket.
        this.hot = this.farBucket - 1;
        this.migrate();
        continue;
      }
      let c = this.hot + 1;
      while (head[c & RING_MASK] === NONE) c++;
      this.skipped += c - this.hot - 1;
      if (this.farBucket <= c) {
        this.migrate();
        continue;
      }
      // Load bucket c into the near heap.
      const key = this.nodeKey;
      const link = this.nodeLink;
      let node = head[c & RING_MASK];
      head[c & RING_MASK] = NONE;
      let count = 0;
      while (node !== NONE) {
        this.near.push(key[2 * node], key[2 * node + 1], link[2 * node]);
        const after = link[2 * node + 1];
        link[2 * node + 1] = this.freeNode;
        this.freeNode = node;
        node = after;
        count++;
      }
      this.inRing -= count;
      this.hot = c;
      this.loaded += count;
      if (++this.loads === ADAPT_LOADS) this.adapt(); // may re-bucket everything: look again
    }
  }

  /** Move the far heap's commands within the ring's horizon into the ring. */
  private migrate(): void {
    const far = this.far;
    while (far.length > 0 && this.farBucket - this.hot <= RING_SIZE) {
      const t = far.times[0];
      const s = far.seqs[0];
      const cmd = far.cmds[0];
      far.removeTop();
      this.farBucket = far.length > 0 ? this.bucketOf(far.times[0]) : Infinity;
      this.insert(t, s, cmd);
    }
  }

  /** Every `ADAPT_LOADS` bucket loads: halve the width if buckets are crowded, double it if the scan mostly meets empty buckets. */
  private adapt(): void {
    const perLoad = this.loaded / this.loads;
    const skipped = this.skipped / this.loads;
    this.loads = 0;
    this.loaded = 0;
    this.skipped = 0;
    if (perLoad > CROWDED && skipped < 1 && this.width > MIN_WIDTH) this.rebuild(this.width / 2);
    else if (skipped > SPARSE && this.width < MAX_WIDTH) this.rebuild(this.width * 2);
  }

  /**
   * Re-bucket every queued command at bucket width `width` (s), the near heap
   * included (called between pops, with the near heap non-empty); their order is
   * unchanged: every queued command is at or after the clock.
   */
  private rebuild(width: number): void {
    // Chain every ring node into one list.
    let list = NONE;
    const head = this.slotHead;
    const link = this.nodeLink;
    for (let slot = 0; slot < RING_SIZE; slot++) {
      for (let node = head[slot]; node !== NONE;) {
        const after = link[2 * node + 1];
        link[2 * node + 1] = list;
        list = node;
        node = after;
      }
      head[slot] = NONE;
    }
    this.inRing = 0;
    this.width = width;
    this.inverse = 1 / width;
    const b = this.bucketOf(this.now);
    this.hot = b - 1 < MAX_BUCKET - RING_SIZE ? b - 1 : MAX_BUCKET - RING_SIZE;
    this.farBucket = this.far.length > 0 ? this.bucketOf(this.far.times[0]) : Infinity;
    // The near heap's commands are re-queued from a copy (they may land in it again).
    const near = this.near;
    const count = near.length;
    const times = near.times.slice(0, count);
    const seqs = near.seqs.slice(0, count);
    const cmds = near.cmds.slice(0, count);
    near.length = 0;
    for (let i = 0; i < count; i++) this.insert(times[i], seqs[i], cmds[i]);
    while (list !== NONE) {
      const node = list;
      list = link[2 * node + 1];
      link[2 * node + 1] = this.freeNode;
      this.freeNode = node;
      this.insert(this.nodeKey[2 * node], this.nodeKey[2 * node + 1], link[2 * node]);
    }
  }

  private growNodes(): void {
    const key = new Float64Array(2 * this.nodeKey.length);
    key.set(this.nodeKey);
    const link = new Int32Array(2 * this.nodeLink.length);
    link.set(this.nodeLink);
    this.nodeKey = key;
    this.nodeLink = link;
  }
}
