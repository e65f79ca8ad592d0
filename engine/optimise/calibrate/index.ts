/** Demand from traffic counts: `calibrate()`, its fit statistics and the consistency check of the counts (re-exports only). */
export { calibrate } from './calibrate.js';
export type { CalibrateOptions, CalibrationProgress, CalibrationResult, IterationReport, SignalsFor } from './calibrate.js';
export { fitRows, fitSummary, locationFits, geh, meetsFlowCriterion } from './fit.js';
export type { FitRow, FitSummary, LocationFit } from './fit.js';
export { countConsistency } from './consistency.js';
export type { CountConsistency, JunctionBalance, TurnBalance, UnservableCount } from './consistency.js';
export { tripEnds, TRIP_ENDS } from './trip-ends.js';
export type { TripEnds, TripEndsPolicy } from './trip-ends.js';
