/**
 * `buildScenario`: a loaded scenario built into what the simulation takes
 * (builder.ts), synchronously, with every part a scenario may need loaded up
 * front: the network generators and Webster's method. The CLI builds with
 * `buildParts` instead, which imports only the parts its scenario uses.
 */
import { corridor, grid, ring } from '../network/generators/index.js';
import type { LoadedScenario } from './convert.js';
import { buildScenarioWith, type BuildOptions, type BuildParts, type BuiltScenario } from './builder.js';
import { websterForUnprogrammed } from './webster-plans.js';

export type { BuildOptions, BuiltScenario } from './builder.js';

const EVERY_PART: BuildParts = { grid, corridor, ring, webster: websterForUnprogrammed };

/**
 * Build `loaded` into a network, demand, signal programs and run options.
 * Throws `ScenarioError` with every problem found, located in the scenario
 * file (see builder.ts for the phases). A scenario that would need more memory
 * than `limits.maxMemoryMiB` is refused first, with the estimate.
 */
export function buildScenario(loaded: LoadedScenario, limits: BuildOptions = {}): BuiltScenario {
  return buildScenarioWith(loaded, limits, EVERY_PART);
}
