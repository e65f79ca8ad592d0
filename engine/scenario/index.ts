/**
 * Public API of the scenario layer (`greenwave/scenario`): the file format (zod
 * schema and its JSON Schema), loading with located problems, building a
 * runnable scenario, running it as `greenwave run` does (runScenario), and the
 * scenario clock.
 */
export { ScenarioSchema, InlineNetworkSchema, GeneratorNetworkSchema, ImportNetworkSchema, SIGNAL_DEFAULTS, IMPORT_FORMATS, OUTPUT_FILES } from './schema.js';
export type { ScenarioInput, ScenarioFile, InlineNetworkFile, GeneratorNetworkFile, ImportNetworkFile, MovementRefFile } from './schema.js';
export { loadScenario } from './load.js';
export { parseScenario } from './parse.js';
export type { LoadedScenario, NetworkSource, ScenarioMovementRef, ScenarioPhase, ScenarioProgram, ScenarioSimulation } from './load.js';
export { buildScenario } from './build.js';
export type { BuiltScenario } from './build.js';
export { runScenario } from './run.js';
export type { RunScenarioOptions, ScenarioRun, ReplicationRun, RunSummary } from './run.js';
export { scenarioJsonSchema, scenarioJsonSchemaText, SCENARIO_SCHEMA_ID } from './json-schema.js';
export { parseClock, formatClock } from './clock.js';
export { ScenarioError, formatScenarioProblem } from '../errors.js';
export type { ScenarioProblem } from '../errors.js';
