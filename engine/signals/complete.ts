/**
 * Every signalised junction's program: the one given, else the default plan.
 * What a run runs, what the optimiser searches over and what the timing sheet
 * shows all start from this list.
 */
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import { compileProgram, defaultProgram, type SignalProgram, type SignalProgramSpec } from './program.js';

/** Every signalised junction's program: the given one, else the default plan. */
export function completePrograms(net: CompiledNetwork, programs: ReadonlyArray<SignalProgram | SignalProgramSpec>): SignalProgram[] {
  const byJunction = new Map<number, SignalProgram>();
  programs.forEach((p, i) => {
    const compiled = typeof p.junction === 'number' ? (p as SignalProgram) : compileProgram(net, p as SignalProgramSpec, `programs[${i}]`);
    byJunction.set(compiled.junction, compiled);
  });
  const out: SignalProgram[] = [];
  for (let j = 0; j < net.junctionCount; j++) {
    if (net.junctionControl[j] !== CONTROL_CODE.signal) continue;
    out.push(byJunction.get(j) ?? defaultProgram(net, j));
  }
  return out;
}
