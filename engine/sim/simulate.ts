/**
 * `simulate()`: one call that runs a simulation to its end and returns its
 * metrics — the entry point most researchers and the CLI use. For stepping
 * (`advanceTo`) or custom controllers, build a `Simulation` directly.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import { Metrics, type MetricsResult } from './metrics.js';
import type { SignalSetup } from '../signals/control.js';
import type { GridlockReport } from './gridlock.js';
import type { SimOptions } from './options.js';
import { Simulation } from './simulation.js';

/** Options of {@link simulate}: the kernel's plus the time-series interval. */
export interface SimulateOptions extends Partial<SimOptions> {
  /** Time-series interval, s. Default 300. */
  interval?: number;
  /** Called about 100 times during the run with the simulation clock (s) and the end time (s). */
  progress?: (time: number, end: number) => void;
  /**
   * Called once with the built Simulation before it runs: register extra
   * observers (`sim.observe`) or keep a view of its state, such as `sim.signal`.
   */
  attach?: (sim: Simulation) => void;
}

/** What a run produced. */
export interface SimulationResult extends MetricsResult {
  /** The gridlock that ended the run early, if any. */
  gridlock?: GridlockReport;
  /** Time the run ended, s. */
  endTime: number;
  /** Bytes of per-vehicle state (kernel and metrics) divided by the number of trips. */
  bytesPerVehicle: number;
}

/**
 * {@link simulate} in steps of `stepS` simulated seconds (with `progress`, at
 * most 1/100 of the run): yields the clock after each step and returns the
 * result. A caller that must stay responsive (the CLI, for Ctrl-C) awaits the
 * event loop between steps, or stops iterating to abandon the run. Stepping
 * does not change the result: `advanceTo` runs the same events in the same order.
 */
export function* simulateSteps(
  net: CompiledNetwork, trips: TripTable, signals: SignalSetup = {}, options: SimulateOptions = {}, stepS = Infinity,
): Generator<number, SimulationResult, void> {
  const { interval, progress, attach, ...simOptions } = options;
  const sim = new Simulation(net, trips, signals, simOptions);
  const metrics = new Metrics(net, trips, { start: sim.options.start, end: sim.options.end, interval, stopThreshold: sim.options.stopThreshold, speedFactor: sim.speedFactors });
  sim.observe(metrics);
  attach?.(sim);
  const { start, end } = sim.options;
  const step = progress ? Math.min(stepS, (end - start) / 100) : stepS;
  if (step > 0 && Number.isFinite(step)) {
    for (let t = start + step; !sim.done && t < end; t += step) {
      sim.advanceTo(t);
      progress?.(sim.time, end);
      yield sim.time;
    }
  }
  sim.run();
  progress?.(sim.time, sim.options.end);
  const result = metrics.result(sim.gridlock ? sim.gridlock.junctions.map((id) => net.junctionIndex(id)) : []);
  return {
    ...result,
    ...(sim.gridlock ? { gridlock: sim.gridlock } : {}),
    endTime: sim.time,
    bytesPerVehicle: trips.count > 0 ? (sim.vehicleStateBytes + metrics.vehicleStateBytes) / trips.count : 0,
  };
}

/** Simulate `trips` on `net` under `signals` and return the metrics. Deterministic by `options.seed`. */
export function simulate(net: CompiledNetwork, trips: TripTable, signals: SignalSetup = {}, options: SimulateOptions = {}): SimulationResult {
  const steps = simulateSteps(net, trips, signals, options);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}
