/**
 * The optimiser's records: the objectives it scores, scored plans, its
 * convergence history and the checkpoint file's content. In a file of their own
 * so that the optimiser (optimise.ts) and the checkpoint reader and writer
 * (checkpoint.ts) share them without importing each other.
 */
import type { SignalProgramSpec } from '../signals/program.js';
import type { ControlSpec } from './evaluator.js';
import type { SearchMethodName, SearchState } from './search.js';

/** What a plan is scored on. */
export const OBJECTIVES = ['delay', 'travelTime', 'vehicleHours'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** One line of the convergence history. */
export interface HistoryRow {
  /** Candidate evaluations so far (the start plan is evaluation 1). */
  evaluation: number;
  batch: number;
  /** Wall time since the optimisation began (resumes included), s. */
  elapsedS: number;
  /** This candidate's objective (Infinity when a run failed). */
  objective: number;
  /** Best objective so far (of the best plan by `isBetterScore`). */
  best: number;
  /** Training runs of this candidate that gridlocked (absent: none). */
  gridlockedRuns?: number;
  /** Training runs where this adaptive candidate starved a movement (starvation.ts; absent: none). */
  starvedRuns?: number;
}

/** A scored plan. */
export interface ScoredPlan {
  programs: SignalProgramSpec[];
  /** How the programs are run; absent for fixed time. */
  control?: ControlSpec;
  value: number;
  /** Training runs that gridlocked (absent: none); ranks before `value` (`isBetterScore`). */
  gridlockedRuns?: number;
  /** Training runs where an adaptive plan starved a movement (absent: none); ranks before `value`. */
  starvedRuns?: number;
  /** Its vector, or null for the start plan (evaluated as given). */
  x: number[] | null;
}

/** The checkpoint file's content (JSON; see checkpoint.ts for the encoding). */
export interface OptimiseCheckpoint {
  format: 'greenwave-optimise-checkpoint';
  version: 2;
  /** Identifies the scenario and options; a resume with another refuses. */
  fingerprint: string;
  method: SearchMethodName;
  objective: ObjectiveName;
  seeds: number[];
  variants: number[];
  evaluations: number;
  batches: number;
  elapsedS: number;
  search: SearchState | null;
  start: ScoredPlan;
  best: ScoredPlan;
  history: HistoryRow[];
  /** The start plan's longest queue stall per training run, s (the reference of starvation; absent before it was scored). */
  referenceStalls?: number[];
}
