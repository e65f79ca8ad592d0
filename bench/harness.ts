/**
 * The benchmark harness, one import for every `bench/` script: seeded inputs and
 * a sink (basics), interleaved comparisons with their spread (compare), the
 * reference workload for peers that cannot run in this process (reference,
 * external), cases and verdicts (result), and the runner that prints the table
 * and writes bench/results/<name>.json (run). Speed gates are ratios of two
 * sides measured in the same process, never one side's absolute time.
 */
export { seededRandom, sink, median, measure, table, ms, times, type Timing } from './harness/basics.js';
export {
  compare, medianInterval, summariseRatios, type Clock, type Comparison, type CompareOptions, type RatioSummary, type Side, type SideSamples,
} from './harness/compare.js';
export { runExternal, externalSide, processCpuMs, type ExternalTiming } from './harness/external.js';
export { referenceWorkload, REFERENCE_NAME, REFERENCE_VERSION } from './harness/reference.js';
export { Progress, type ProgressStream } from './harness/progress.js';
export {
  caseResult, gitCommit, loadavg, machine, writeJson, type BenchResult, type CaseKind, type CaseResult, type Verdict,
} from './harness/result.js';
export {
  BenchContext, BenchmarkSkipped, exitCode, resultTable, runBenchmark, runIfMain, verdictLine, type Benchmark, type RunOptions,
} from './harness/run.js';
