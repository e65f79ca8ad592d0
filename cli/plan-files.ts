/**
 * The files `greenwave optimise` writes for the plan it chose: plan.json and
 * optimised.scenario.json in scenario-file units (the control stated, so a plan
 * never runs under another control than it was optimised for; tuned
 * max-pressure settings as `signals.maxPressure`), the SUMO files of
 * sumo-plan-files.ts (not for max-pressure, which SUMO lacks), and
 * convergence.csv over every search.
 */
import path from 'node:path';
import type { BuiltScenario } from '../engine/scenario/index.js';
import type { SignalControl } from '../engine/signals/control.js';
import type { SignalProgramSpec } from '../engine/signals/program.js';
import { checkPlanSafety } from '../engine/signals/safety.js';
import type { OptimiseResult, ScoredPlan } from '../engine/optimise/optimise.js';
import { csvField } from '../engine/report/outputs.js';
import type { OutputDir } from '../engine/report/output-dir.js';
import type { PlanControl } from './optimise-budget.js';
import { writeSumoPlanFiles } from './sumo-plan-files.js';
import type { SumoTarget } from './sumo-target.js';

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
 * Max-pressure settings as the scenario format's `signals.maxPressure` block
 * (intervalS, minGreenS, interGreen, pressure, ties, eligiblePhases). Throws for
 * a setting the format cannot carry (a maximum-green cap, uniform turn ratios):
 * no search writes one, and a plan file must run as it was scored.
 */
export function maxPressureSettings(control: Extract<SignalControl, { kind: 'max-pressure' }>): Record<string, unknown> {
  if (control.useMaxGreen === true || control.turnRatios === 'uniform') {
    throw new Error(`internal error: max-pressure settings ${JSON.stringify(control)} have no signals.maxPressure form`);
  }
  return {
    ...(control.interval !== undefined ? { intervalS: control.interval } : {}),
    ...(control.minGreen !== undefined ? { minGreenS: control.minGreen } : {}),
    ...(control.interGreen !== undefined ? { interGreen: control.interGreen } : {}),
    ...(control.pressure !== undefined ? { pressure: control.pressure } : {}),
    ...(control.ties !== undefined ? { ties: control.ties } : {}),
    ...(control.eligiblePhases !== undefined ? { eligiblePhases: [...control.eligiblePhases] } : {}),
  };
}

/** The `signals` block of a plan: its control stated (fixed time explicitly), its settings and programs. */
function signalsBlock(control: SignalControl | undefined, programs: unknown[]): Record<string, unknown> {
  if (control?.kind === 'actuated') {
    return { default: 'actuated', actuated: { ...(control.gap !== undefined ? { gapS: control.gap } : {}), ...(control.detectorGap !== undefined ? { detectorGapS: control.detectorGap } : {}) }, programs };
  }
  if (control?.kind === 'max-pressure') return { default: 'max-pressure', maxPressure: maxPressureSettings(control), programs };
  return { default: 'fixed', programs };
}

/**
 * Write plan.json, optimised.scenario.json, the SUMO files (sumo-plan-files.ts;
 * none for max-pressure) and convergence.csv (every search's evaluations in the
 * order run, with a `control` column and the best so far over all searches);
 * return their paths, the command lines that check the plan in SUMO, and
 * warnings for the user.
 *
 * The search re-times phases and never changes which movements a phase shows.
 * Programs an importer guessed or a network's defaults (run unchecked) can show
 * crossing or merging movements both protected; written out as the scenario's
 * own programs they would fail the load-time conflict check, and the written
 * scenario would not load. Then it says `signals.safetyCheck: false` (timings
 * already meet the safety minima: the search stays within them) and a warning
 * names the junctions, so a person marks those turns permissive.
 */
export async function writePlanFiles(
  outputs: OutputDir, built: BuiltScenario, best: ScoredPlan, searches: Array<{ control: PlanControl; result: OptimiseResult }>, scenarioFile: string, target: SumoTarget | undefined,
): Promise<{ files: string[]; commands: string[]; warnings: string[] }> {
  const out = outputs.dir;
  const files: string[] = [];
  const warnings: string[] = [];
  const control = best.control;
  const conflicts = built.scenario.signals.safetyCheck
    ? checkPlanSafety(built.compiled, best.programs, built.scenario.signals.safety).filter((i) => i.kind === 'conflict')
    : [];
  if (conflicts.length > 0) {
    const junctions = [...new Set(conflicts.map((i) => i.junction))];
    warnings.push(`${conflicts.length} conflicting pairs of protected movements at ${junctions.length} junctions (${junctions.slice(0, 5).join(', ')}${junctions.length > 5 ? ', ...' : ''}), in the phases of the programs the scenario runs (imported or default, never checked); the optimiser keeps each phase's movements, so optimised.scenario.json sets signals.safetyCheck: false to load: declare those turns permissive before deploying (greenwave validate on a copy without that line lists them)`);
  }
  // The control is written explicitly, so a fixed-time plan optimised for a scenario that runs actuated stays fixed time.
  const signals = signalsBlock(control, scenarioPrograms(best.programs));
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
    signals: { ...sourceSignals, ...signals, ...(conflicts.length > 0 ? { safetyCheck: false } : {}) },
    // Its outputs go beside it (a scenario's outputs.dir is relative to the scenario file).
    outputs: { ...(source.outputs as object), dir: 'out' },
  };
  files.push(await outputs.write('optimised.scenario.json', `${JSON.stringify(optimised, null, 2)}\n`));
  // SUMO has no max-pressure tlLogic, so a max-pressure plan has no SUMO files.
  const sumo = control?.kind === 'max-pressure' ? { files: [], commands: [] } : await writeSumoPlanFiles(outputs, built, best.programs, control, target);
  files.push(...sumo.files);
  const csv = ['evaluation,batch,elapsedS,objective,best,control']; // a plain header: provenance is in metadata.json
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
  return { files, commands: sumo.commands, warnings };
}
