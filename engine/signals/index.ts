/** Public API of the signals layer: programs and controllers. */
export {
  compileProgram, defaultProgram, programToSpec, approachMovements, cycleLength,
  PHASE_DEFAULTS, DEFAULT_PROGRAM_OPTIONS, CYCLE_TOLERANCE,
} from './program.js';
export type { MovementRef, PhaseSpec, SignalProgramSpec, Phase, SignalProgram, DefaultProgramOptions } from './program.js';
export {
  createFixedTimeController, SIGNAL_RED, SIGNAL_GREEN, SIGNAL_PERMISSIVE, SIGNAL_YELLOW,
} from './controller.js';
export type { SignalController, ControllerView, SignalState } from './controller.js';
