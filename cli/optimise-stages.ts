/**
 * The searches of `greenwave optimise`, one per kind of plan (`--control`):
 * the space searched, where the search starts, its first batch, its share of
 * the budget, its checkpoint file and the fingerprint that says whether a
 * checkpoint belongs to the same run.
 *
 * - fixed: cycle, splits and offsets, starting from Webster's plan;
 * - actuated: gap-out settings, starting from the scenario's own (when in the
 *   space's terms) or SUMO's defaults;
 * - max-pressure: signals.maxPressure settings, starting from the scenario's own
 *   or the controller's defaults.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BuiltScenario } from '../engine/scenario/index.js';
import type { SignalProgram, SignalProgramSpec } from '../engine/signals/program.js';
import { createSearchSpace, type CycleGrouping, type PlanSpace } from '../engine/optimise/space.js';
import { createActuatedSpace } from '../engine/optimise/actuated-space.js';
import { corridorGroups } from '../engine/optimise/corridors.js';
import { movementFlows } from '../engine/signals/flows.js';
import { actuatedDesign, initialDesign, maxPressureDesign } from '../engine/optimise/design.js';
import { createMaxPressureSpace } from '../engine/optimise/max-pressure-space.js';
import type { ObjectiveName, OptimiseResult } from '../engine/optimise/optimise.js';
import type { SearchMethodName } from '../engine/optimise/search.js';
import type { Candidate, CandidatePlan } from '../engine/optimise/evaluator.js';
import { LOCAL_SEARCH_MIN_SIGNALS, type PlanControl } from './optimise-budget.js';

/** One search of the command: a kind of plan, its search method, space, start, first batch, budget and checkpoint. */
export interface Stage {
  control: PlanControl;
  method: SearchMethodName | 'local';
  space: PlanSpace;
  start: Candidate;
  initial: Float64Array[];
  budget: number;
  checkpoint: string;
  fingerprint: string;
  result?: OptimiseResult;
}

/** What the searches are built from. */
export interface StageInputs {
  built: BuiltScenario;
  /** The current programs raised to the safety minima (the searches stay within their phases). */
  safe: SignalProgram[];
  safeSpecs: SignalProgramSpec[];
  webster: SignalProgramSpec[];
  controls: readonly PlanControl[];
  /** Budget of each control, in the order of `controls`. */
  shares: readonly number[];
  method: SearchMethodName | 'local' | 'auto';
  cycles: CycleGrouping;
  /** The --cycles option as given (shared, per-junction, corridors), for the fingerprint. */
  cyclesName: string;
  /** Fixed time: also search skipping phases whose movements other phases show. */
  skipPhases: boolean;
  /** Fixed time: search the cyclic order of the phases (except where the scenario's signals.pinPhaseOrder pins it). */
  reorderPhases: boolean;
  minCycle?: number;
  maxCycle?: number;
  /** Output directory (checkpoints). */
  out: string;
  /** Fingerprint inputs: digest of the input files, training seeds, demand scales, objective. */
  inputs: string;
  trainSeeds: readonly number[];
  scales: readonly number[];
  objective: ObjectiveName;
}

/**
 * The cycle groups of the fixed-time space for `--cycles`: corridors (one
 * cycle per corridor found from the demand, engine/optimise/corridors.ts, the
 * other signals their own, logged), or the mode itself.
 */
export function cycleGrouping(built: BuiltScenario, safe: readonly SignalProgram[], cycles: 'shared' | 'per-junction' | 'corridors', searched: boolean, log: (text: string) => void): CycleGrouping {
  if (cycles !== 'corridors') return cycles;
  if (!searched) return [];
  const groups = corridorGroups(built.compiled, safe.map((p) => p.junction), movementFlows(built.compiled, built.trips));
  const grouped = groups.reduce((n, g) => n + g.length, 0);
  log(`cycle groups from the demand: ${groups.length} corridor${groups.length === 1 ? '' : 's'} (${groups.map((g) => g.length).join(', ') || 'none'} signals), ${safe.length - grouped} signal${safe.length - grouped === 1 ? '' : 's'} with a cycle of its own`);
  return groups;
}

/** The searches, in the order of `controls`. */
export function buildStages(s: StageInputs): Stage[] {
  const net = s.built.compiled;
  // auto: the decomposed search on a city (spaces with per-junction genes), compass on a few signals
  const methodFor = (space: PlanSpace): SearchMethodName | 'local' => {
    if (s.method === 'auto') return space.junctionGenes !== undefined && s.safe.length >= LOCAL_SEARCH_MIN_SIGNALS ? 'local' : 'compass';
    return s.method === 'local' && space.junctionGenes === undefined ? 'compass' : s.method;
  };
  return s.controls.map((control, k): Stage => {
    const share = s.shares[k];
    const fingerprintOf = (method: string): string => createHash('sha256').update(JSON.stringify({
      inputs: s.inputs, trainSeeds: s.trainSeeds, scales: s.scales, objective: s.objective, method, control, cycles: s.cyclesName, minCycle: s.minCycle, maxCycle: s.maxCycle, skipPhases: s.skipPhases, reorderPhases: s.reorderPhases, pinPhaseOrder: s.built.scenario.signals.pinPhaseOrder, version: 7,
    })).digest('hex');
    const checkpoint = path.join(s.out, `checkpoint-${control}.json`);
    const own = s.built.signals.control;
    if (control === 'fixed') {
      const space = createSearchSpace(net, s.safe, {
        cycles: s.cycles,
        skipPhases: s.skipPhases,
        reorderPhases: s.reorderPhases,
        ...(s.built.scenario.signals.pinPhaseOrder === false ? {} : { pinnedOrder: s.built.scenario.signals.pinPhaseOrder }),
        ...(s.minCycle !== undefined ? { minCycle: s.minCycle } : {}),
        ...(s.maxCycle !== undefined ? { maxCycle: s.maxCycle } : {}),
      });
      const method = methodFor(space);
      return { control, method, space, start: s.webster, initial: initialDesign(net, space, s.webster), budget: share, checkpoint, fingerprint: fingerprintOf(method) };
    }
    if (control === 'max-pressure') {
      const space = createMaxPressureSpace(net, s.safe);
      // Start from the scenario's own max-pressure settings when it runs max-pressure, else the controller's defaults.
      const start: CandidatePlan = { programs: s.safeSpecs, control: own.kind === 'max-pressure' ? own : { kind: 'max-pressure' } };
      const method = methodFor(space);
      return { control, method, space, start, initial: maxPressureDesign(space, start), budget: share, checkpoint, fingerprint: fingerprintOf(method) };
    }
    const space = createActuatedSpace(net, s.safe);
    // Start from the scenario's own actuated settings when it has them (and they are in the space's terms), else SUMO's defaults.
    const start: CandidatePlan = { programs: s.safeSpecs, control: own.kind === 'actuated' && own.detectorDistance === undefined ? own : { kind: 'actuated' } };
    const method = methodFor(space);
    return { control, method, space, start, initial: actuatedDesign(space, start), budget: share, checkpoint, fingerprint: fingerprintOf(method) };
  });
}
