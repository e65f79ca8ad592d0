/**
 * Seeded random streams: every run has a seed, and every subsystem forks its own
 * stream from it by name, so adding randomness in one place never shifts another.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator from
 * PractRand, 128-bit state, passes PractRand and BigCrush), seeded by splitmix32
 * (murmur3's fmix32 finaliser over a Weyl sequence). A fork's key is a murmur3-style
 * hash of (parent key, name): it consumes no draws from the parent, so a stream's
 * sequence depends only on the root seed and the chain of fork names.
 */
import { UsageError } from '../errors.js';

const TWO_POW_32 = 4294967296;

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * 32-bit key of an integer seed: the seed itself for 0 <= seed < 2^32, otherwise
 * a mix of its high and low 32-bit halves (so negative and large safe integers
 * are accepted and distinct seeds rarely share a key).
 */
function seedKey(seed: number, what: string): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new UsageError(`${what} must be a safe integer, got ${typeof seed === 'number' ? String(seed) : typeof seed}`);
  }
  if (seed >= 0 && seed < TWO_POW_32) return seed;
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) | 0;
  return fmix32(lo ^ fmix32((hi + 0x9e3779b9) | 0));
}

/** murmur3-style hash of `name` (UTF-16 code units) seeded with `key`. */
function hashName(key: number, name: string): number {
  let h = (key ^ 0x5bd1e995) | 0;
  for (let i = 0; i < name.length; i++) {
    let k = Math.imul(name.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul(rotl32(k, 15), 0x1b873593);
    h ^= k;
    h = (Math.imul(rotl32(h, 13), 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ name.length);
}

/** log Γ(x) for x >= 1 (Stirling series, shifted up to x >= 7; as in numpy's `random_loggam`). */
function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.floor(7 - x) : 0;
  let x0 = x + n;
  const x2 = 1 / (x0 * x0);
  let g = -1.3924322169059;
  g = g * x2 + 1.796443723688307e-1;
  g = g * x2 - 2.955065359477124e-2;
  g = g * x2 + 6.41025641025641e-3;
  g = g * x2 - 1.917526917526918e-3;
  g = g * x2 + 8.417508417508418e-4;
  g = g * x2 - 5.952380952380952e-4;
  g = g * x2 + 7.936507936507937e-4;
  g = g * x2 - 2.777777777777778e-3;
  g = g * x2 + 8.333333333333333e-2;
  let gl = g / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) {
    gl -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return gl;
}

/** Means below this use Knuth's multiplication method; at or above it, PTRS. */
const POISSON_PTRS_THRESHOLD = 10;

/**
 * A seeded stream of random numbers (sfc32). Not cryptographic. Create the root
 * with {@link createRandom}; give each subsystem its own stream with {@link fork}.
 */
export class RandomStream {
  /** The 32-bit key this stream was seeded with (the seed itself for 0 <= seed < 2^32). */
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream from an integer seed; throws `UsageError` if `seed` is not a safe integer. */
  constructor(seed: number) {
    const key = seedKey(seed, 'seed');
    this.seed = key;
    // splitmix32 fills three words; d is sfc32's counter. Discard 15 outputs to mix.
    let s = key | 0;
    const words = [0, 0, 0];
    for (let i = 0; i < 3; i++) {
      s = (s + 0x9e3779b9) | 0;
      words[i] = fmix32(s) | 0;
    }
    this.a = words[0];
    this.b = words[1];
    this.c = words[2];
    this.d = 1;
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** Next raw 32-bit output, an integer in [0, 2^32). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform number in [0, 1), with 32-bit resolution (a multiple of 2^-32). */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /**
   * Uniform integer in [0, n), unbiased (rejection sampling on the 32-bit output).
   * `n` must be an integer from 1 to 2^32; `UsageError` otherwise.
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new UsageError(`int(n): n must be an integer from 1 to 2^32, got ${String(n)}`);
    // Largest multiple of n not above 2^32; outputs at or above it are redrawn.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return u % n;
  }

  /**
   * Exponential variate with the given rate (mean 1/rate), by inversion:
   * -ln(1 - U) / rate. With 32-bit U the largest value is about 22.2 / rate
   * (the tail beyond it has probability e^-22). `rate` must be positive and finite.
   */
  exponential(rate: number): number {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new UsageError(`exponential(rate): rate must be a positive finite number, got ${String(rate)}`);
    return -Math.log(1 - this.next()) / rate;
  }

  /**
   * Poisson variate with the given mean, exact in distribution at every mean:
   * below 10, Knuth's multiplication method (multiply uniforms until the product
   * drops under e^-mean); from 10 up, Hörmann's PTRS transformed rejection
   * ("The transformed rejection method for generating Poisson random variables",
   * Insurance: Mathematics and Economics 12, 1993), the algorithm numpy uses.
   * `mean` must be finite and >= 0; `UsageError` otherwise.
   */
  poisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new UsageError(`poisson(mean): mean must be a finite number >= 0, got ${String(mean)}`);
    if (mean === 0) return 0;
    if (mean < POISSON_PTRS_THRESHOLD) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logGamma(k + 1)) return k;
    }
  }

  /**
   * An independent stream derived from (this stream's seed, `name`) by hashing.
   * It consumes no draws from this stream and does not depend on how many draws
   * were taken, so forking the same name always gives the same sequence.
   */
  fork(name: string): RandomStream {
    if (typeof name !== 'string') throw new UsageError(`fork(name): name must be a string, got ${typeof name}`);
    return new RandomStream(hashName(this.seed, name));
  }
}

/** The root random stream of a run. `seed` must be a safe integer (`UsageError` otherwise). */
export function createRandom(seed: number): RandomStream {
  return new RandomStream(seed);
}
