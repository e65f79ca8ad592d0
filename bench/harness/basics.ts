/**
 * Small pieces every benchmark uses: seeded inputs, a sink that keeps results
 * alive so the JIT cannot drop the work, a median, the plain repeated timer
 * (`measure`, for figures that are reported but never gated), aligned tables
 * and human-readable durations. Gates are built from the interleaved
 * comparisons in ./compare.ts, never from one side's absolute time.
 */
import { performance } from 'node:perf_hooks';

/** Deterministic 32-bit PRNG (mulberry32) for benchmark inputs. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Accumulates results so the work that produced them cannot be optimised away. */
export const sink = { value: 0 };

/** Median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Timing of one measured operation (wall clock). */
export interface Timing {
  /** Operations per sample. */
  ops: number;
  /** Every sample's time per operation, ms. */
  samplesMs: number[];
  /** Median time per operation, ms. */
  medianMs: number;
  /** Operations per second at the median. */
  opsPerSec: number;
  /** (max - min) / median of the samples, as a fraction. */
  spread: number;
}

/**
 * Time `run` (which performs `ops` operations and returns a number for the sink):
 * `warmup` untimed calls, then `samples` timed calls, wall clock. For figures that
 * are reported, not gated (a gate compares two sides: see `compare`).
 */
export function measure(run: () => number, ops: number, samples: number, warmup = 1): Timing {
  for (let i = 0; i < warmup; i++) sink.value += run();
  const samplesMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    sink.value += run();
    samplesMs.push((performance.now() - t0) / ops);
  }
  const medianMs = median(samplesMs);
  return {
    ops,
    samplesMs,
    medianMs,
    opsPerSec: 1000 / medianMs,
    spread: (Math.max(...samplesMs) - Math.min(...samplesMs)) / medianMs,
  };
}

/** Format a table of rows (first row = header) with aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** Human-readable duration of `value` ms. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 1) return `${value.toFixed(2)} ms`;
  return `${(value * 1000).toFixed(1)} µs`;
}

/** A ratio as `12.3x` (3 significant digits below 10). */
export function times(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 10 ? `${value.toFixed(1)}x` : `${value.toFixed(2)}x`;
}
