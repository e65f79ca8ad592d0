/** Public API of the simulation kernel (`greenwave/sim`): the simulation, `simulate`, its metrics and the observer interface. */
export { Simulation } from './simulation.js';
export { DEFAULT_SIM_OPTIONS } from './options.js';
export type { SimOptions } from './options.js';
export { VEHICLE_PENDING, VEHICLE_WAITING, VEHICLE_MOVING, VEHICLE_QUEUED, VEHICLE_ARRIVED, VEHICLE_UNROUTABLE, VEHICLE_AT_END } from './vehicles.js';
export type { GridlockReport } from './gridlock.js';
/** The signal set-up a `Simulation` takes; defined with the controllers in signals/control.ts. */
export type { SignalSetup, SignalControl } from '../signals/control.js';
export { simulate, simulateSteps } from './simulate.js';
export type { SimulateOptions, SimulationResult } from './simulate.js';
export { Metrics, levelOfService } from './metrics.js';
export type { MetricsOptions, MetricsResult, TripMetrics, LinkMetrics, JunctionMetrics, NetworkMetrics, TimeSample, LevelOfService } from './metrics.js';
export type { SimObserver } from './observer.js';
