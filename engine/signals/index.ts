/** Public API of the signals layer: programs, controllers and Webster's method. */
export {
  compileProgram, defaultProgram, programToSpec, approachMovements, cycleLength,
  PHASE_DEFAULTS, DEFAULT_PROGRAM_OPTIONS, CYCLE_TOLERANCE,
} from './program.js';
export type { MovementRef, PhaseSpec, SignalProgramSpec, Phase, SignalProgram, DefaultProgramOptions } from './program.js';
export {
  createFixedTimeController, SIGNAL_RED, SIGNAL_GREEN, SIGNAL_PERMISSIVE, SIGNAL_YELLOW,
} from './controller.js';
export type { SignalController, ControllerView, SignalState } from './controller.js';
export { createActuatedController, DEFAULT_ACTUATED_OPTIONS } from './actuated.js';
export type { ActuatedOptions } from './actuated.js';
export { createMaxPressureController, DEFAULT_MAX_PRESSURE_OPTIONS } from './max-pressure.js';
export type { MaxPressureOptions } from './max-pressure.js';
export { movementFlows, movementTurnRatios, busiestHour } from './flows.js';
export type { FlowWindow } from './flows.js';
export { websterPrograms, websterPlan, websterTiming, criticalFlowRatios, DEFAULT_WEBSTER_OPTIONS } from './webster.js';
export type { WebsterOptions, WebsterTiming, WebsterPlan } from './webster.js';
