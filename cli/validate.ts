/**
 * `greenwave validate <scenario>`, and the loading it shares with `run`: read,
 * check and build a scenario under the command's limits. Kept apart from the
 * run command (commands.ts) so that validating loads neither the simulation
 * kernel nor the output writers; the build loads only the parts its scenario
 * needs (`buildParts`: the network generators, Webster's method and the router).
 */
import { GreenwaveError } from '../engine/errors.js';
import { buildParts, buildScenarioWith, type BuiltScenario } from '../engine/scenario/builder.js';
import { loadScenario } from '../engine/scenario/load.js';
import type { Stopwatch } from './timing.js';
import { formatNumber } from '../engine/text/numbers.js';

/** A user mistake (GreenwaveError): its message on stderr (and stack with --debug), exit code 2; anything else is rethrown. */
export function userError(error: unknown, debug: boolean): number {
  if (!(error instanceof GreenwaveError)) throw error;
  process.stderr.write(`greenwave: ${error.message}\n`);
  if (debug) process.stderr.write(`${error.stack}\n`);
  return 2;
}

/** Loading options shared by `run` and `validate`. */
export interface LoadCommandOptions {
  /** Largest scenario file read, MiB (--max-input). */
  maxInputMiB?: number;
  /** Memory the run may plan for, MiB (--max-memory). */
  maxMemoryMiB?: number;
}

/**
 * `--route-choice` over a loaded scenario's `simulation.routeChoice`. At
 * departure the scenario's `simulation.equilibrium` settings have nothing to
 * apply to and are set aside, so the flag runs an equilibrium scenario with
 * fixed routes instead of refusing it.
 */
export function overrideRouteChoice(loaded: Awaited<ReturnType<typeof loadScenario>>, routeChoice: 'departure' | 'equilibrium' | undefined): void {
  if (routeChoice === undefined) return;
  loaded.simulation.routeChoice = routeChoice;
  if (routeChoice === 'departure') delete loaded.simulation.equilibrium;
}

/** Load and build `file` with the command's limits (`adjust` changes the loaded scenario before it is built). */
export async function loadAndBuild(file: string, options: LoadCommandOptions, stopwatch?: Stopwatch, adjust?: (loaded: Awaited<ReturnType<typeof loadScenario>>) => void): Promise<BuiltScenario> {
  const loaded = await loadScenario(file, {
    ...(options.maxInputMiB !== undefined ? { maxInputBytes: options.maxInputMiB * 1024 * 1024 } : {}),
    raiseInputWith: '--max-input <MiB>',
  });
  adjust?.(loaded);
  stopwatch?.lap('loadS');
  const built = buildScenarioWith(loaded, {
    ...(options.maxMemoryMiB !== undefined ? { maxMemoryMiB: options.maxMemoryMiB } : {}),
    raiseMemoryWith: '--max-memory <MiB>',
  }, await buildParts(loaded));
  return built;
}

/** `greenwave validate <scenario>`. */
export async function validateCommand(file: string, options: LoadCommandOptions = {}): Promise<number> {
  try {
    const built = await loadAndBuild(file, options);
    const net = built.compiled;
    process.stdout.write(`${file}: ok — "${built.scenario.name}": ${net.junctionCount} junctions, ${net.linkCount} links, ${net.movementCount} movements, ${formatNumber(built.trips.count)} trips (seed ${built.seeds[0]})\n`);
    return 0;
  } catch (error) {
    return userError(error, false);
  }
}
