/**
 * The `greenwave calibrate` command's options and help, registered on the
 * program at start-up. Its code (calibrate.ts: loading, the calibrator, the
 * simulation, the output files) is imported only when the command runs, so
 * every other command starts without it.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { CalibrateCommandOptions } from './calibrate.js';

function integer(name: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${value}"`);
    return n;
  };
}

function positive(name: string, allowZero: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new InvalidArgumentError(`${name} must be a number ${allowZero ? '>= 0' : '> 0'}, got "${value}"`);
    return n;
  };
}

/** Register `greenwave calibrate` on the program. */
export function registerCalibrateCommand(cli: Command): void {
  cli.command('calibrate')
    .description('estimate the demand that reproduces traffic counts; report the fit (GEH, R², RMSE) and the consistency of the counts')
    .argument('<scenario>', 'scenario file (.json, .yaml or .yml): its network, signals and run window (its demand is the prior)')
    .requiredOption('--counts <files...>', 'count files: CSV (location,begin,end,vehicles) or SUMO edgeData / edgeRelation XML')
    .option('-o, --out <file>', 'calibrated scenario to write; calibration.csv and calibration.json go beside it (default: <outputs.dir>/calibrate/calibrated.scenario.json)')
    .option('--seed <n>', 'seed of departure times and simulations (default: the scenario\'s)', integer('--seed', 0))
    .option('--trip-ends <where>', 'where trips may start and end: boundary (dead ends of the network), any (every link) or auto (boundary when the network has dead ends)', 'auto')
    .option('--iterations <n>', 'most simulation iterations (default 12; it stops earlier once the fit stops improving)', integer('--iterations', 1))
    .option('--no-prior', 'ignore the scenario\'s demand (estimate from the counts alone)')
    .option('--fleet-penalty <x>', 'charge per vehicle: among demands that fit equally, the one with fewer vehicles wins (default 0.05)', positive('--fleet-penalty', false))
    .option('--prior-weight <x>', 'weight of staying close to the scenario\'s demand (default 0.1)', positive('--prior-weight', true))
    .option('--time <minutes>', 'start no iteration after this many minutes', positive('--time', false))
    .option('--report', 'also run the calibrated scenario once and write its outputs and report.html (observed against simulated, count locations on the map)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', `
Examples:
  greenwave calibrate scenario.yaml --counts counts.csv -o out/cal/calibrated.scenario.json
  greenwave calibrate scenario.yaml --counts counts.csv --report        report.html beside the files
  greenwave calibrate scenario.yaml --counts edgedata.xml turns.xml --no-prior --trip-ends any
  greenwave run out/cal/calibrated.scenario.json      the calibrated demand, as scored
Counts CSV: location (link id or fromLink>toLink), begin, end (clock "07:15" or seconds; or begin_s, end_s), vehicles.
Ctrl-C stops within a second; the best finished iteration is written (or nothing).`)
    .action(async (file: string, options: CalibrateCommandOptions) => {
      const { calibrateCommand } = await import('./calibrate.js');
      process.exitCode = await calibrateCommand(file, { ...options, debug: cli.opts().debug === true });
    });
}
