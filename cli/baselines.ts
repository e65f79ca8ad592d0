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
import { completePrograms } from '../engine/signals/complete.js';
import { greenStartLoss } from '../engine/sim/losses.js';
import type { Candidate } from '../engine/optimise/evaluator.js';

/**
 * Webster's plan and the adaptive baselines for `current` (every signalised
 * junction's program, as the scenario gives it or already raised to the safety
 * minima: the result is the same). Webster's plan is computed on the phases
 * with the clearances they will run (`current` raised to the safety minima
 * first), so `optimise` and `verify-sumo` build one and the same plan.
 */
export function baselinePlans(built: BuiltScenario, current: readonly SignalProgram[]): { webster: SignalProgramSpec[]; adaptive: Array<{ name: string; candidate: Candidate }> } {
  const net = built.compiled;
  const safety = built.scenario.signals.safety;
  // Webster's lost time per phase is clearance + the start-up lost time the kernel applies at every green start
  // (Webster 1958; HCM 7th ed. ch. 19, l1). The clearance is the one the plan will run: the program's yellow and
  // all-red raised to the safety minima (ITE clearances unless the scenario keeps its programs' own), see
  // signals/safety.ts; greens are raised to the pedestrian minima afterwards.
  const safeCurrent = completePrograms(net, safePrograms(net, current.map((p) => programToSpec(net, p)), safety));
  const startUpLostTime = greenStartLoss(built.options.vehicle ?? DEFAULT_SIM_OPTIONS.vehicle);
  const webster = safePrograms(net, websterPrograms(net, safeCurrent, movementFlows(net, built.trips), { startUpLostTime }), safety);
  const programs = current.map((p) => programToSpec(net, p));
  return {
    webster,
    adaptive: [
      { name: 'actuated', candidate: { programs, control: { kind: 'actuated' } } },
      { name: 'max-pressure', candidate: { programs, control: { kind: 'max-pressure' } } },
    ],
  };
}
