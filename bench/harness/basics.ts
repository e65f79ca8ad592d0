/**
 * Benchmark harness shared by the `bench/` scripts: seeded data, warm-up,
 * repeated timed samples, median and spread, a sink that keeps results alive so
 * the JIT cannot drop the work, machine facts, and a result file writer.
 * Speed targets are ratios against a peer timed in the same process, so a slow
 * or busy machine moves both sides together.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
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

/** Timing of one measured operation. */
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

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Time `run` (which performs `ops` operations and returns a number for the sink):
 * `warmup` untimed calls, then `samples` timed calls.
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

/** Facts about the machine and runtime, recorded with every result. */
export function machine(): { node: string; cpu: string; cores: number; platform: string; date: string } {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}

/** Write `data` as pretty JSON, creating the folder. */
export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** Format a table of rows (first row = header) with aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** Human-readable duration. */
export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 1) return `${value.toFixed(2)} ms`;
  return `${(value * 1000).toFixed(1)} µs`;
}
