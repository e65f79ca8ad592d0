#!/usr/bin/env node
/**
 * The `greenwave` command for planners: `run` a scenario file and read a summary
 * table (files under --out), `validate` it, `optimise` its signals, `import`
 * another tool's files, `report` a run as HTML, serve as a distributed `worker`.
 * Exit codes: 0 success, 2 bad input (scenario, network, demand or option
 * mistakes: a located message, no stack trace), 1 a runtime failure (with
 * --debug, the stack).
 *
 * Start-up is part of every run's cost, so this file loads only the argument
 * parser: each command's code is imported when that command runs (a plain
 * `run` never loads the optimiser, the importers, the HTML report, the worker
 * pool or Redis).
 */
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { GreenwaveError, UsageError } from '../engine/errors.js';
import { registerImportCommand } from './import-command.js';
import { registerCalibrateCommand } from './calibrate-command.js';
import { VERSION } from './version.js';
import { registerWorkerCommand } from './worker.js';

/** An option's integer in [min, max]; an empty value is refused (Number('') would be 0). */
function integer(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max.toLocaleString('en')}], got "${value.slice(0, 40)}"`);
    }
    return n;
  };
}

/** A number of MiB from 1 to 1 TiB (--max-memory, --max-input). */
function mebibytes(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 1 || n > 1024 * 1024) throw new InvalidArgumentError(`${name} must be a number of MiB from 1 to 1048576, got "${value}"`);
    return n;
  };
}

const LIMIT_HELP = {
  memory: 'memory a run may plan for, MiB: a scenario estimated to need more is refused before it starts (default 4096)',
  input: 'largest scenario file read, MiB (default 256 for JSON, 16 for YAML)',
};
/** Largest seed: seeds key 32-bit random streams. */
const MAX_SEED = 2 ** 32 - 1;
/** Most replications of a run: beyond, the confidence interval is far narrower than the model's own error. */
const MAX_REPLICATIONS = 1000;
/** Most worker threads. */
const MAX_WORKERS = 256;

/** Whether this module is the process's entry (node dist/cli/main.js or the `greenwave` bin), not imported by a test. */
const IS_ENTRY = /(?:^|[\\/])(?:main\.(?:js|ts)|greenwave)$/.test(process.argv[1] ?? '');

/**
 * End the process with `code` as soon as stdout and stderr have flushed, for a
 * command that leaves nothing running when it resolves (validate). Otherwise
 * Node stays to run V8's idle-time garbage collection of the data just checked
 * and to tear the heap down: 15-20 ms of a validate's CPU on a 1 MB scenario.
 */
function exitOnceFlushed(code: number): void {
  let pending = 2;
  const flushed = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

/** Every command's name and alias, as a command line gives it, to the command's name. */
const COMMANDS: Readonly<Record<string, string>> = {
  run: 'run', optimise: 'optimise', optimize: 'optimise', bench: 'bench', compare: 'compare', report: 'report',
  validate: 'validate', 'verify-sumo': 'verify-sumo', import: 'import', calibrate: 'calibrate', worker: 'worker',
};

/**
 * Build the command-line program (exported for tests). With `only`, the
 * program has that command alone: a command line that names a command first
 * runs nothing else, and defining every command's options costs a cold start
 * 10-15 ms of CPU, a twentieth of a validate.
 */
export function program(only?: string): Command {
  const wanted = (name: string): boolean => only === undefined || only === name;
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

  if (wanted('run')) cli.command('run')
    .description('simulate a scenario; print a summary table and write output files')
    .argument('<scenario>', 'scenario file (.json, .yaml or .yml)')
    .option('-o, --out <dir>', 'output directory (default: the scenario\'s outputs.dir)')
    .option('--seed <n>', `seed of the first replication (overrides the scenario), 0 to ${MAX_SEED}`, integer('--seed', 0, MAX_SEED))
    .option('--replications <n>', `number of replications, seeds seed, seed+1, ... (1 to ${MAX_REPLICATIONS})`, integer('--replications', 1, MAX_REPLICATIONS))
    .option('-w, --workers <n>', `worker threads for replications (default: available parallelism, ${os.availableParallelism()} here)`, integer('--workers', 1, MAX_WORKERS))
    .option('--redis <url>', 'run the replications on `greenwave worker` processes through Redis (redis:// or rediss://)')
    .option('--job-id <id>', 'with --redis: the job id (the same id after a restart reuses finished replications)')
    .option('--json', 'print the summary as JSON on stdout instead of a table')
    .option('--no-files', 'write no output files')
    .option('--force', 'write into a directory holding another scenario\'s run, or files no manifest accounts for (only that run\'s recorded files are removed)')
    .option('-q, --quiet', 'no progress bar')
    .option('--progress-lines', 'a line on stderr as each replication finishes, instead of the bar (for logs and scripts)')
    .option('--report', 'also record queues over time and a corridor, and write report.html beside the outputs')
    .option('--corridor <from:to>', 'corridor of the report\'s time-space diagram, as two junction ids (default: busiest origin-destination route)')
    .option('--max-memory <MiB>', LIMIT_HELP.memory, mebibytes('--max-memory'))
    .option('--max-input <MiB>', LIMIT_HELP.input, mebibytes('--max-input'))
    .option('--route-choice <kind>', 'departure (routes fixed at departure, the default) or equilibrium (drivers who have learnt: iterate until no one gains by changing route; overrides simulation.routeChoice, and departure sets simulation.equilibrium aside)', (v: string) => {
      if (v !== 'departure' && v !== 'equilibrium') throw new InvalidArgumentError(`--route-choice must be "departure" or "equilibrium", got "${v}"`);
      return v;
    })
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
  greenwave run scenario.yaml --route-choice equilibrium   drivers who have learnt; convergence.csv per iteration
Ctrl-C stops replications early: what finished is reported (and written); a second Ctrl-C quits at once.`)
    .action(async (file: string, options) => {
      const { runCommand } = await import('./commands.js');
      process.exitCode = await runCommand(file, { ...options, maxMemoryMiB: options.maxMemory, maxInputMiB: options.maxInput, debug: cli.opts().debug === true });
    });

  const number = (name: string, min: number, max: number, unit: string) => (value: string): number => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number of ${unit} in [${min}, ${max.toLocaleString('en')}], got "${value.slice(0, 40)}"`);
    return n;
  };
  if (wanted('optimise')) cli.command('optimise')
    .alias('optimize')
    .description('search signal plans (fixed time from Webster\'s, actuated and max-pressure settings); compare current, Webster, actuated, max-pressure and optimised on held-out seeds')
    .argument('<scenario>', 'scenario file (.json, .yaml or .yml)')
    .option('-o, --out <dir>', 'output directory (default: <outputs.dir>/optimise)')
    .option('--budget <n>', 'candidate evaluations in all, never exceeded, shared by the kinds of plan searched (fixed 50%, actuated 30%, max-pressure 20%; each runs every training seed x demand variant; default 400 + 3 per signal; at most 100,000)', integer('--budget', 2, 100_000))
    .option('--control <kind>', 'kind of plan searched: fixed (cycle, splits, offsets), actuated (gap, detector setback, max greens), max-pressure (decision interval, minimum green, pressure, ties: signals.maxPressure) or auto (all three; the plan most likely to win on fresh runs is written)', 'auto')
    .option('--time <minutes>', 'time limit of the searches, never exceeded: shared like the budget, a batch still running then is dropped (at most 10,080: a week)', number('--time', 0, 10_080, 'minutes'))
    .option('-w, --workers <n>', `worker threads (default: available parallelism, ${os.availableParallelism()} here)`, integer('--workers', 1, MAX_WORKERS))
    .option('--seeds <n>', 'training seeds per candidate: seed, seed+1, ... (common random numbers; 1 to 100; default 3, or 1 from 30 signals)', integer('--seeds', 1, 100))
    .option('--held-out <n>', 'held-out seeds for the final comparison (never used in the search; 2 to 1,000)', integer('--held-out', 2, 1000), 10)
    .option('--demand-scales <list>', 'demand variants averaged over, comma-separated factors in (0, 10] (at most 20)', (v: string) => {
      const list = v.split(',');
      if (list.length > 20) throw new InvalidArgumentError(`--demand-scales takes at most 20 factors, got ${list.length}`);
      return list.map((x) => {
        const f = x.trim() === '' ? NaN : Number(x);
        if (!(f > 0 && f <= 10)) throw new InvalidArgumentError(`--demand-scales must be factors in (0, 10] separated by commas, got "${v.slice(0, 80)}"`);
        return f;
      });
    })
    .option('--objective <name>', 'delay (mean delay per trip), travel-time or vehicle-hours', 'delay')
    .option('--method <name>', 'search method: auto (local from 30 signals, else compass), local (decomposed: per-signal moves scored by regional delay, many far-apart signals per simulation), compass (coordinate pattern search) or cmaes (separable CMA-ES)', 'auto')
    .option('--cycles <mode>', 'shared (one cycle, offsets coordinate every signal), per-junction, or corridors (one cycle per corridor found from the demand, the other signals their own)', 'shared')
    .option('--min-cycle <s>', 'shortest cycle searched, s (10 to 600; default: the shortest the phases allow, yellow + all-red + minimum greens)', number('--min-cycle', 10, 600, 'seconds'))
    .option('--max-cycle <s>', 'longest cycle searched, s (10 to 600)', number('--max-cycle', 10, 600, 'seconds'))
    .option('--skip-phases', 'fixed time: also search dropping a phase whose movements another phase of the program shows too')
    .option('--no-reorder-phases', 'fixed time: keep every program\'s phase order (by default the cyclic order of the phases of a program of 3 or more is searched, except where signals.pinPhaseOrder pins it)')
    .option('--resume', 'continue from the checkpoints in <out> (same scenario and options)')
    .option('--force', 'write into a directory holding another scenario\'s outputs, or files no manifest accounts for')
    .option('--redis <url>', 'evaluate on `greenwave worker` processes through Redis instead of local threads')
    .option('--job-id <id>', 'with --redis: the job id (default: from the scenario and options, so a restart reuses finished evaluations)')
    .option('--no-compare', 'skip the held-out comparison')
    .option('--sumo <files...>', 'the scenario\'s own SUMO files (network, routes, additional, .sumocfg; any order): plan.add.xml is written onto that network')
    .option('--verify-sumo', 'after the comparison, run current, Webster and the best candidate plans in SUMO micro on those files, and write the candidate SUMO measures best (verify-sumo.json)')
    .option('--sumo-seeds <n>', 'with --verify-sumo: SUMO seeds per plan (2 to 100, default 3)', integer('--sumo-seeds', 2, 100))
    .option('--sumo-candidates <n>', 'with --verify-sumo: candidate plans measured in SUMO, at least the best of each kind SUMO runs (1 to 20, default 3)', integer('--sumo-candidates', 1, 20))
    .option('--route-choice <kind>', 'equilibrium: after the search, judge Webster\'s and the optimised plan again with drivers at equilibrium under each, and say how the gain changes (equilibrium.json)', (v: string) => {
      if (v !== 'departure' && v !== 'equilibrium') throw new InvalidArgumentError(`--route-choice must be "departure" or "equilibrium", got "${v}"`);
      return v;
    })
    .option('--equilibrium-top <n>', 'with route choice at equilibrium: judge there the n best plans of the re-ranking, the written one first, and say which is best (1 to 10, default 1)', integer('--equilibrium-top', 1, 10))
    .option('--report', 'also write report.html (convergence, before/after table) in the output directory')
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress output')
    .addHelpText('after', `
Examples:
  greenwave optimise scenarios/corridor/scenario.yaml                  fixed-time, actuated and max-pressure searches (400 + 3 per signal evaluations), then the comparison table
  greenwave optimise scenario.yaml --control fixed                     fixed-time plans only (from Webster's)
  greenwave optimise scenario.yaml --budget 400 --time 30 --workers 8  stop at 400 evaluations or 30 minutes
  greenwave optimise scenario.yaml --resume                            continue a stopped run from its checkpoint
  greenwave optimise grid.json --sumo net.net.xml routes.rou.xml --verify-sumo   the 3 best candidates run in SUMO; plan.add.xml (for net.net.xml) is the one SUMO measures best
Ctrl-C stops after writing the checkpoint and the best plan so far; --resume continues.`)
    .action(async (file: string, options) => {
      const { optimiseCommand } = await import('./optimise.js');
      process.exitCode = await optimiseCommand(file, { ...options, timeMinutes: options.time, debug: cli.opts().debug === true });
    });

  if (wanted('bench')) cli.command('bench')
    .description('run the benchmarks (routing, sim, pool, distributed, report, calibrate, city): ratios against peers timed in this process, one verdict each, results in <out-dir>/<name>.json')
    .argument('[names...]', 'benchmarks to run: routing, sim, pool, distributed, report, calibrate, city, or all', ['all'])
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

  if (wanted('compare')) cli.command('compare')
    .description('what if: run a base scenario and variants of it (a lane closed, a link added, a signal re-timed, more demand) on the same seeds and compare them with 95% intervals, in a table and a difference map')
    .argument('<base>', 'the scenario as it is today')
    .argument('<variants...>', 'scenario files of the changed roads, signals or demand (each with its own name)')
    .option('-o, --out <dir>', 'output directory (default: out/compare-<base name> beside the base scenario)')
    .option('--seeds <n>', 'seeds each scenario runs: the base\'s seed and the next ones (2 to 1,000)', integer('--seeds', 2, 1000), 10)
    .option('-w, --workers <n>', `worker threads running the seeds of each scenario (default: available parallelism, ${os.availableParallelism()} here; 1: in this process)`, integer('--workers', 1, MAX_WORKERS))
    .option('--route-choice <kind>', 'departure or equilibrium for every scenario (over their simulation.routeChoice): equilibrium runs each scenario and seed until drivers have learnt its roads; departure sets their simulation.equilibrium aside', (v: string) => {
      if (v !== 'departure' && v !== 'equilibrium') throw new InvalidArgumentError(`--route-choice must be "departure" or "equilibrium", got "${v}"`);
      return v;
    })
    .option('--json', 'print the comparison as JSON')
    .option('-q, --quiet', 'no progress lines')
    .option('--force', 'write into a directory holding other outputs')
    .addHelpText('after', `
Examples:
  greenwave compare today.yaml lane-closed.yaml      paired differences on 10 seeds, out/compare-today/report.html
  greenwave compare today.yaml plus10.yaml retimed.yaml --seeds 20 -o what-if
  greenwave compare today.yaml lane-closed.yaml --route-choice equilibrium   with drivers who have learnt each network`)
    .action(async (base: string, variants: string[], options: { out?: string; seeds?: number; workers?: number; routeChoice?: 'departure' | 'equilibrium'; json?: boolean; quiet?: boolean; force?: boolean }) => {
      const { compareCommand } = await import('./compare.js');
      process.exitCode = await compareCommand(base, variants, { ...options, debug: cli.opts().debug === true });
    });

  if (wanted('report')) cli.command('report')
    .description('render an outputs directory (of run or optimise) as one self-contained HTML file')
    .argument('<dir>', 'outputs directory')
    .option('-o, --out <file>', 'where to write the page (default: <dir>/report.html)')
    .option('--junction <id...>', 'junctions to chart over time (default: the signalised ones, most delay first)')
    .option('--force', 'replace an existing page')
    .addHelpText('after', `
Examples:
  greenwave report out/grid-4x4                    writes out/grid-4x4/report.html
  greenwave report out/macau -o macau.html --junction lisboa senado`)
    .action(async (dir: string, options: { out?: string; junction?: string[]; force?: boolean }) => {
      const { reportCommand } = await import('./report.js');
      process.exitCode = await reportCommand(dir, { ...options, debug: cli.opts().debug === true });
    });

  if (wanted('validate')) cli.command('validate')
    .description('check a scenario file and report every problem with its file, line and column')
    .argument('<scenario>', 'scenario file (.json, .yaml or .yml)')
    .option('--max-memory <MiB>', LIMIT_HELP.memory, mebibytes('--max-memory'))
    .option('--max-input <MiB>', LIMIT_HELP.input, mebibytes('--max-input'))
    .action(async (file: string, options: { maxMemory?: number; maxInput?: number }) => {
      const { validateCommand } = await import('./validate.js');
      const code = await validateCommand(file, { maxMemoryMiB: options.maxMemory, maxInputMiB: options.maxInput });
      process.exitCode = code;
      if (IS_ENTRY) exitOnceFlushed(code);
    });
  if (wanted('verify-sumo')) cli.command('verify-sumo')
    .description('run the current, Webster and optimised plans in SUMO micro on the scenario\'s own SUMO files; print greenwave\'s prediction beside SUMO\'s measurement')
    .argument('<scenario>', 'scenario file (imported from SUMO)')
    .option('--plan <plan.json>', 'the optimised plan (plan.json written by greenwave optimise)')
    .option('--sumo <files...>', 'the scenario\'s SUMO files: network, routes, additional files or a .sumocfg, any order (default: the scenario\'s own SUMO import)')
    .option('--seeds <n>', 'SUMO seeds per plan (and greenwave held-out seeds), 2 to 100, default 3', integer('--seeds', 2, 100))
    .option('--end <s>', 'end of the SUMO runs, s (default: the configuration\'s, else the scenario\'s)', number('--end', 1, 7 * 86_400, 'seconds'))
    .option('-o, --out <dir>', 'where verify-sumo.json goes (default: <outputs.dir>/verify-sumo)')
    .option('-w, --workers <n>', 'worker threads for greenwave\'s prediction', integer('--workers', 1, MAX_WORKERS))
    .option('--links', 'also compare link by link: SUMO\'s edgeData beside greenwave\'s per-link means, links-<plan>.csv and the links where they part most')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .addHelpText('after', `
Examples:
  greenwave verify-sumo grid.json --sumo net.net.xml routes.rou.xml --plan out/grid/optimise/plan.json
  greenwave verify-sumo grid.json --sumo grid.sumocfg --seeds 5 --end 10800
  greenwave verify-sumo grid.json --sumo grid.sumocfg --links                   where greenwave and SUMO part, street by street
Without SUMO installed it says how to install it and exits with 2.`)
    .action(async (file: string, options) => {
      const { verifySumoCommand } = await import('./verify-sumo.js');
      process.exitCode = await verifySumoCommand(file, { ...options, debug: cli.opts().debug === true });
    });
  if (wanted('import')) registerImportCommand(cli);
  if (wanted('calibrate')) registerCalibrateCommand(cli);
  if (wanted('worker')) registerWorkerCommand(cli);
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
  // A command line that starts with a command's name needs that command alone (help, --version and mistakes get them all).
  const cli = program(Object.hasOwn(COMMANDS, argv[2] ?? '') ? COMMANDS[argv[2]] : undefined);
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
if (IS_ENTRY) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
