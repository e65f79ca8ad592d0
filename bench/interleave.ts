/**
 * Ratios that a busy machine cannot fake: two workloads measured in the same
 * process, alternately (A B A B ...), each sample timed in CPU time of this
 * process (`process.cpuUsage`, user + system), so time spent waiting for a core
 * counts for neither. The ratio is taken per round (B / A of the same round,
 * when both met the same conditions) and summarised by its median, with its
 * spread (max - min) / median reported beside it.
 *
 * CPU time still moves with load (a sibling hyperthread halves throughput),
 * but it moves both sides of a round alike; the median of per-round ratios
 * then stays put where medians of separately timed runs do not.
 */
import { sink } from './harness.js';

/** One interleaved comparison. */
export interface RatioTiming {
  /** CPU time per operation of each A sample, ms. */
  aMs: number[];
  /** CPU time per operation of each B sample, ms. */
  bMs: number[];
  /** B / A per round. */
  ratios: number[];
  /** Median of `ratios`. */
  ratio: number;
  /** (max - min) / median of `ratios`. */
  spread: number;
  /** Median CPU time per operation of A and B, ms. */
  aMedianMs: number;
  bMedianMs: number;
}

/** CPU time of this process so far, ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Time `a` and `b` (each performs its stated number of operations and returns a
 * number for the sink, or a promise of one) alternately for `rounds` rounds after
 * `warmup` untimed calls of each; `progress` is told after every round. Which of
 * the two goes first alternates from round to round.
 */
export async function interleaved(
  a: { run: () => number | Promise<number>; ops: number },
  b: { run: () => number | Promise<number>; ops: number },
  rounds: number,
  warmup = 1,
  progress?: (round: number, timing: { aMs: number; bMs: number }) => void,
): Promise<RatioTiming> {
  for (let i = 0; i < warmup; i++) sink.value += (await a.run()) + (await b.run());
  const aMs: number[] = [];
  const bMs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always follows the other's garbage.
    const first = r % 2 === 0 ? a : b;
    const second = r % 2 === 0 ? b : a;
    let t0 = cpuMs();
    sink.value += await first.run();
    const t1 = cpuMs() - t0;
    t0 = cpuMs();
    sink.value += await second.run();
    const t2 = cpuMs() - t0;
    const ta = (r % 2 === 0 ? t1 : t2) / a.ops;
    const tb = (r % 2 === 0 ? t2 : t1) / b.ops;
    aMs.push(ta);
    bMs.push(tb);
    ratios.push(tb / ta);
    progress?.(r + 1, { aMs: ta, bMs: tb });
  }
  const ratio = median(ratios);
  return {
    aMs,
    bMs,
    ratios,
    ratio,
    spread: (Math.max(...ratios) - Math.min(...ratios)) / ratio,
    aMedianMs: median(aMs),
    bMedianMs: median(bMs),
  };
}
