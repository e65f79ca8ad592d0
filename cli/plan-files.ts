/**
 * The files `greenwave optimise` writes for the plan it chose: plan.json and
 * optimised.scenario.json in scenario-file units (the control stated, so a plan
 * never runs under another control than it was optimised for), the SUMO
 * network and tlLogic (not for max-pressure, which SUMO lacks), and
 * convergence.csv over every search.
 */
import path from 'node:path';
import type { BuiltScenario } from '../engine/scenario/index.js';
import { programToSpec, type SignalProgramSpec } from '../engine/signals/program.js';
import type { OptimiseResult, ScoredPlan } from '../engine/optimise/optimise.js';
import { csvField } from '../engine/report/outputs.js';
import type { OutputDir } from '../engine/report/output-dir.js';
import { VERSION } from './version.js';
import type { PlanControl } from './optimise-budget.js';

/** The plan in scenario-file units (`greenS`, `offsetS` ...). */
export function scenarioPrograms(programs: readonly SignalProgramSpec[]): unknown[] {
  return programs.map((p) => ({
    junction: p.junction,
    offsetS: p.offset ?? 0,
    cycleS: p.phases.reduce((s, ph) => s + ph.duration + (ph.yellow ?? 3) + (ph.allRed ?? 2), 0),
    phases: p.phases.map((ph) => ({
      green: ph.green.map((m) => ({ from: m.from, to: m.to })),
      ...(ph.permissive && ph.permissive.length > 0 ? { permissive: ph.permissive.map((m) => ({ from: m.from, to: m.to })) } : {}),
      greenS: ph.duration,
      ...(ph.yellow !== undefined ? { yellowS: ph.yellow } : {}),
      ...(ph.allRed !== undefined ? { allRedS: ph.allRed } : {}),
      ...(ph.minGreen !== undefined ? { minGreenS: ph.minGreen } : {}),
      ...(ph.maxGreen !== undefined ? { maxGreenS: ph.maxGreen } : {}),
    })),
  }));
}

/**
 * Write plan.json, optimised.scenario.json, network.net.xml, plan.add.xml and
 * convergence.csv (every search's evaluations in the order run, with a `control`
 * column and the best so far over all searches); return their paths.
 */
export async function writePlanFiles(
  outputs: OutputDir, built: BuiltScenario, best: ScoredPlan, searches: Array<{ control: PlanControl; result: OptimiseResult }>, scenarioFile: string,
): Promise<string[]> {
  const out = outputs.dir;
  const files: string[] = [];
  const programs = scenarioPrograms(best.programs);
  const control = best.control;
  // The control is written explicitly, so a fixed-time plan optimised for a scenario that runs actuated stays fixed time.
  // Max-pressure's settings are written as signals.maxPressure (intervalS, turnRatios, useMaxGreen): the
  // scenario format reads that block once max-pressure settings land in it (minimum and maximum greens are the programs').
  const signals = control?.kind === 'actuated'
    ? { default: 'actuated', actuated: { ...(control.gap !== undefined ? { gapS: control.gap } : {}), ...(control.detectorGap !== undefined ? { detectorGapS: control.detectorGap } : {}) }, programs }
    : control?.kind === 'max-pressure'
      ? {
        default: 'max-pressure',
        maxPressure: {
          ...(control.interval !== undefined ? { intervalS: control.interval } : {}),
          ...(control.turnRatios !== undefined ? { turnRatios: control.turnRatios } : {}),
          ...(control.useMaxGreen !== undefined ? { useMaxGreen: control.useMaxGreen } : {}),
        },
        programs,
      }
      : { default: 'fixed', programs };
  files.push(await outputs.write('plan.json', `${JSON.stringify({ signals }, null, 2)}\n`));
  const source = structuredClone(built.scenario.source) as unknown as Record<string, unknown>;
  const network = source.network as Record<string, unknown>;
  if (typeof network.file === 'string') {
    network.file = path.relative(out, path.resolve(path.dirname(scenarioFile), network.file));
  }
  const { actuated: _own, maxPressure: _ownMp, ...sourceSignals } = (source.signals ?? {}) as Record<string, unknown>;
  void _own;
  void _ownMp;
  const optimised = {
    ...source,
    name: `${built.scenario.name}-optimised`,
    signals: { ...sourceSignals, ...signals },
    // Its outputs go beside it (a scenario's outputs.dir is relative to the scenario file).
    outputs: { ...(source.outputs as object), dir: 'out' },
  };
  files.push(await outputs.write('optimised.scenario.json', `${JSON.stringify(optimised, null, 2)}\n`));
  // SUMO: the plan as tlLogic programs, and the network as a .net.xml (with the
  // scenario's current programs as programID 0) so `sumo -n network.net.xml -a plan.add.xml` runs it.
  // SUMO has no max-pressure tlLogic, so a max-pressure plan has no SUMO files.
  if (control?.kind !== 'max-pressure') {
    const { tlLogicXml, sumoNetXml } = await import('../engine/io/sumo/export.js');
    files.push(await outputs.write('network.net.xml', sumoNetXml(built.network, { programs: built.signals.programs.map((p) => programToSpec(built.compiled, p)) })));
    files.push(await outputs.write('plan.add.xml', tlLogicXml(best.programs, built.compiled, undefined, control ? { control, begin: built.options.start } : {})));
  }
  const methods = [...new Set(searches.map((s) => s.result.method))].join(', ');
  const csv = [`# greenwave ${VERSION} optimise ${built.scenario.name} (${methods}, objective ${searches[0].result.objective})`, 'evaluation,batch,elapsedS,objective,best,control'];
  let offset = 0;
  let batchOffset = 0;
  let timeOffset = 0;
  let bestSoFar = Infinity;
  for (const { control: kind, result } of searches) {
    for (const h of result.history) {
      bestSoFar = Math.min(bestSoFar, h.objective);
      csv.push([h.evaluation + offset, h.batch + batchOffset, (h.elapsedS + timeOffset).toFixed(2), h.objective, bestSoFar, kind].map((v) => csvField(v)).join(','));
    }
    offset += result.evaluations;
    batchOffset += result.batches;
    timeOffset += result.elapsedS;
  }
  files.push(await outputs.write('convergence.csv', `${csv.join('\n')}\n`));
  return files;
}
