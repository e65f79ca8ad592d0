/** Public API of the signals layer: programs, controllers (a phase sequencer and its policies), control specs and Webster's method. */
export {
  compileProgram, defaultProgram, programToSpec, approachMovements, cycleLength,
  PHASE_DEFAULTS, DEFAULT_PROGRAM_OPTIONS, CYCLE_TOLERANCE,
} from './program.js';
export type { MovementRef, PhaseSpec, SignalProgramSpec, Phase, SignalProgram, DefaultProgramOptions } from './program.js';
export { SIGNAL_RED, SIGNAL_GREEN, SIGNAL_PERMISSIVE, SIGNAL_YELLOW, MAX_QUEUE_SUM_COEFFICIENT } from './controller.js';
export type { SignalController, ControllerCounts, ControllerQueueSums, ControllerView, SignalState } from './controller.js';
export { PhaseSequencer, INTERVAL_GREEN, INTERVAL_YELLOW, INTERVAL_ALL_RED, END_GREEN } from './sequencer.js';
export type { PhasePolicy, SequencerPosition, IntervalKind } from './sequencer.js';
export { createFixedTimeController } from './fixed-time.js';
export { createActuatedController, DEFAULT_ACTUATED_OPTIONS } from './actuated.js';
export type { ActuatedOptions } from './actuated.js';
export { createMaxPressureController, DEFAULT_MAX_PRESSURE_OPTIONS } from './max-pressure.js';
export type { MaxPressureOptions } from './max-pressure.js';
export { controllerFactory, createControllers } from './control.js';
export type { SignalControl, SignalSetup } from './control.js';
export { movementFlows, movementTurnRatios, busiestHour } from './flows.js';
export type { FlowWindow } from './flows.js';
export { websterPrograms, websterPlan, websterTiming, criticalFlowRatios, DEFAULT_WEBSTER_OPTIONS } from './webster.js';
export type { WebsterOptions, WebsterTiming, WebsterPlan } from './webster.js';
export { checkPlanSafety, safePrograms, clearanceShortfalls, phaseMinima, movementConflict, iteYellow, iteAllRed, pedestrianMinGreen, DEFAULT_SAFETY } from './safety.js';
export type { SafetyOptions, JunctionSafety, SafetyIssue, ClearanceFloor, ClearanceShortfall } from './safety.js';
