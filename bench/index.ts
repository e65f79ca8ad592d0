/**
 * Every benchmark by name, loaded on demand (the distributed one needs BullMQ,
 * the report one a browser driver), and a run of several with one summary:
 * each benchmark's verdict, then every failure of all of them. Used by
 * `greenwave bench` and `npm run bench`.
 */
import { exitCode, runBenchmark, type BenchResult, type Benchmark, type RunOptions } from './harness.js';

/** Names of the benchmarks, in the order `all` runs them. */
export const BENCHMARK_NAMES = ['routing', 'sim', 'pool', 'distributed', 'report', 'calibrate', 'city'] as const;

/** A benchmark's name. */
export type BenchmarkName = (typeof BENCHMARK_NAMES)[number];

const LOADERS: Record<BenchmarkName, () => Promise<Benchmark>> = {
  routing: async () => (await import('./routing.js')).routingBenchmark,
  sim: async () => (await import('./sim.js')).simBenchmark,
  pool: async () => (await import('./pool.js')).poolBenchmark,
  distributed: async () => (await import('./distributed.js')).distributedBenchmark,
  report: async () => (await import('./report.js')).reportBenchmark,
  calibrate: async () => (await import('./calibrate.js')).calibrateBenchmark,
  city: async () => (await import('./city.js')).cityBenchmark,
};

/** Whether `name` is a benchmark's name. */
export function isBenchmarkName(name: string): name is BenchmarkName {
  return (BENCHMARK_NAMES as readonly string[]).includes(name);
}

/** The summary of several results: one line each, then every failure. */
export function summaryOf(results: readonly BenchResult[]): string {
  const lines = ['benchmarks:'];
  for (const r of results) lines.push(`  ${r.benchmark.padEnd(12)} ${r.verdict.toUpperCase()}${r.verdict === 'skip' ? ` (${r.skipped})` : ''}`);
  const failures = results.flatMap((r) => r.failures.map((f) => `${r.benchmark}: ${f}`));
  lines.push(failures.length === 0 ? 'no failures' : `${failures.length} failure(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  return lines.join('\n');
}

/**
 * Run the named benchmarks one after another (each writes its JSON into
 * `options.outDir`), print the summary when there is more than one, and
 * resolve to the results and the exit code (1 when any failed).
 */
export async function runBenchmarks(names: readonly BenchmarkName[], options: Omit<RunOptions, 'out'>): Promise<{ results: BenchResult[]; code: number }> {
  const results: BenchResult[] = [];
  for (const name of names) results.push(await runBenchmark(await LOADERS[name](), options));
  if (results.length > 1) (options.print ?? ((t: string) => { process.stdout.write(`${t}\n`); }))(summaryOf(results));
  return { results, code: exitCode(results) };
}
