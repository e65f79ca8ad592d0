/**
 * Interned routes: every distinct route (sequence of link indices) stored once,
 * named by a dense id, so that per-traveller route sets are small typed arrays
 * of ids (route-sets.ts) rather than arrays of arrays. Travellers of one origin
 * and destination mostly share their routes, so the pool holds far fewer routes
 * than sets hold ids.
 *
 * Storage is CSR (`offsets`, `links`) grown by doubling; lookup is a hash of the
 * link sequence (FNV-1a over the 32-bit indices) into chains of ids. `compact`
 * rebuilds the pool from the ids still in use, so routes every traveller has
 * dropped do not accumulate over the iterations.
 */

/** Distinct routes by dense id. */
export class RoutePool {
  /** Route id r drives `links[offsets[r] .. offsets[r + 1])`. */
  offsets: Int32Array = new Int32Array(1024);
  links: Int32Array = new Int32Array(16384);
  /** Routes stored. */
  size = 0;
  private next: Int32Array = new Int32Array(1024);
  private heads = new Map<number, number>();

  /** Id of `links[from .. to)`, added when new. */
  intern(links: Int32Array, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let k = from; k < to; k++) {
      const v = links[k];
      h = Math.imul(h ^ (v & 0xff), 0x01000193);
      h = Math.imul(h ^ ((v >>> 8) & 0xff), 0x01000193);
      h = Math.imul(h ^ (v >>> 16), 0x01000193);
    }
    const len = to - from;
    for (let id = this.heads.get(h) ?? -1; id >= 0; id = this.next[id]) {
      const a = this.offsets[id];
      if (this.offsets[id + 1] - a !== len) continue;
      let same = true;
      for (let k = 0; same && k < len; k++) same = this.links[a + k] === links[from + k];
      if (same) return id;
    }
    const id = this.size;
    if (id + 2 > this.offsets.length) {
      this.offsets = grow(this.offsets, id + 2);
      this.next = grow(this.next, id + 2);
    }
    const at = this.offsets[id];
    if (at + len > this.links.length) this.links = grow(this.links, at + len);
    this.links.set(links.subarray(from, to), at);
    this.offsets[id + 1] = at + len;
    this.next[id] = this.heads.get(h) ?? -1;
    this.heads.set(h, id);
    this.size++;
    return id;
  }

  /** Links in route `id`. */
  length(id: number): number {
    return this.offsets[id + 1] - this.offsets[id];
  }

  /**
   * Keep only the ids in `ids` (entries < 0 are left alone), renumbering them in
   * place; returns the number of routes kept.
   */
  compact(ids: Int32Array): number {
    const map = new Int32Array(this.size).fill(-1);
    const old = { offsets: this.offsets, links: this.links };
    this.offsets = new Int32Array(1024);
    this.links = new Int32Array(16384);
    this.next = new Int32Array(1024);
    this.heads = new Map();
    this.size = 0;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (id < 0) continue;
      if (map[id] < 0) map[id] = this.intern(old.links, old.offsets[id], old.offsets[id + 1]);
      ids[k] = map[id];
    }
    return this.size;
  }
}

function grow(a: Int32Array, need: number): Int32Array {
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
