/**
 * Public API of the optimisation layer (`greenwave/optimise`): the `Evaluator`
 * interface and its in-process implementation, the task every evaluator runs
 * (`runCandidate`), plan search spaces, search methods, the objective, and the
 * optimiser.
 */
export { createInProcessEvaluator, runCandidate } from './evaluator.js';
export type {
  Evaluator, EvaluationScenario, ScenarioVariant, VariantOptions, Candidate, CandidatePlan, ControlSpec, EvaluationDetail, EvaluationRequest,
  TaskRef, EvaluationMetrics, EvaluationResult, EvaluationFailure, EvaluationOutcome, TaskError, BatchResult,
  ProgressEvent, EvaluateOptions, EvaluatorCloseReport, InProcessEvaluatorOptions,
} from './evaluator.js';
export { createSearchSpace, completePrograms } from './space.js';
export type { PlanSpace, SearchSpace, SearchSpaceOptions, CycleGrouping, JunctionGenes, CycleGroupGenes, JunctionGeneGroup } from './space.js';
export { createActuatedSpace, GAP_RANGE, DETECTOR_RANGE, MAX_GREEN_CEILING } from './actuated-space.js';
export type { ActuatedSpace, ActuatedJunctionGenes } from './actuated-space.js';
export { createCmaEs, createCompass, createSearch, SEARCH_METHODS } from './search.js';
export type { SearchMethod, SearchMethodName, SearchState, CmaEsOptions, CompassOptions } from './search.js';
export { isBetterScore, type Score } from './score.js';
export { optimise, runObjective, scoreCandidates, OBJECTIVES, DEFAULT_UNFINISHED_PENALTY } from './optimise.js';
export type { ObjectiveName, OptimiseOptions, OptimiseResult, OptimiseCheckpoint, OptimiseProgress, HistoryRow, ScoredPlan } from './optimise.js';
export { initialDesign, actuatedDesign, maxPressureDesign } from './design.js';
export { createMaxPressureSpace, INTERVAL_RANGE, MIN_GREEN_RANGE } from './max-pressure-space.js';
export type { MaxPressureSpace } from './max-pressure-space.js';
export { localSearch } from './local-search.js';
export type { LocalSearchOptions } from './local-search.js';
export { signalRegions, disjointClasses, DEFAULT_REGION_RADIUS_S } from './regions.js';
export { withFixedRoutes } from './routes.js';
export { calibrate, fitRows, fitSummary, locationFits, geh, meetsFlowCriterion, countConsistency, tripEnds, TRIP_ENDS } from './calibrate/index.js';
export type {
  CalibrateOptions, CalibrationProgress, CalibrationResult, IterationReport, SignalsFor, FitRow, FitSummary, LocationFit,
  CountConsistency, JunctionBalance, TurnBalance, UnservableCount, TripEnds, TripEndsPolicy,
} from './calibrate/index.js';
export { equilibrate, equilibrateSteps, resolveEquilibriumOptions, DEFAULT_EQUILIBRIUM_OPTIONS, LinkTimeRecorder } from './equilibrium/index.js';
export type { EquilibriumOptions, EquilibriumIteration, EquilibriumResult } from './equilibrium/index.js';
