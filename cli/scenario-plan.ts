/**
 * A built scenario's signals as the candidate plan an evaluator runs: its
 * programs as specs, under the scenario's own control (actuated, max-pressure)
 * when it is not fixed time, as in-process runs drive them. Shared by the
 * replications of `greenwave run` on a pool, with routes at departure or at
 * equilibrium.
 */
import type { Candidate } from '../engine/optimise/evaluator.js';
import type { BuiltScenario } from '../engine/scenario/build.js';
import { programToSpec } from '../engine/signals/program.js';

/** The candidate plan of `built`'s own signals. */
export function scenarioPlan(built: BuiltScenario): Candidate {
  const programs = built.signals.programs.map((p) => programToSpec(built.compiled, p));
  const control = built.signals.control;
  return control !== undefined && control.kind !== 'fixed' ? { programs, control } : programs;
}
