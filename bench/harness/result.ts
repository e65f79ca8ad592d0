/**
 * What a benchmark run produces: its cases (ratios against a peer, limits,
 * correctness checks, reported figures), one verdict, every failure named, and
 * the facts needed to read it later (commit, Node, CPU, load average). Written
 * as bench/results/<name>.json by the runner (./run.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a case is: a gated or reported ratio, a limit on a value, a correctness check, or a figure. */
export type CaseKind = 'ratio' | 'limit' | 'check' | 'figure';

/** One row of a benchmark's result. */
export interface CaseResult {
  /** What was measured. */
  name: string;
  kind: CaseKind;
  /** The value (a ratio: peer time / greenwave time), null when it could not be measured. */
  value: number | null;
  /** Unit of `value` (`x` for ratios). */
  unit: string;
  /** What greenwave is compared with, for ratios. */
  against: string | null;
  /** 95% interval of a ratio's median, [low, high]. */
  interval: [number, number] | null;
  /** Pairs of interleaved samples behind a ratio. */
  pairs: number | null;
  /** The gate: `value` must be at least `floor` ... */
  floor: number | null;
  /** ... or at most `ceiling`. */
  ceiling: number | null;
  /** The project's target for this figure, as text (reported, not gated: gates are the floors). */
  target: string | null;
  /** Whether the gate passed; null when the case is not gated. */
  pass: boolean | null;
  /** One line of explanation (how the value was derived, what the check found). */
  detail: string | null;
  /** Samples and other raw data. */
  data?: unknown;
}

/** The verdict of a run: every gate passed, some failed, or the benchmark could not run here. */
export type Verdict = 'pass' | 'fail' | 'skip';

/** The whole result of one benchmark run: bench/results/<name>.json. */
export interface BenchResult {
  benchmark: string;
  mode: 'ci' | 'full';
  verdict: Verdict;
  /** One line per failed gate or error; empty when the verdict is pass. */
  failures: string[];
  /** Why the benchmark did not run (verdict skip). */
  skipped: string | null;
  /** git commit of the checkout (with `-dirty` when it has changes), null outside git. */
  commit: string | null;
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run ended, and when it started. */
  loadavg: number[];
  loadavgStart: number[];
  date: string;
  /** Wall time of the whole run, s. */
  durationS: number;
  cases: CaseResult[];
  /** Benchmark-specific figures. */
  data: Record<string, unknown>;
}

/** A case with every optional field filled with null. */
export function caseResult(fields: Partial<CaseResult> & Pick<CaseResult, 'name' | 'kind' | 'value' | 'unit'>): CaseResult {
  return {
    against: null, interval: null, pairs: null, floor: null, ceiling: null, target: null, pass: null, detail: null, ...fields,
  };
}

/** Whether a case's value meets its gate (null when it has none). */
export function judge(c: Pick<CaseResult, 'value' | 'floor' | 'ceiling' | 'kind' | 'pass'>): boolean | null {
  if (c.kind === 'check') return c.pass;
  if (c.floor === null && c.ceiling === null) return null;
  if (c.value === null || !Number.isFinite(c.value)) return false;
  return (c.floor === null || c.value >= c.floor) && (c.ceiling === null || c.value <= c.ceiling);
}

/** The failure line of a failed case. */
export function failureLine(c: CaseResult): string {
  if (c.kind === 'check') return `${c.name}: ${c.detail ?? 'check failed'}`;
  const u = c.unit === 'x' || c.unit === '' ? c.unit : ` ${c.unit}`;
  const value = c.value === null || !Number.isFinite(c.value) ? 'not measured' : `${round(c.value)}${u}`;
  const gate = c.floor !== null ? `floor ${c.floor}${u}` : `limit ${c.ceiling}${u}`;
  return `${c.name}: ${value} (${gate})`;
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The checkout's commit, `-dirty` when it has uncommitted changes; null when not in git. */
export function gitCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${head}-dirty` : head;
  } catch {
    return null;
  }
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

/** Load averages rounded to 0.01. */
export function loadavg(): number[] {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

/** Write `data` as pretty JSON, creating the folder. */
export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
