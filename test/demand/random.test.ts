/**
 * RandomStream: determinism, fork independence (a fork depends only on the parent's
 * seed and the name, never on the parent's draws or other forks), and distribution
 * checks with stated tolerances. Seeds are fixed, so every statistical check is
 * deterministic; tolerances are set at 4-6 standard errors so a correct generator
 * passes them for essentially any seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, RandomStream } from '../../engine/demand/index.js';
import { UsageError } from '../../engine/errors.js';

const N = 100_000;

function draws(stream: RandomStream, n: number): number[] {
  return Array.from({ length: n }, () => stream.next());
}

function meanVar(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

/** Poisson pmf by recurrence in log space. */
function poissonPmf(mean: number, k: number): number {
  let log = -mean;
  for (let i = 1; i <= k; i++) log += Math.log(mean / i);
  return Math.exp(log);
}

describe('createRandom', () => {
  it('gives the same draws for the same seed and different draws for different seeds', () => {
    expect(draws(createRandom(42), 100)).toEqual(draws(createRandom(42), 100));
    expect(draws(createRandom(42), 100)).not.toEqual(draws(createRandom(43), 100));
    expect(draws(createRandom(0), 10)).not.toEqual(draws(createRandom(1), 10));
  });

  it('accepts negative and large safe integers as distinct seeds', () => {
    const seeds = [-1, -2, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, 4294967295];
    const firsts = seeds.map((s) => createRandom(s).uint32());
    expect(new Set(firsts).size).toBe(seeds.length);
    expect(createRandom(7).seed).toBe(7);
  });

  it('refuses seeds that are not safe integers with UsageError', () => {
    for (const bad of [1.5, NaN, Infinity, -Infinity, 2 ** 60, '1' as unknown as number]) {
      expect(() => createRandom(bad)).toThrow(UsageError);
    }
  });
});

describe('RandomStream.next', () => {
  it('stays in [0, 1) with mean within 0.005 of 1/2 over 100k draws (sigma = 0.0009)', () => {
    const xs = draws(createRandom(1), N);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('fills 20 equal bins evenly: chi-square (19 dof) below 43.8, its 99.9% quantile', () => {
    const bins = new Array<number>(20).fill(0);
    const r = createRandom(2);
    for (let i = 0; i < N; i++) bins[Math.floor(r.next() * 20)]++;
    const expected = N / 20;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8);
  });

  it('has lag-1 autocorrelation within 5 standard errors of 0 (se = 1/sqrt(n))', () => {
    const xs = draws(createRandom(3), N);
    const { mean, variance } = meanVar(xs);
    let c = 0;
    for (let i = 1; i < N; i++) c += (xs[i] - mean) * (xs[i - 1] - mean);
    expect(Math.abs(c / (N - 1) / variance)).toBeLessThan(5 / Math.sqrt(N));
  });
});

describe('RandomStream.int', () => {
  it('returns integers in [0, n) with every value about equally likely', () => {
    const r = createRandom(4);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) {
      const v = r.int(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
      counts[v]++;
    }
    // Each count is Binomial(70000, 1/7): mean 10000, sd 92.6; allow 5 sd.
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(463);
    expect(r.int(1)).toBe(0);
  });

  it('is unbiased for n close to 2^32 (mean within 5 sd of (n-1)/2)', () => {
    const n = 3 * 2 ** 30;
    const r = createRandom(5);
    let sum = 0;
    for (let i = 0; i < N; i++) sum += r.int(n);
    const sd = n / Math.sqrt(12) / Math.sqrt(N);
    expect(Math.abs(sum / N - (n - 1) / 2)).toBeLessThan(5 * sd);
  });

  it('refuses n that is not an integer from 1 to 2^32 with UsageError', () => {
    const r = createRandom(1);
    for (const bad of [0, -1, 1.5, NaN, 2 ** 32 + 1]) expect(() => r.int(bad)).toThrow(UsageError);
  });
});

describe('RandomStream.exponential', () => {
  it('has mean 1/rate and variance 1/rate^2 (mean within 4 standard errors)', () => {
    const rate = 0.25;
    const r = createRandom(6);
    const xs = Array.from({ length: N }, () => r.exponential(rate));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    const { mean, variance } = meanVar(xs);
    expect(Math.abs(mean - 4)).toBeLessThan((4 * 4) / Math.sqrt(N));
    // Var of the sample variance of Exp: (mu4 - sigma^4)/n = 8/rate^4 / n.
    expect(Math.abs(variance - 16)).toBeLessThan(5 * Math.sqrt(8 * 256 / N));
  });

  it('refuses a rate that is not positive and finite with UsageError', () => {
    const r = createRandom(1);
    for (const bad of [0, -1, NaN, Infinity]) expect(() => r.exponential(bad)).toThrow(UsageError);
  });
});

describe('RandomStream.poisson', () => {
  // Means on both sides of the Knuth/PTRS switch at 10.
  for (const mean of [0.5, 4, 9.99, 10, 50, 1000]) {
    it(`has mean and variance ${mean} (mean within 4 se, variance within 5 se)`, () => {
      const r = createRandom(Math.round(mean * 100));
      const xs = Array.from({ length: N }, () => r.poisson(mean));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      const s = meanVar(xs);
      expect(Math.abs(s.mean - mean)).toBeLessThan(4 * Math.sqrt(mean / N));
      // Var of the sample variance of Poisson(mu): (mu + 2 mu^2) / n.
      expect(Math.abs(s.variance - mean)).toBeLessThan(5 * Math.sqrt((mean + 2 * mean * mean) / N));
    });
  }

  for (const mean of [3, 25, 200]) {
    it(`matches the Poisson(${mean}) pmf: chi-square below its 99.9% quantile (bins with >= 5 expected, tails pooled)`, () => {
      const r = createRandom(mean);
      const counts = new Map<number, number>();
      for (let i = 0; i < N; i++) {
        const k = r.poisson(mean);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      // Bins: (-inf, lo], each k in (lo, hi), [hi, inf), with lo/hi where expected counts reach 5.
      const cdf: number[] = [];
      let acc = 0;
      for (let k = 0; k <= 10 * mean + 50; k++) cdf.push((acc += poissonPmf(mean, k)));
      let lo = 0;
      while (cdf[lo] * N < 5) lo++;
      let hi = cdf.length - 1;
      while ((1 - cdf[hi - 1]) * N < 5) hi--;
      const observed = (k0: number, k1: number) => {
        let c = 0;
        for (const [k, n] of counts) if (k >= k0 && k <= k1) c += n;
        return c;
      };
      const bins: Array<[number, number]> = [[observed(0, lo), cdf[lo] * N]];
      for (let k = lo + 1; k < hi; k++) bins.push([observed(k, k), poissonPmf(mean, k) * N]);
      bins.push([observed(hi, Infinity), (1 - cdf[hi - 1]) * N]);
      const chi2 = bins.reduce((s, [o, e]) => s + (o - e) ** 2 / e, 0);
      // Wilson-Hilferty approximation of the chi-square 99.9% quantile (z = 3.09).
      const dof = bins.length - 1;
      const q = dof * (1 - 2 / (9 * dof) + 3.09 * Math.sqrt(2 / (9 * dof))) ** 3;
      expect(chi2).toBeLessThan(q);
    });
  }

  it('returns 0 for mean 0 and refuses negative or non-finite means with UsageError', () => {
    const r = createRandom(1);
    expect(r.poisson(0)).toBe(0);
    for (const bad of [-1, NaN, Infinity]) expect(() => r.poisson(bad)).toThrow(UsageError);
  });
});

describe('RandomStream.fork', () => {
  it('gives the same stream for the same (seed, name) whatever the parent drew or forked before', () => {
    const plain = draws(createRandom(9).fork('a'), 50);
    const busy = createRandom(9);
    draws(busy, 1000);
    draws(busy.fork('b'), 10);
    busy.poisson(30);
    expect(draws(busy.fork('a'), 50)).toEqual(plain);
  });

  it('does not consume draws from the parent', () => {
    const a = createRandom(10);
    const b = createRandom(10);
    a.fork('x');
    a.fork('y').next();
    expect(draws(a, 20)).toEqual(draws(b, 20));
  });

  it('derives different streams for different names, parents and nesting', () => {
    const root = createRandom(11);
    const seqs = [
      draws(root, 5),
      draws(createRandom(11).fork('a'), 5),
      draws(createRandom(11).fork('b'), 5),
      draws(createRandom(12).fork('a'), 5),
      draws(createRandom(11).fork('a').fork('b'), 5),
      draws(createRandom(11).fork('ab'), 5),
      draws(createRandom(11).fork(''), 5),
    ];
    expect(new Set(seqs.map((s) => s.join(','))).size).toBe(seqs.length);
  });

  it('gives sibling streams with correlation within 5 standard errors of 0', () => {
    const a = draws(createRandom(13).fork('flow0'), N);
    const b = draws(createRandom(13).fork('flow1'), N);
    const ma = meanVar(a);
    const mb = meanVar(b);
    let c = 0;
    for (let i = 0; i < N; i++) c += (a[i] - ma.mean) * (b[i] - mb.mean);
    const r = c / (N - 1) / Math.sqrt(ma.variance * mb.variance);
    expect(Math.abs(r)).toBeLessThan(5 / Math.sqrt(N));
  });

  it('is independent of any other operations on the parent (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.string(),
        fc.array(fc.oneof(fc.string(), fc.integer({ min: 0, max: 20 }))),
        (seed, name, ops) => {
          const reference = draws(createRandom(seed).fork(name), 8);
          const parent = createRandom(seed);
          for (const op of ops) {
            if (typeof op === 'string') parent.fork(op).next();
            else for (let i = 0; i < op; i++) parent.next();
          }
          expect(draws(parent.fork(name), 8)).toEqual(reference);
        },
      ),
      { seed: 2024, numRuns: 200 },
    );
  });

  it('refuses a name that is not a string with UsageError', () => {
    expect(() => createRandom(1).fork(3 as unknown as string)).toThrow(UsageError);
  });
});
