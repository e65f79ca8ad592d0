#!/usr/bin/env node
/**
 * The `greenwave` command for planners: `run` a scenario file and read a summary
 * table (files under --out), or `validate` it. Exit codes: 0 success, 2 bad input
 * (scenario, network, demand or option mistakes: a located message, no stack
 * trace), 1 a runtime failure (with --debug, the stack). The optimise, import
 * and report commands join as their milestones land.
 */
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { GreenwaveError, UsageError } from '../engine/errors.js';
import { runCommand, validateCommand } from './commands.js';
import { optimiseCommand } from './optimise.js';
import { registerImportCommand } from './import.js';
import { registerCalibrateCommand } from './calibrate.js';
import { reportCommand } from './report.js';
import { VERSION } from './version.js';
import { registerWorkerCommand } from './worker.js';

function integer(name: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${value}"`);
    return n;
  };
}

/** Build the command-line program (exported for tests). */
export function program(): Command {
  const cli = new Command('greenwave')
    .description('Traffic signal simulation and optimisation: run scenario files and read the results.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'show stack traces for every error')
    .showHelpAfterError('(run "greenwave --help" for usage)')
    .exitOverride() // set before the subcommands are added: they copy it
    .addHelpText('after', `
Examples:
  greenwave run scenarios/macau-peninsula/scenario.yaml
  greenwave run scenarios/grid-4x4/scenario.yaml --out results/grid --seed 7
  greenwave run scenarios/corridor/scenario.yaml --json > summary.json
  greenwave validate my-scenario.yaml
  greenwave import cityflow config.json -o hangzhou.json
  greenwave bench all --ci

Exit codes: 0 success, 1 runtime failure, 2 bad input (scenario, network, demand, options).
The scenario format is described by scenarios/schema.json and in the README.`);

  cli.command('run')
    .description('simulate a scenario; print a summary table and write output files')
    .argument('<scenario>', 'scenario file (.json, .yaml or .yml)')
    .option('-o, --out <dir>', 'output directory (default: the scenario\'s outputs.dir)')
    .option('--seed <n>', 'seed of the first replication (overrides the scenario)', integer('--seed', 0))
    .option('--replications <n>', 'number of replications, seeds seed, seed+1, ...', integer('--replications', 1))
    .option('-w, --workers <n>', `worker threads for replications (default: available parallelism, ${os.availableParallelism()} here)`, integer('--workers', 1))
    .option('--redis <url>', 'run the replications on `greenwave worker` processes through Redis (redis:// or rediss://)')
    .option('--job-id <id>', 'with --redis: the job id (the same id after a restart reuses finished replications)')
    .option('--json', 'print the summary as JSON on stdout instead of a table')
    .option('--no-files', 'write no output files')
    .option('-q, --quiet', 'no progress bar')
    .option('--progress-lines', 'a line on stderr as each replication finishes, instead of the bar (for logs and scripts)')
    .option('--report', 'also record queues over time and a corridor, and write report.html beside the outputs')
    .option('--corridor <from:to>', 'corridor of the report\'s time-space diagram, as two junction ids (default: busiest origin-destination route)')
    .option('--demand-scale <factor>', 'multiply the whole demand (flows, OD matrices; trips thinned or copied) by this factor, on top of the scenario\'s demand.scale', (v: string) => {
      const f = Number(v);
      if (!(f > 0 && f <= 100)) throw new InvalidArgumentError(`--demand-scale must be a factor > 0 and <= 100, got "${v}"`);
      return f;
    })
    .addHelpText('after', `
Examples:
  greenwave run scenario.yaml                      summary table; files in the scenario's outputs.dir
  greenwave run scenario.yaml --out out/am-peak    files in out/am-peak
  greenwave run scenario.yaml --replications 5     mean and 95% confidence interval over 5 seeds
  greenwave run scenario.yaml --replications 8 --workers 2   the 8 seeds on 2 worker threads (same numbers as --workers 1)
  greenwave run scenario.yaml --json               machine-readable summary (see README, "--json output")
  greenwave run scenario.yaml --report             outputs plus report.html (open it in a browser, works offline)
Ctrl-C stops replications early: what finished is reported (and written); a second Ctrl-C quits at once.`)
    .action(async (file: string, options) => {
      process.exitCode = await runCommand(file, { ...options, debug: cli.opts().debug === true });
    });

  const number = (name: string, min: number) => (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number >= ${min}, got "${value}"`);
    return n;
  };
  cli.command('optimise')
    .alias('optimize')
    .description('search signal plans (fixed time from Webster\'s, and actuated settings); compare current, Webster, actuated, max-pressure and optimised on held-out seeds')
    .argument('<scenario>', 'scenario file (.json, .yaml or .yml)')
    .option('-o, --out <dir>', 'output directory (default: <outputs.dir>/optimise)')
    .option('--budget <n>', 'candidate evaluations in all, shared evenly by the kinds of plan searched (each runs every training seed x demand variant; default 200 per kind)', integer('--budget', 2))
    .option('--control <kind>', 'kind of plan searched: fixed (cycle, splits, offsets), actuated (gap, detector setback, max greens) or auto (both; the better on the training seeds wins)', 'auto')
    .option('--time <minutes>', 'stop starting new batches after this many minutes', number('--time', 0))
    .option('-w, --workers <n>', `worker threads (default: available parallelism, ${os.availableParallelism()} here)`, integer('--workers', 1))
    .option('--seeds <n>', 'training seeds per candidate: seed, seed+1, ... (common random numbers)', integer('--seeds', 1), 3)
    .option('--held-out <n>', 'held-out seeds for the final comparison (never used in the search)', integer('--held-out', 2), 10)
    .option('--demand-scales <list>', 'demand variants averaged over, comma-separated factors', (v: string) => v.split(',').map((x) => {
      const f = Number(x);
      if (!(f > 0)) throw new InvalidArgumentError(`--demand-scales must be positive numbers separated by commas, got "${v}"`);
      return f;
    }))
    .option('--objective <name>', 'delay (mean delay per trip), travel-time or vehicle-hours', 'delay')
    .option('--method <name>', 'search method: compass (coordinate pattern search) or cmaes (separable CMA-ES)', 'compass')
    .option('--cycles <mode>', 'shared (one cycle, offsets coordinate every signal) or per-junction', 'shared')
    .option('--min-cycle <s>', 'shortest cycle searched, s', number('--min-cycle', 1))
    .option('--max-cycle <s>', 'longest cycle searched, s', number('--max-cycle', 1))
    .option('--resume', 'continue from the checkpoints in <out> (same scenario and options)')
    .option('--redis <url>', 'evaluate on `greenwave worker` processes through Redis instead of local threads')
    .option('--job-id <id>', 'with --redis: the job id (default: from the scenario and options, so a restart reuses finished evaluations)')
    .option('--no-compare', 'skip the held-out comparison')
    .option('--report', 'also write report.html (convergence, before/after table) in the output directory')
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress output')
    .addHelpText('after', `
Examples:
  greenwave optimise scenarios/corridor/scenario.yaml                  200 fixed-time + 200 actuated evaluations, then the comparison table
  greenwave optimise scenario.yaml --control fixed                     fixed-time plans only (200 evaluations from Webster)
  greenwave optimise scenario.yaml --budget 400 --time 30 --workers 8  stop at 400 evaluations or 30 minutes
  greenwave optimise scenario.yaml --resume                            continue a stopped run from its checkpoint
Ctrl-C stops after writing the checkpoint and the best plan so far; --resume continues.`)
    .action(async (file: string, options) => {
      process.exitCode = await optimiseCommand(file, { ...options, timeMinutes: options.time, debug: cli.opts().debug === true });
    });

  cli.command('bench')
    .description('run the benchmarks (routing, sim, pool, distributed, report, calibrate): ratios against peers timed in this process, one verdict each, results in <out-dir>/<name>.json')
    .argument('[names...]', 'benchmarks to run: routing, sim, pool, distributed, report, calibrate, or all', ['all'])
    .option('--ci', 'CI mode: shorter runs, the same gates; exit 1 when any gate fails')
    .option('--out-dir <dir>', 'where the JSON results go', 'bench/results')
    .addHelpText('after', `
Examples:
  greenwave bench routing         full routing benchmark: table on stdout, progress on stderr, bench/results/routing.json
  greenwave bench sim --ci        one benchmark's gates; exit 1 on a regression
  greenwave bench all --ci        every gate (what CI runs); the summary lists every failure`)
    .action(async (names: string[], options: { ci?: boolean; outDir: string }) => {
      const { BENCHMARK_NAMES, isBenchmarkName, runBenchmarks } = await import('../bench/index.js');
      const unknown = names.filter((n) => n !== 'all' && !isBenchmarkName(n));
      if (unknown.length > 0) throw new UsageError(`bench: unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; the benchmarks are ${BENCHMARK_NAMES.join(', ')}, or all`);
      const chosen = names.includes('all') ? [...BENCHMARK_NAMES] : BENCHMARK_NAMES.filter((n) => names.includes(n));
      process.exitCode = (await runBenchmarks(chosen, { ci: options.ci === true, outDir: options.outDir })).code;
    });

  cli.command('report')
    .description('render an outputs directory (of run or optimise) as one self-contained HTML file')
    .argument('<dir>', 'outputs directory')
    .option('-o, --out <file>', 'where to write the page (default: <dir>/report.html)')
    .option('--junction <id...>', 'junctions to chart over time (default: the signalised ones, most delay first)')
    .addHelpText('after', `
Examples:
  greenwave report out/grid-4x4                    writes out/grid-4x4/report.html
  greenwave report out/macau -o macau.html --junction lisboa senado`)
    .action(async (dir: string, options: { out?: string; junction?: string[] }) => {
      process.exitCode = await reportCommand(dir, { ...options, debug: cli.opts().debug === true });
    });

  cli.command('validate')
    .description('check a scenario file and report every problem with its file, line and column')
    .argument('<scenario>', 'scenario file (.json, .yaml or .yml)')
    .action(async (file: string) => {
      process.exitCode = await validateCommand(file);
    });
  registerImportCommand(cli);
  registerCalibrateCommand(cli);
  registerWorkerCommand(cli);
  return cli;
}

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`greenwave run x --json | head`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  const cli = program();
  try {
    await cli.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with 0; usage mistakes were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    const debug = argv.includes('--debug');
    if (error instanceof GreenwaveError) {
      process.stderr.write(`greenwave: ${error.message}\n`);
      if (debug) process.stderr.write(`${error.stack}\n`);
      return 2;
    }
    process.stderr.write(`greenwave: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.stderr.write(debug && error instanceof Error ? `${error.stack}\n` : '(run again with --debug for the stack trace, and please report it)\n');
    return 1;
  }
}

// Run when executed directly (node dist/cli/main.js or the `greenwave` bin).
const invoked = process.argv[1] ?? '';
if (/(?:^|[\\/])(?:main\.(?:js|ts)|greenwave)$/.test(invoked)) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
