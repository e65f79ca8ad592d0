/**
 * greenwave: the public library API (`import ... from 'greenwave'`), named one
 * by one: what a researcher builds, runs and reads — networks, routes, demand,
 * signal plans, simulations, scenarios, reports and the optimiser — and the
 * types of their options and results. Nothing internal (the scheduler, heaps,
 * conflict tables, file formatting helpers) is exported. Each layer's fuller API
 * is its sub-path (`greenwave/network`, `greenwave/routing`, `greenwave/demand`,
 * `greenwave/signals`, `greenwave/sim`, `greenwave/io`, `greenwave/optimise`,
 * `greenwave/scenario`, `greenwave/report`); importers are in `greenwave/io` only,
 * so a script that imports none never loads an XML or OSM parser.
 */

// Errors: every user mistake is a GreenwaveError subclass with a located message.
export { GreenwaveError, InputError, NetworkError, ScenarioError, UsageError } from './errors.js';
export type { NetworkElementKind, ScenarioProblem } from './errors.js';

// Road networks: authoring graph, compiled form, generators, connectivity.
export { RoadNetwork, CompiledNetwork, compile, grid, corridor, ring, analyseConnectivity, isFarSideTurn } from './network/index.js';
export type {
  CompileOptions, ConnectivityReport, CorridorOptions, DrivingSide, GridOptions, Junction, JunctionControl, JunctionSpec,
  Link, LinkSpec, Movement, MovementSpec, RingOptions, RoadNetworkOptions, TurnKind,
} from './network/index.js';

// Routing.
export { createRouter, createTimeDependentRouter } from './routing/index.js';
export type { BatchRoutes, IntervalCosts, OneToOneAlgorithm, Router, RouterOptions, ShortestPathTree, TimedTrips, TimeDependentRouter } from './routing/index.js';

// Demand: seeded random streams, profiles, trips, flows and OD matrices.
export { RandomStream, createRandom, createProfile, expandDemand, scaleDemand } from './demand/index.js';
export type { ArrivalProcess, DemandSpec, FlowSpec, OdMatrixSpec, Profile, ProfilePoint, RouteFields, TripSpec, TripTable } from './demand/index.js';

// Signals: programs, controllers (the phase sequencer and its policies), Webster's method.
export {
  compileProgram, defaultProgram, programToSpec, createFixedTimeController, createActuatedController, createMaxPressureController,
  PhaseSequencer, END_GREEN, INTERVAL_GREEN, INTERVAL_YELLOW, INTERVAL_ALL_RED,
  websterPrograms, SIGNAL_RED, SIGNAL_GREEN, SIGNAL_PERMISSIVE, SIGNAL_YELLOW, MAX_QUEUE_SUM_COEFFICIENT,
} from './signals/index.js';
export type {
  ActuatedOptions, ControllerCounts, ControllerQueueSums, ControllerView, IntervalKind, MaxPressureOptions, MovementRef, Phase, PhasePolicy, PhaseSpec, SequencerPosition,
  SignalController, SignalProgram, SignalProgramSpec, SignalState, WebsterOptions,
} from './signals/index.js';

// Simulation.
export { Simulation, simulate, Metrics, levelOfService, DEFAULT_SIM_OPTIONS } from './sim/index.js';
export type {
  GridlockReport, JunctionMetrics, LevelOfService, LinkMetrics, MetricsResult, NetworkMetrics, SignalControl, SignalSetup,
  SimObserver, SimOptions, SimulateOptions, SimulationResult, TimeSample, TripMetrics,
} from './sim/index.js';

// Scenario files: runScenario is the scripted twin of `greenwave run`.
export { runScenario, loadScenario, parseScenario, buildScenario } from './scenario/index.js';
export type { BuiltScenario, LoadedScenario, ReplicationRun, RunScenarioOptions, RunSummary, ScenarioFile, ScenarioInput, ScenarioRun } from './scenario/index.js';

// Outputs, results by id, and reports.
export {
  writeOutputs, summarise, summariseMetrics, comparePlans, reportRecorders, JunctionSeries, CorridorTrace,
  renderReport, renderReportHtml, loadReportData, writeReport, junctionsById, linksById, tripsById,
} from './report/index.js';
export type {
  Comparison, CompareOptions, JunctionRecord, LinkRecord, MetricSummaries, Provenance, ReportData, ReportOptions, ReportRecorderOptions,
  ReportRecorders, Summary, TripRecord,
} from './report/index.js';

// Optimisation.
export { optimise, createSearchSpace, createActuatedSpace, createInProcessEvaluator, runObjective, equilibrate } from './optimise/index.js';
export type {
  BatchResult, Candidate, CandidatePlan, EquilibriumIteration, EquilibriumOptions, EquilibriumResult, EvaluationRequest, EvaluationResult,
  EvaluationScenario, Evaluator, ObjectiveName, OptimiseOptions, OptimiseResult, PlanSpace, ScenarioVariant, SearchSpace, VariantOptions,
} from './optimise/index.js';
