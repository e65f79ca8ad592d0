/**
 * The benchmark runner: a benchmark is a named function that fills a context
 * with cases (interleaved ratios against a peer, limits, correctness checks,
 * figures); the runner shows progress, prints one table and one verdict line,
 * writes bench/results/<name>.json, and gives the exit code. Gates are judged
 * the same way in full and in CI mode (CI runs fewer, shorter cases), so no
 * run prints FAIL and exits 0. An exception inside a benchmark (a peer that
 * disagrees with greenwave, a crash) is a failure with its message, not a crash
 * of the runner.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { ms, table, times } from './basics.js';
import { compare, type Comparison, type CompareOptions, type Side } from './compare.js';
import { Progress, type ProgressStream } from './progress.js';
import {
  caseResult, failureLine, gitCommit, judge, loadavg, machine, writeJson, type BenchResult, type CaseResult,
} from './result.js';

/** A benchmark: a name, a one-line title, and the work. */
export interface Benchmark {
  /** File name of its results (bench/results/<name>.json) and its name on the command line. */
  name: string;
  /** One line: what it measures and against what. */
  title: string;
  /** Extra `--name value` options of the script form (name -> what it sets), read from `ctx.args`. */
  args?: Record<string, string>;
  run(ctx: BenchContext): Promise<void>;
}

/** Thrown by {@link BenchContext.skip}: the benchmark cannot run on this machine. */
export class BenchmarkSkipped extends Error {}

/** Options of a run. */
export interface RunOptions {
  /** CI mode: fewer and shorter cases, same gates. */
  ci: boolean;
  /** Where the JSON goes (default bench/results/<name>.json). */
  out?: string;
  /** Folder of the JSON when `out` is not given (default bench/results). */
  outDir?: string;
  /** Progress lines (default process.stderr). */
  progress?: ProgressStream;
  /** Where the table and verdict go (default process.stdout). */
  print?: (text: string) => void;
  /** Values of the benchmark's extra options. */
  args?: Record<string, string | undefined>;
}

/** What a benchmark's code adds its cases to. */
export class BenchContext {
  readonly cases: CaseResult[] = [];
  readonly data: Record<string, unknown> = {};
  readonly notes: string[] = [];
  readonly progress: Progress;

  constructor(readonly ci: boolean, readonly name: string, stream: ProgressStream, readonly args: Record<string, string | undefined> = {}) {
    this.progress = new Progress(name, stream);
  }

  /** A progress line for the next step. */
  step(label: string): void {
    this.progress.step(label);
  }

  /** {@link compare} with progress: a step line, then the pairs as they come. */
  async compare(label: string, subject: Side, peer: Side, options: CompareOptions = {}): Promise<Comparison> {
    this.step(`${label}: ${subject.name} vs ${peer.name}`);
    const result = await compare(subject, peer, {
      ...options,
      onPair: (s) => {
        this.progress.update(`pair ${s.pairs}: ${times(s.ratio)} (95% ${times(s.low)}-${times(s.high)})`);
        options.onPair?.(s);
      },
    });
    this.progress.clear();
    return result;
  }

  /**
   * A ratio case from a comparison. `scale` turns the measured ratio into a
   * derived one (peer figure recorded against a reference workload: see
   * peers/recorded.ts); `floor` (or `ceiling`, for a cost) gates it.
   */
  ratio(name: string, c: Comparison, options: { against?: string; floor?: number; ceiling?: number; target?: string; scale?: number; detail?: string } = {}): CaseResult {
    const k = options.scale ?? 1;
    return this.add(caseResult({
      name,
      kind: 'ratio',
      value: c.ratio * k,
      unit: 'x',
      against: options.against ?? c.peer.name,
      interval: [c.low * k, c.high * k],
      pairs: c.pairs,
      floor: options.floor ?? null,
      ceiling: options.ceiling ?? null,
      target: options.target ?? null,
      detail: options.detail ?? null,
      data: {
        clock: c.clock,
        subject: c.subject,
        peer: c.peer,
        ratios: c.ratios,
        scale: k,
        otherClockRatio: c.otherClockRatio * k,
      },
    }));
  }

  /** A value that must stay within a limit (`max` and/or `min`). */
  limit(name: string, value: number | null, unit: string, options: { max?: number; min?: number; target?: string; detail?: string }): CaseResult {
    return this.add(caseResult({
      name, kind: 'limit', value, unit, floor: options.min ?? null, ceiling: options.max ?? null, target: options.target ?? null, detail: options.detail ?? null,
    }));
  }

  /** A correctness check (a gate that is a yes or a no). */
  check(name: string, ok: boolean, detail: string): CaseResult {
    return this.add(caseResult({ name, kind: 'check', value: ok ? 1 : 0, unit: '', pass: ok, detail }));
  }

  /** A reported figure, not gated. */
  figure(name: string, value: number | null, unit: string, detail?: string, data?: unknown): CaseResult {
    return this.add(caseResult({ name, kind: 'figure', value, unit, detail: detail ?? null, ...(data !== undefined ? { data } : {}) }));
  }

  /** A line printed under the table. */
  note(line: string): void {
    this.notes.push(line);
  }

  /** Stop: the benchmark cannot run here (a missing program), said in the verdict. */
  skip(reason: string): never {
    throw new BenchmarkSkipped(reason);
  }

  private add(c: CaseResult): CaseResult {
    c.pass = judge(c);
    this.cases.push(c);
    return c;
  }
}

function valueText(c: CaseResult): string {
  if (c.kind === 'check') return c.pass ? 'yes' : 'NO';
  if (c.value === null) return '-';
  if (c.unit === 'x') return times(c.value);
  if (c.unit === 'ms') return ms(c.value);
  const v = Math.abs(c.value) >= 1e6 ? c.value.toExponential(2) : Math.abs(c.value) >= 100 ? c.value.toFixed(0) : Math.abs(c.value) >= 10 ? c.value.toFixed(1) : c.value.toFixed(2);
  return `${v} ${c.unit}`.trim();
}

function timesOf(c: CaseResult): [string, string] {
  const d = c.data as { clock?: string; subject?: { medianCpuMs: number; medianWallMs: number }; peer?: { medianCpuMs: number; medianWallMs: number } } | undefined;
  if (c.kind !== 'ratio' || d?.subject === undefined || d.peer === undefined) return ['', ''];
  const pick = (s: { medianCpuMs: number; medianWallMs: number }): number => (d.clock === 'wall' ? s.medianWallMs : s.medianCpuMs);
  return [ms(pick(d.subject)), ms(pick(d.peer))];
}

/** The table of a result. */
export function resultTable(result: BenchResult): string {
  const rows = [['case', 'greenwave', 'peer', 'value', '95% interval', 'pairs', 'against', 'gate', 'result']];
  for (const c of result.cases) {
    const [subject, peer] = timesOf(c);
    const gate = c.kind === 'check' ? 'must hold' : c.floor !== null ? `>= ${c.floor}${c.unit === 'x' ? 'x' : ` ${c.unit}`}` : c.ceiling !== null ? `<= ${c.ceiling}${c.unit === 'x' ? 'x' : ` ${c.unit}`}` : '';
    rows.push([
      c.name, subject, peer, valueText(c),
      c.interval ? `${times(c.interval[0])}-${times(c.interval[1])}` : '',
      c.pairs !== null ? String(c.pairs) : '',
      c.against ?? '',
      gate,
      c.pass === null ? '' : c.pass ? 'ok' : 'FAIL',
    ]);
  }
  return table(rows);
}

/** The one verdict line of a result. */
export function verdictLine(result: BenchResult): string {
  const gated = result.cases.filter((c) => c.pass !== null).length;
  const how = `${result.mode} mode, ${result.durationS.toFixed(0)} s, load ${result.loadavgStart[0]}-${result.loadavg[0]}`;
  if (result.verdict === 'skip') return `${result.benchmark}: SKIPPED — ${result.skipped} (${how})`;
  if (result.verdict === 'pass') return `${result.benchmark}: PASS — ${gated} gate(s) passed (${how})`;
  return `${result.benchmark}: FAIL — ${result.failures.length} failure(s) (${how}):\n${result.failures.map((f) => `  - ${f}`).join('\n')}`;
}

/** Run one benchmark: progress, table, verdict line, JSON file. */
export async function runBenchmark(bench: Benchmark, options: RunOptions): Promise<BenchResult> {
  const print = options.print ?? ((text: string) => { process.stdout.write(`${text}\n`); });
  const ctx = new BenchContext(options.ci, bench.name, options.progress ?? process.stderr, options.args);
  const loadStart = loadavg();
  const t0 = Date.now();
  const info = machine();
  ctx.step(`${bench.title} (${options.ci ? 'CI' : 'full'} mode; ${info.cpu}, ${info.cores} cores, Node ${info.node}, load ${loadStart[0]})`);
  let error: string | null = null;
  let skipped: string | null = null;
  try {
    await bench.run(ctx);
  } catch (e) {
    if (e instanceof BenchmarkSkipped) skipped = e.message;
    else error = e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack.split('\n').slice(1, 4).join('\n')}` : ''}` : String(e);
  }
  ctx.progress.clear();
  const failures = ctx.cases.filter((c) => c.pass === false).map(failureLine);
  if (error !== null) failures.push(`error: ${error}`);
  const result: BenchResult = {
    benchmark: bench.name,
    mode: options.ci ? 'ci' : 'full',
    verdict: failures.length > 0 ? 'fail' : skipped !== null ? 'skip' : 'pass',
    failures,
    skipped,
    commit: gitCommit(),
    node: info.node,
    cpu: info.cpu,
    cores: info.cores,
    platform: info.platform,
    loadavg: loadavg(),
    loadavgStart: loadStart,
    date: info.date,
    durationS: (Date.now() - t0) / 1000,
    cases: ctx.cases,
    data: ctx.data,
  };
  const out = options.out ?? join(options.outDir ?? 'bench/results', `${bench.name}.json`);
  writeJson(out, result);
  if (ctx.cases.length > 0) print(`\n${bench.title}\n\n${resultTable(result)}`);
  if (ctx.notes.length > 0) print(`\n${ctx.notes.join('\n')}`);
  print(`\n${verdictLine(result)}\nresults: ${out}\n`);
  return result;
}

/** Exit code of a set of results: 1 when any failed. */
export function exitCode(results: readonly BenchResult[]): number {
  return results.some((r) => r.verdict === 'fail') ? 1 : 0;
}

/**
 * Run `bench` when `moduleUrl` is the script node was started with
 * (`tsx bench/routing.ts [--ci] [--out file]`).
 */
export async function runIfMain(moduleUrl: string, bench: Benchmark): Promise<void> {
  // Worker threads inherit the main thread's argv: only the main thread runs the script.
  if (!isMainThread || process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const extra = Object.fromEntries(Object.keys(bench.args ?? {}).map((name) => [name, { type: 'string' as const }]));
  const { values } = parseArgs({ options: { ci: { type: 'boolean', default: false }, out: { type: 'string' }, ...extra }, strict: true });
  const given = values as Record<string, string | boolean | undefined>;
  const args = Object.fromEntries(Object.keys(bench.args ?? {}).map((name) => [name, typeof given[name] === 'string' ? given[name] : undefined]));
  const result = await runBenchmark(bench, { ci: values.ci === true, args, ...(typeof values.out === 'string' ? { out: values.out } : {}) });
  process.exitCode = exitCode([result]);
}
