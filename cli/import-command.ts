/**
 * The `greenwave import` command's options and help, registered on the program
 * at start-up. Its code (import.ts: the importers' entry point, the scenario
 * document, the range checks, the atomic write) is imported only when the
 * command runs, so every other command starts without it.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { IMPORT_FORMAT_NAMES } from '../engine/io/import-network.js';
import { LIMITS } from '../engine/limits.js';
import type { ImportCommandOptions } from './import.js';

/** Warnings `greenwave import` prints in full; the rest are counted. */
export const SHOWN_WARNINGS = 20;

/** A number in (0, max] for option `name`, described as `what`. */
function positiveUpTo(name: string, what: string, max: number): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`${name} must be ${what} in (0, ${max.toLocaleString('en')}], got "${value.slice(0, 40)}"`);
    return n;
  };
}

function metres(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a distance in metres >= 0, got "${value}"`);
  return n;
}

function components(value: string): string {
  if (value !== 'all' && value !== 'largest' && !/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError(`--components must be all, largest or a whole number of links, got "${value}"`);
  return value;
}

function signalSource(value: string): string {
  if (!['osm', 'guess', 'osm+guess', 'none', 'auto'].includes(value)) throw new InvalidArgumentError(`--signals must be osm, guess, osm+guess, none or auto, got "${value}"`);
  return value;
}

function drivingSide(value: string): 'left' | 'right' {
  if (value !== 'left' && value !== 'right') throw new InvalidArgumentError(`--driving-side must be "left" or "right", got "${value}"`);
  return value;
}

/** Add the `import` command to `cli` (the `greenwave` program). */
export function registerImportCommand(cli: Command): void {
  cli.command('import')
    .description('import SUMO, CityFlow, OpenStreetMap or TNTP files into a scenario file')
    .argument('<format>', `source format: ${Object.keys(IMPORT_FORMAT_NAMES).join(', ')}`)
    .argument('<files...>', 'input files (cityflow: config.json, or roadnet.json [flow.json])')
    .requiredOption('-o, --out <scenario.json>', 'scenario file to write')
    .option('--name <name>', 'scenario name (default: from the first file name)')
    .option('--driving-side <side>', 'left or right (default: what the source says, else right)', drivingSide)
    .option('--end <seconds>', `end of the simulated period, s (cityflow: the horizon, default 3600, at most ${LIMITS.clockS.max} = 7 days)`, positiveUpTo('--end', 'a number of seconds', LIMITS.clockS.max))
    .option('--force', 'overwrite the output file if it exists')
    .option('--country <code>', 'osm: ISO country code for default speeds and driving side (e.g. MO, HK, PT)')
    .option('--no-demand', 'osm: do not generate the morning-peak demand')
    .option('--veh-per-hour <n>', 'osm: total generated demand, veh/h (default 30 per fringe zone)', positiveUpTo('--veh-per-hour', 'a flow in veh/h', 1_000_000))
    .option('--signals <source>', 'osm: signals from the data (osm), the guessing rule (guess), both (osm+guess), none, or auto (default: osm, plus guessing when the data tags few)', signalSource)
    .option('--components <which>', 'osm: parts cut off from the largest that are kept: all, largest, or N (parts of at least N links; default 20)', components)
    .option('--gap-distance <m>', 'osm: join one-way dead ends and starts this close to another road (default 15; 0: none)', metres)
    .option('--reference', 'write network: { import, file, options }: the scenario re-imports the file when loaded (default for osm)')
    .option('--inline', 'write the network, its movements and signal programs out in full (default for sumo and cityflow)')
    .option('--clearances <floor>', 'floor of yellow and all-red: ite (default, the ITE values at every signal) or program (the source\'s programs keep their own yellow and all-red; writes signals.safety.clearances: program)', (v: string): 'ite' | 'program' => {
      if (v !== 'ite' && v !== 'program') throw new InvalidArgumentError(`--clearances must be "ite" or "program", got "${v}"`);
      return v;
    })
    .addHelpText('after', `
Examples:
  greenwave import osm macau.osm.pbf -o macau.json --country MO
  greenwave import osm macau.osm.pbf -o macau.json --country MO --signals guess --components all --inline
  greenwave import sumo grid.sumocfg -o grid.json
  greenwave import cityflow data/hangzhou/config.json -o hangzhou.json
  greenwave import cityflow roadnet.json flow.json -o grid.json --name grid-am --end 7200
  greenwave import tntp ChicagoSketch_net.tntp -o chicago.json
  greenwave run hangzhou.json

Prints the counts of what was read, dropped and guessed, and every warning
(the first ${SHOWN_WARNINGS}); the scenario is checked to load before it is written.`)
    .action(async (format: string, files: string[], options: Omit<ImportCommandOptions, 'debug'>) => {
      const { importCommand } = await import('./import.js');
      process.exitCode = await importCommand(format, files, { ...options, debug: cli.opts().debug === true });
    });
}
