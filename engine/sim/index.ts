/** Public API of the simulation kernel (`greenwave/sim`): the simulation, `simulate`, its metrics and the observer interface. */
export { Simulation, DEFAULT_SIM_OPTIONS, VEHICLE_PENDING, VEHICLE_WAITING, VEHICLE_MOVING, VEHICLE_QUEUED, VEHICLE_ARRIVED, VEHICLE_UNROUTABLE } from './simulation.js';
export type { SimOptions, SignalSetup, SignalControl, GridlockReport } from './simulation.js';
export { simulate } from './simulate.js';
export type { SimulateOptions, SimulationResult } from './simulate.js';
export { Metrics, levelOfService } from './metrics.js';
export type { MetricsOptions, MetricsResult, TripMetrics, LinkMetrics, JunctionMetrics, NetworkMetrics, TimeSample, LevelOfService } from './metrics.js';
export type { SimObserver } from './observer.js';
