/**
 * The pool benchmark's ceiling: the same replications on bare `worker_threads`
 * (no Piscina, no resource protocol, no metrics packing), each worker pulling
 * the next seed, with the same demand cache. What the pool loses against this
 * is the pool's own cost; what this loses against threads x sequential is the
 * machine's. This file is also the workers' entry (run from source through
 * tsx's register(), or as compiled JavaScript).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CompiledNetwork, type DemandSpec, type SignalProgramSpec, type TripTable } from '../engine/index.js';
import { runCandidate, type EvaluationScenario, type VariantOptions } from '../engine/optimise/index.js';
import { variantTrips } from '../engine/optimise/evaluator.js';
import { sink } from './harness.js';

interface BareWorkerData {
  bareWorker: true;
  buffer: SharedArrayBuffer;
  demand: DemandSpec;
  options: VariantOptions;
  plan: SignalProgramSpec[];
}

/** Start `threads` bare workers on `scenario`'s first variant with `plan`; `run(seeds)` runs the seeds on them. */
export async function bareThreads(threads: number, scenario: EvaluationScenario, plan: SignalProgramSpec[]): Promise<{ run: (seeds: number[]) => Promise<void>; close: () => Promise<void> }> {
  const variant = scenario.variants[0];
  const data: BareWorkerData = { bareWorker: true, buffer: scenario.network.buffer as SharedArrayBuffer, demand: variant.demand as DemandSpec, options: variant.options ?? {}, plan };
  const fromSource = import.meta.url.endsWith('.ts');
  // From source, the entry is a .ts file: an eval'd bootstrap registers tsx first.
  const boot = `(async () => {
    const { workerData } = require('node:worker_threads');
    const { register } = await import(workerData.tsxApi);
    register();
    await import(workerData.entry);
  })();`;
  const workers = Array.from({ length: threads }, () => (fromSource
    ? new Worker(boot, { eval: true, workerData: { ...data, tsxApi: import.meta.resolve('tsx/esm/api'), entry: import.meta.url } })
    : new Worker(new URL(import.meta.url), { workerData: data })));
  await Promise.all(workers.map((w) => new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); })));
  const run = async (seeds: number[]): Promise<void> => {
    let next = 0;
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      const feed = (): void => {
        if (next < seeds.length) {
          w.postMessage(seeds[next++]);
        } else {
          w.off('message', onMessage);
          resolve();
        }
      };
      const onMessage = (arrived: number): void => {
        sink.value += arrived;
        feed();
      };
      w.on('message', onMessage);
      feed();
    })));
  };
  return { run, close: async () => { await Promise.all(workers.map((w) => w.terminate())); } };
}

/** A bare worker thread: run the seed it is sent, answer with the arrivals. */
function bareWorker(data: BareWorkerData): void {
  const net = CompiledNetwork.from(data.buffer);
  const cache = new Map<number, TripTable>();
  parentPort!.on('message', (seed: number) => {
    let trips = cache.get(seed);
    if (trips === undefined) cache.set(seed, (trips = variantTrips(net, data.demand, seed)));
    parentPort!.postMessage(runCandidate(net, trips, data.plan, seed, data.options).network.arrived);
  });
  parentPort!.postMessage('ready');
}

if (!isMainThread && (workerData as Partial<BareWorkerData> | undefined)?.bareWorker === true) bareWorker(workerData as BareWorkerData);
