/**
 * Running the simulation inside the calibration loop so that Ctrl-C is honoured
 * within a fraction of a second: the run advances in chunks of simulated time
 * sized to about 50 ms of work each, and yields to the event loop between them
 * (a signal handler only runs then). Also `Pacer`, the same yielding for the
 * estimator's own loops.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import type { SimObserver } from '../../sim/observer.js';
import { Simulation, type SignalSetup, type SimOptions } from '../../sim/simulation.js';

/** Yields to the event loop every `every` ms of work; `aborted` reads the signal. */
export class Pacer {
  private last = performance.now();

  constructor(private readonly signal: AbortSignal | undefined, private readonly every = 50) {}

  /** True once the caller's signal has fired. */
  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** Yield if `every` ms passed since the last yield; resolves to `aborted`. */
  async tick(): Promise<boolean> {
    if (performance.now() - this.last < this.every) return this.aborted;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
    return this.aborted;
  }
}

/**
 * Simulate `trips` with `observers` attached, yielding through `pacer`. Resolves
 * to false if the run was abandoned because the signal fired (its observers then
 * hold a partial run), true when it ran to its end.
 */
export async function runObserved(
  net: CompiledNetwork, trips: TripTable, signals: SignalSetup, options: Partial<SimOptions>, observers: readonly SimObserver[], pacer: Pacer,
): Promise<boolean> {
  const sim = new Simulation(net, trips, signals, options);
  for (const o of observers) sim.observe(o);
  const end = sim.options.end;
  let step = 30;
  let clock = sim.time;
  while (!sim.done && clock < end) {
    const started = performance.now();
    clock = Math.min(end, clock + step);
    sim.advanceTo(clock);
    const took = performance.now() - started;
    if (took < 20) step *= 2;
    else if (took > 80 && step > 1) step /= 2;
    if (await pacer.tick()) return false;
  }
  sim.run();
  return true;
}
