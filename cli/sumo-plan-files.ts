/**
 * The SUMO files `greenwave optimise` writes for the plan it chose:
 *
 * - a scenario from SUMO (its own files known, see sumo-target.ts): `plan.add.xml`
 *   written onto the original network (tlLogic ids, link indices and
 *   state-string lengths of the user's `.net.xml`), programID `greenwave`; SUMO
 *   runs the program loaded last, so `sumo -n net.net.xml -r routes.rou.xml -a
 *   plan.add.xml` runs the plan (SUMO docs, Simulation/Traffic_Lights, "Defining
 *   New TLS-Programs": "When loaded, the last program will be used");
 * - any other network: SUMO plain XML (`network.nod.xml`, `.edg.xml`, `.con.xml`,
 *   `.tll.xml`) for netconvert, which builds internal lanes and right of way, and
 *   `plan.add.xml` numbered for the network netconvert builds from them.
 */
import type { BuiltScenario } from '../engine/scenario/index.js';
import type { SignalControl } from '../engine/signals/control.js';
import { programToSpec, type SignalProgramSpec } from '../engine/signals/program.js';
import type { OutputDir } from '../engine/report/output-dir.js';
import type { SumoTarget } from './sumo-target.js';

/** programID of the programs greenwave writes. */
export const PLAN_PROGRAM_ID = 'greenwave';

/** Files {@link writeSumoPlanFiles} may write. */
export const SUMO_PLAN_FILE_NAMES = ['plan.add.xml', 'network.nod.xml', 'network.edg.xml', 'network.con.xml', 'network.tll.xml'] as const;

/** `plan.add.xml` text of `programs` under `control` for `target` (the original SUMO network) or, without one, for the network netconvert builds from the plain XML. */
export async function planAdditionalXml(built: BuiltScenario, programs: readonly SignalProgramSpec[], control: SignalControl | undefined, target: SumoTarget | undefined): Promise<string> {
  const { tlLogicXml } = await import('../engine/io/sumo/export.js');
  const options = { programId: PLAN_PROGRAM_ID, ...(control ? { control, begin: built.options.start } : {}) };
  if (target !== undefined) return tlLogicXml(programs, built.compiled, target.signalIndex, { ...options, linkCounts: target.linkCounts, stopLinks: target.stopLinks, topology: target.topology });
  const { plainSignalIndex, plainTopology } = await import('../engine/io/sumo/plain.js');
  return tlLogicXml(programs, built.compiled, plainSignalIndex(built.compiled), { ...options, topology: plainTopology(built.compiled) });
}

/**
 * Write the SUMO files of the plan; returns the paths written and the command
 * lines that check the plan in SUMO (for the user).
 */
export async function writeSumoPlanFiles(
  outputs: OutputDir, built: BuiltScenario, programs: readonly SignalProgramSpec[], control: SignalControl | undefined, target: SumoTarget | undefined,
): Promise<{ files: string[]; commands: string[] }> {
  const files: string[] = [];
  const plan = await outputs.write('plan.add.xml', await planAdditionalXml(built, programs, control, target));
  files.push(plan);
  if (target !== undefined) {
    const routes = target.routes.length > 0 ? ` -r ${target.routes.join(',')}` : '';
    const additional = [...target.additional, plan].join(',');
    return { files, commands: [`sumo -n ${target.net}${routes} -a ${additional}`] };
  }
  const { sumoPlainXml, netconvertCommand } = await import('../engine/io/sumo/plain.js');
  const plain = sumoPlainXml(built.network, { programs: built.signals.programs.map((p) => programToSpec(built.compiled, p)) });
  files.push(await outputs.write('network.nod.xml', plain.nodes));
  files.push(await outputs.write('network.edg.xml', plain.edges));
  files.push(await outputs.write('network.con.xml', plain.connections));
  files.push(await outputs.write('network.tll.xml', plain.trafficLights));
  const base = plan.replace(/plan\.add\.xml$/, 'network');
  return { files, commands: [netconvertCommand(base, built.network.drivingSide), `sumo -n ${base}.net.xml -a ${plan}`] };
}
