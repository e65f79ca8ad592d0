/**
 * The plans an optimisation starts from and is judged against: Webster's plan
 * from the scenario's demand (movement flows of the first seed's trips over the
 * busiest hour, SUMO tlsCycleAdaptation's defaults, lost time per phase = clearance
 * + the scenario's start-up lost time), and the adaptive controllers
 * (actuated, max-pressure) driving the scenario's current phases.
 */
import type { BuiltScenario } from '../engine/scenario/index.js';
import { programToSpec, type SignalProgram, type SignalProgramSpec } from '../engine/signals/program.js';
import { movementFlows } from '../engine/signals/flows.js';
import { websterPrograms } from '../engine/signals/webster.js';
import { safePrograms } from '../engine/signals/safety.js';
import { DEFAULT_SIM_OPTIONS } from '../engine/sim/options.js';
import { greenStartLoss } from '../engine/sim/losses.js';
import type { Candidate } from '../engine/optimise/evaluator.js';

/** Webster's plan and the adaptive baselines for `current` (every signalised junction's program). */
export function baselinePlans(built: BuiltScenario, current: readonly SignalProgram[]): { webster: SignalProgramSpec[]; adaptive: Array<{ name: string; candidate: Candidate }> } {
  const net = built.compiled;
  // Webster's lost time per phase is clearance + the start-up lost time the kernel applies at every green start
  // (Webster 1958; HCM 7th ed. ch. 19, l1); greens then raised to the safety minima (pedestrian greens, ITE clearances), see signals/safety.ts.
  const startUpLostTime = greenStartLoss(built.options.vehicle ?? DEFAULT_SIM_OPTIONS.vehicle);
  const webster = safePrograms(net, websterPrograms(net, current, movementFlows(net, built.trips), { startUpLostTime }), built.scenario.signals.safety);
  const programs = current.map((p) => programToSpec(net, p));
  return {
    webster,
    adaptive: [
      { name: 'actuated', candidate: { programs, control: { kind: 'actuated' } } },
      { name: 'max-pressure', candidate: { programs, control: { kind: 'max-pressure' } } },
    ],
  };
}
