/** Public API of the optimisation layer: the `Evaluator` interface and its in-process implementation. */
export {
  createInProcessEvaluator, runCandidate, variantTrips, createTripCache, isTripTable, planBatch, checkScenario,
  describeError, BatchRecorder, NETWORK_METRIC_FIELDS, candidatePlan,
} from './evaluator.js';
export type {
  Evaluator, EvaluationScenario, ScenarioVariant, VariantOptions, Candidate, CandidatePlan, ControlSpec, EvaluationDetail, EvaluationRequest,
  TaskRef, EvaluationMetrics, EvaluationResult, EvaluationFailure, EvaluationOutcome, TaskError, BatchResult,
  ProgressEvent, EvaluateOptions, EvaluatorCloseReport, InProcessEvaluatorOptions, PlannedBatch,
} from './evaluator.js';
