/**
 * Baseline plans the optimiser starts from and is compared against.
 * WORK IN PROGRESS: Webster and the adaptive controllers land with the
 * controllers branch; until then Webster is the current plan.
 */
import type { BuiltScenario } from '../scenario/index.js';
import { programToSpec, type SignalProgram, type SignalProgramSpec } from '../signals/program.js';
import type { Candidate } from '../optimise/evaluator.js';

export function baselinePlans(built: BuiltScenario, current: readonly SignalProgram[]): { webster: SignalProgramSpec[]; adaptive: Array<{ name: string; candidate: Candidate }> } {
  return { webster: current.map((p) => programToSpec(built.compiled, p)), adaptive: [] };
}
