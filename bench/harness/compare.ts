/**
 * Interleaved comparison of two workloads in one process, the measurement every
 * speed gate is built on. The two sides take turns (subject, peer, peer,
 * subject, ...), each sample long enough to span many scheduler slices and
 * both sides' samples about equally long, so load from other processes falls on
 * both alike. Each pair gives one ratio (peer time / subject time: above 1 the
 * subject is faster); the result is the median of those per-pair ratios with a
 * 95% bootstrap interval, and pairs are added until that interval is narrow
 * (or the pair or time budget is spent), so a ratio never comes without its
 * own spread.
 *
 * The default clock is the process's CPU time (user + system, all threads:
 * `process.cpuUsage`), which does not advance while the process waits for a
 * core another process holds; wall time is recorded beside it. Use the wall
 * clock for sides whose work happens in other processes (a browser, a queue).
 */
import { performance } from 'node:perf_hooks';
import { median, seededRandom, sink } from './basics.js';

/** Which clock times the samples. */
export type Clock = 'cpu' | 'wall';

/** One side of a comparison. */
export interface Side {
  /** What it is, as the table shows it. */
  name: string;
  /** Operations one call performs; times are reported per operation (default 1). */
  ops?: number;
  /** One call of the work; returns a number for the sink (or a promise of one). */
  run: () => number | void | Promise<number | void>;
  /**
   * For work done by another process (`runExternal`): one call that reports its
   * own times, ms, used instead of this process's clocks.
   */
  timed?: () => Promise<{ cpuMs: number; wallMs: number }>;
}

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Clock of the samples and the ratio (default `cpu`). */
  clock?: Clock;
  /** Untimed calls of each side first, at least (default 2); the last sizes the samples. */
  warmup?: number;
  /** Keep warming each side up until it has run this long, ms on the clock (default 500): the JIT settles first. */
  warmupMs?: number;
  /** Shortest sample, ms on the clock: a shorter call is repeated within a sample (default 250). */
  sampleMs?: number;
  /** Longest sample the sizing aims for, ms (default 3000): a side slower than this is not repeated to match it. */
  maxSampleMs?: number;
  /** Pairs taken at least (default 5). */
  minPairs?: number;
  /** Pairs taken at most (default 30). */
  maxPairs?: number;
  /** Stop once the 95% interval of the median ratio is within this fraction of it, (high - low) / ratio (default 0.1). */
  maxSpread?: number;
  /** Stop adding pairs after this much wall time, ms, once `minPairs` are in (default 30,000). */
  budgetMs?: number;
  /** Called after every pair with the ratio so far. */
  onPair?: (summary: RatioSummary) => void;
}

/** A median ratio with its 95% interval. */
export interface RatioSummary {
  /** Median of the per-pair ratios (peer time / subject time). */
  ratio: number;
  /** 2.5th and 97.5th percentiles of the bootstrapped median. */
  low: number;
  high: number;
  /** (high - low) / ratio. */
  spread: number;
  /** Pairs so far. */
  pairs: number;
}

/** The samples of one side. */
export interface SideSamples {
  name: string;
  /** Operations per call. */
  ops: number;
  /** Calls per sample. */
  calls: number;
  /** Per sample, ms per operation, CPU time of the process. */
  cpuMs: number[];
  /** Per sample, ms per operation, wall time. */
  wallMs: number[];
  /** Medians of the above. */
  medianCpuMs: number;
  medianWallMs: number;
}

/** The outcome of {@link compare}. */
export interface Comparison extends RatioSummary {
  clock: Clock;
  subject: SideSamples;
  peer: SideSamples;
  /** Per pair: peer time / subject time per operation, on `clock`. */
  ratios: number[];
  /** The same ratio on the other clock (median of per-pair ratios), for information. */
  otherClockRatio: number;
}

interface Reading { cpu: number; wall: number }

function now(): Reading {
  const c = process.cpuUsage();
  return { cpu: (c.user + c.system) / 1000, wall: performance.now() };
}

async function timedCalls(side: Side, calls: number): Promise<Reading> {
  if (side.timed !== undefined) {
    const sum = { cpu: 0, wall: 0 };
    for (let i = 0; i < calls; i++) {
      const r = await side.timed();
      sum.cpu += r.cpuMs;
      sum.wall += r.wallMs;
    }
    return sum;
  }
  const t0 = now();
  let s = 0;
  for (let i = 0; i < calls; i++) {
    const r = side.run();
    const v = typeof r === 'number' ? r : await r;
    if (typeof v === 'number') s += v;
  }
  const t1 = now();
  sink.value += s;
  return { cpu: t1.cpu - t0.cpu, wall: t1.wall - t0.wall };
}

/**
 * 95% bootstrap interval of the median of `values` (2,000 resamples from a fixed
 * seed, so the same samples always give the same interval).
 */
export function medianInterval(values: readonly number[]): { low: number; high: number } {
  if (values.length < 2) return { low: values[0] ?? NaN, high: values[0] ?? NaN };
  const rnd = seededRandom(values.length * 7919);
  const medians = new Float64Array(2000);
  const draw = new Float64Array(values.length);
  for (let b = 0; b < medians.length; b++) {
    for (let i = 0; i < draw.length; i++) draw[i] = values[Math.floor(rnd() * values.length)];
    draw.sort();
    const mid = draw.length >> 1;
    medians[b] = draw.length % 2 === 1 ? draw[mid] : (draw[mid - 1] + draw[mid]) / 2;
  }
  medians.sort();
  return { low: medians[Math.floor(0.025 * medians.length)], high: medians[Math.ceil(0.975 * medians.length) - 1] };
}

/** Median and interval of per-pair ratios. */
export function summariseRatios(ratios: readonly number[]): RatioSummary {
  const ratio = median(ratios);
  const { low, high } = medianInterval(ratios);
  return { ratio, low, high, spread: (high - low) / ratio, pairs: ratios.length };
}

/**
 * Compare `subject` against `peer`, interleaved, in this process. Resolves to
 * the median per-pair ratio peer/subject (time per operation) with its interval
 * and every sample.
 */
export async function compare(subject: Side, peer: Side, options: CompareOptions = {}): Promise<Comparison> {
  const clock = options.clock ?? 'cpu';
  const minPairs = options.minPairs ?? 5;
  const maxPairs = Math.max(minPairs, options.maxPairs ?? 30);
  const maxSpread = options.maxSpread ?? 0.1;
  const budgetMs = options.budgetMs ?? 30_000;
  const sampleMs = options.sampleMs ?? 250;
  const maxSampleMs = options.maxSampleMs ?? 3000;
  const warmup = Math.max(1, options.warmup ?? 2);
  const warmupMs = options.warmupMs ?? 500;
  const read = (r: Reading): number => (clock === 'cpu' ? r.cpu : r.wall);

  // Warm up (the JIT settles) and size the samples so both sides' samples last about as long.
  const single = { subject: Infinity, peer: Infinity };
  const spent = { subject: 0, peer: 0 };
  for (let i = 0; i < warmup || spent.subject < warmupMs || spent.peer < warmupMs; i++) {
    if (i >= 50) break;
    for (const side of ['subject', 'peer'] as const) {
      if (i >= warmup && spent[side] >= warmupMs) continue;
      const t = read(await timedCalls(side === 'subject' ? subject : peer, 1));
      spent[side] += t;
      single[side] = i < 1 ? t : Math.min(single[side], t);
    }
  }
  const target = Math.max(sampleMs, Math.min(maxSampleMs, Math.max(single.subject, single.peer)));
  const callsFor = (t: number): number => Math.max(1, Math.round(target / Math.max(t, 0.001)));
  const sides = {
    subject: { side: subject, calls: callsFor(single.subject), ops: subject.ops ?? 1, cpu: [] as number[], wall: [] as number[] },
    peer: { side: peer, calls: callsFor(single.peer), ops: peer.ops ?? 1, cpu: [] as number[], wall: [] as number[] },
  };
  const ratios: number[] = [];
  const other: number[] = [];
  const start = performance.now();
  let summary: RatioSummary = { ratio: NaN, low: NaN, high: NaN, spread: NaN, pairs: 0 };
  for (let pair = 0; pair < maxPairs; pair++) {
    const order = pair % 2 === 0 ? [sides.subject, sides.peer] : [sides.peer, sides.subject];
    for (const s of order) {
      const r = await timedCalls(s.side, s.calls);
      const per = s.calls * s.ops;
      s.cpu.push(r.cpu / per);
      s.wall.push(r.wall / per);
    }
    const at = sides.subject.cpu.length - 1;
    const cpuRatio = sides.peer.cpu[at] / sides.subject.cpu[at];
    const wallRatio = sides.peer.wall[at] / sides.subject.wall[at];
    ratios.push(clock === 'cpu' ? cpuRatio : wallRatio);
    other.push(clock === 'cpu' ? wallRatio : cpuRatio);
    summary = summariseRatios(ratios);
    options.onPair?.(summary);
    if (ratios.length >= minPairs && (summary.spread <= maxSpread || performance.now() - start > budgetMs)) break;
  }
  const samples = (s: typeof sides.subject): SideSamples => ({
    name: s.side.name, ops: s.ops, calls: s.calls, cpuMs: s.cpu, wallMs: s.wall, medianCpuMs: median(s.cpu), medianWallMs: median(s.wall),
  });
  return { ...summary, clock, subject: samples(sides.subject), peer: samples(sides.peer), ratios, otherClockRatio: median(other) };
}
