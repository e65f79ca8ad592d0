/**
 * The plans an optimisation starts from and is judged against: Webster's plan
 * from the scenario's demand (movement flows of the first seed's trips over the
 * busiest hour, SUMO tlsCycleAdaptation's defaults), and the adaptive controllers
 * (actuated, max-pressure) driving the scenario's current phases.
 */
import type { BuiltScenario } from '../engine/scenario/index.js';
import { programToSpec, type SignalProgram, type SignalProgramSpec } from '../engine/signals/program.js';
import { movementFlows } from '../engine/signals/flows.js';
import { websterPrograms } from '../engine/signals/webster.js';
import { safePrograms } from '../engine/signals/safety.js';
import type { Candidate } from '../engine/optimise/evaluator.js';

/** Webster's plan and the adaptive baselines for `current` (every signalised junction's program). */
export function baselinePlans(built: BuiltScenario, current: readonly SignalProgram[]): { webster: SignalProgramSpec[]; adaptive: Array<{ name: string; candidate: Candidate }> } {
  const net = built.compiled;
  // Webster's greens raised to the safety minima (pedestrian greens, ITE clearances) of the phases: see signals/safety.ts.
  const webster = safePrograms(net, websterPrograms(net, current, movementFlows(net, built.trips)), built.scenario.signals.safety);
  const programs = current.map((p) => programToSpec(net, p));
  return {
    webster,
    adaptive: [
      { name: 'actuated', candidate: { programs, control: { kind: 'actuated' } } },
      { name: 'max-pressure', candidate: { programs, control: { kind: 'max-pressure' } } },
    ],
  };
}
