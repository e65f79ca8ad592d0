/**
 * `npm run bench` and friends: run benchmarks by name (default all) in full or
 * CI mode; exit 1 when any gate failed. The same as `greenwave bench`.
 *
 *   tsx bench/main.ts [routing|sim|pool|distributed|report|calibrate|city|all ...] [--ci] [--out-dir dir]
 */
import { parseArgs } from 'node:util';
import { BENCHMARK_NAMES, isBenchmarkName, runBenchmarks, type BenchmarkName } from './index.js';

const { values, positionals } = parseArgs({ options: { ci: { type: 'boolean', default: false }, 'out-dir': { type: 'string' } }, allowPositionals: true });
const asked = positionals.length === 0 || positionals.includes('all') ? [...BENCHMARK_NAMES] : positionals;
const unknown = asked.filter((n) => !isBenchmarkName(n));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; the benchmarks are ${BENCHMARK_NAMES.join(', ')} and all\n`);
  process.exit(2);
}
const { code } = await runBenchmarks(asked as BenchmarkName[], { ci: values.ci === true, ...(values['out-dir'] !== undefined ? { outDir: values['out-dir'] } : {}) });
process.exitCode = code;
