/**
 * Signal programs for the signalised junctions of an imported OSM network. OSM
 * records where signals are, not how they are timed, so every program is
 * generated: `defaultProgram` (engine/signals/program.ts, netconvert's default
 * `tlLogic` in spirit: one phase per road axis, far-side turns permissive
 * against opposing traffic) with the given timing, compiled against the network
 * and written back as an authored spec (link ids, seconds) that a planner can
 * edit. A mid-block signal (a signal node with no junction within
 * `signalDistance`, nearly always a pedestrian crossing) gets a second phase in
 * which every car movement is red for `pedestrianPhase` seconds.
 */
import { compile } from '../../network/compile.js';
import type { RoadNetwork } from '../../network/road-network.js';
import { CONTROL_CODE } from '../../network/compiled.js';
import { defaultProgram, programToSpec, type DefaultProgramOptions, type SignalProgramSpec } from '../../signals/program.js';

/** Generated programs, one per signalised junction, in junction order. */
export function generatePrograms(
  network: RoadNetwork,
  midBlock: ReadonlySet<string>,
  timing: DefaultProgramOptions,
  pedestrianPhase: number,
): SignalProgramSpec[] {
  const net = compile(network);
  const programs: SignalProgramSpec[] = [];
  for (let j = 0; j < net.junctionCount; j++) {
    if (net.junctionControl[j] !== CONTROL_CODE.signal) continue;
    const spec = programToSpec(net, defaultProgram(net, j, timing));
    if (midBlock.has(spec.junction) && pedestrianPhase > 0) {
      spec.phases.push({ green: [], permissive: [], duration: pedestrianPhase, yellow: 0, allRed: 0, minGreen: pedestrianPhase, maxGreen: pedestrianPhase });
      spec.cycle = spec.phases.reduce((t, p) => t + p.duration + (p.yellow ?? 0) + (p.allRed ?? 0), 0);
    }
    programs.push(spec);
  }
  return programs;
}
