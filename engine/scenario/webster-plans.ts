/**
 * Webster plans for the signalised junctions a scenario gives no program
 * (`signals.default: webster`): the default phase structure, timed by Webster's
 * method from the movement flows of the demand. A part of the build that only
 * those scenarios need (see `BuildParts` in builder.ts): it loads the router
 * (flows.ts routes the trips that have no route).
 */
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import { compileProgram, defaultProgram, type SignalProgram } from '../signals/program.js';
import { movementFlows } from '../signals/flows.js';
import { websterPrograms } from '../signals/webster.js';

/**
 * Webster plans (SUMO tlsCycleAdaptation defaults) for the signalised junctions
 * without a program, on the default phase structure, from the busiest hour of
 * `trips` (the first replication's demand: one plan for every replication).
 * `startUpLost` (s) is the kernel's start-up lost time of the scenario's vehicle
 * class: Webster's lost time per phase is clearance + start-up lost time.
 */
export function websterForUnprogrammed(compiled: CompiledNetwork, trips: TripTable, programs: readonly SignalProgram[], startUpLost: number): SignalProgram[] {
  const given = new Set(programs.map((p) => p.junction));
  const base: SignalProgram[] = [];
  for (let j = 0; j < compiled.junctionCount; j++) {
    if (compiled.junctionControl[j] === CONTROL_CODE.signal && !given.has(j) && compiled.junctionInOffsets[j + 1] > compiled.junctionInOffsets[j]) {
      base.push(defaultProgram(compiled, j));
    }
  }
  if (base.length === 0) return [];
  const specs = websterPrograms(compiled, base, movementFlows(compiled, trips), { startUpLostTime: startUpLost });
  return specs.map((spec) => compileProgram(compiled, spec));
}
