/**
 * The long fuzzing run (the quick one is part of `npm test`, test/fuzz/fuzz.test.ts):
 *
 *   npm run fuzz -- --cases 5000                 every entry point in turn, seed 1
 *   npm run fuzz -- --seed 7 --only 1234,2001    reproduce cases of a run
 *   npm run fuzz -- --cases 500 --targets sumo,cityflow --cli dist --keep out/fuzz
 *
 * Options: --cases (default 1000), --seed (1), --only (case numbers), --timeout
 * (ms of CPU time per case, 20000; a case that uses no CPU for a minute is
 * blocked: neither fires because the machine is busy), --threads (2), --cli-every (20: every n-th case also
 * through the real CLI), --cli (tsx: from source; dist: node dist/cli/main.js,
 * build first), --targets (scenario,sumo,osm,cityflow,checkpoint), --keep (where
 * findings are kept with a reproducer; default out/fuzz), --json (the report as
 * JSON). Exit code 0 when nothing but successes and located user errors came
 * out, 1 otherwise.
 */
import { fuzz, formatReport } from '../test/fuzz/runner.js';
import { TARGETS, type TargetName } from '../test/fuzz/targets.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const int = (name: string, fallback: number): number => {
  const raw = option(name);
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${raw}"`);
  return n;
};
const targets = option('targets')?.split(',') as TargetName[] | undefined;
for (const t of targets ?? []) if (!(TARGETS as readonly string[]).includes(t)) throw new Error(`--targets: unknown target "${t}" (${TARGETS.join(', ')})`);
const cli = option('cli') ?? 'tsx';
if (cli !== 'tsx' && cli !== 'dist') throw new Error('--cli must be tsx or dist');

const report = await fuzz({
  cases: int('cases', 1000),
  seed: int('seed', 1),
  ...(option('only') !== undefined ? { only: option('only')!.split(',').map(Number) } : {}),
  timeoutMs: int('timeout', 20_000),
  threads: Math.max(1, int('threads', 2)),
  cliEvery: Math.max(1, int('cli-every', 20)),
  cli,
  ...(targets ? { targets } : {}),
  keep: option('keep') ?? 'out/fuzz',
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
process.exitCode = report.findings.length === 0 ? 0 : 1;
