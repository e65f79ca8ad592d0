/**
 * `SimulationPool`: a Piscina worker pool that runs simulation tasks on every
 * core of this machine — the parallel half of the `Evaluator` (see
 * `createPoolEvaluator`) and of replications.
 *
 *  - Networks and demands are registered once (`addNetwork`, `addDemand`) and
 *    reach each worker once, when it first needs them: a compiled network as its
 *    `SharedArrayBuffer` (shared memory, never copied or re-serialised), a trip
 *    table as shared typed arrays, a demand spec as plain JSON. A task names them
 *    by key; see `worker.ts` for the protocol.
 *  - Backpressure: at most `maxInFlight` tasks (default threads x 2) are handed to
 *    Piscina at once, across every caller; the rest wait here.
 *  - Faults: a task that throws comes back as a failure (`kind: 'error'`). A
 *    worker that dies (process.exit, out of memory) is replaced by Piscina and the
 *    task is retried (`retries`, default 1), then reported (`kind: 'worker'`).
 *    Every `run()` settles exactly once, with one outcome.
 *  - `close()` cancels what waits, lets what runs finish (or aborts it with
 *    `force`), shuts the threads down and reports the pool's totals. Signal
 *    handling is the caller's: on SIGINT a CLI aborts its batches or calls
 *    `close({ force: true })`, then writes what finished.
 *
 * The worker entry is `worker.ts` next to this file: loaded through tsx when this
 * module runs from source (tests, `tsx bench/...`), as `worker.js` from `dist/`.
 * Admission (slots, linked abort signals) is in `admission.ts`; what crosses the
 * thread boundary besides the network (shared trip tables, packed replies) in
 * `transfer.ts`.
 */
import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { UsageError } from '../engine/errors.js';
import { CompiledNetwork } from '../engine/network/compiled.js';
import type { DemandSpec, TripTable } from '../engine/demand/demand.js';
import {
  describeError, isTripTable,
  type Candidate, type EvaluationDetail, type EvaluationMetrics, type TaskError, type VariantOptions,
} from '../engine/optimise/evaluator.js';
import type { DemandResource, FaultKind, NetworkResource, ResourceDelivery, ResourceRequest, WorkerOptions, WorkerReply, WorkerTask } from './worker.js';
import { Slots, linkSignals } from './admission.js';
import { shareTripTable, unpack } from './transfer.js';

export type { FaultKind } from './worker.js';

/** What the fault hook sees. */
export interface FaultContext {
  candidate: number;
  variant: number;
  seed: number;
  /** 0 on the first run, 1 on the retry. */
  attempt: number;
}

/** Options of {@link SimulationPool}. */
export interface PoolOptions {
  /** Worker threads. Default `os.availableParallelism()`. */
  threads?: number;
  /** Tasks handed to Piscina at once (running or queued on a worker). Default threads x 2. */
  maxInFlight?: number;
  /** Retries of a task whose worker died. Default 1. */
  retries?: number;
  /** Expanded demands each worker keeps per (variant, seed). Default 16. */
  tripCacheSize?: number;
  /** Per-worker V8 heap limits (`maxOldGenerationSizeMb`, ...); a worker over them dies and is replaced. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; codeRangeSizeMb?: number; stackSizeMb?: number };
  /**
   * Test hook: inject a fault into a task (`exit`: the worker calls
   * `process.exit(1)`; `throw`; `oom`: allocate until the heap limit). Never set
   * outside tests.
   */
  faults?: (task: FaultContext) => FaultKind | undefined;
}

/** One simulation: a registered network and demand, a candidate's programs and a seed. */
export interface PoolTask {
  /** Key from `addNetwork`. */
  network: string;
  /** Key from `addDemand`. */
  demand: string;
  programs: Candidate;
  seed: number;
  options?: VariantOptions;
  /** Default `network`. */
  detail?: EvaluationDetail;
  /** Labels for the fault hook (and your reports). Default 0. */
  candidate?: number;
  variant?: number;
}

/** How a pool task ended. */
export type PoolOutcome =
  | { status: 'ok'; metrics: EvaluationMetrics; attempts: number; elapsedMs: number; threadId: number }
  | { status: 'failed'; error: TaskError; attempts: number }
  | { status: 'cancelled'; attempts: number };

/** Counters over a pool's life. */
export interface PoolStats {
  completed: number;
  failed: number;
  cancelled: number;
  /** Retries after a worker died. */
  retried: number;
  /** Workers that died (each is replaced). */
  workerDeaths: number;
  /** Times a network buffer was attached to a task: once per worker and network, plus after deaths. */
  networksSent: number;
  /** Times a demand was attached to a task, likewise. */
  demandsSent: number;
  /** Tasks handed to Piscina now. */
  inFlight: number;
  /** Tasks waiting for a slot. */
  waiting: number;
}

/** What `close()` reports. */
export interface PoolCloseReport extends PoolStats {
  /** True if running tasks were aborted (`force`). */
  forced: boolean;
}

function workerEntry(): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url).href;
  if (!fromSource) return { filename, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename, execArgv: ['--import', tsx] };
}

/** A Piscina pool of simulation workers. */
export class SimulationPool {
  readonly threads: number;
  readonly maxInFlight: number;
  readonly retries: number;
  private readonly piscina: Piscina;
  private readonly slots: Slots;
  private readonly faults: PoolOptions['faults'];
  private readonly networks = new Map<string, { resource: NetworkResource; net: CompiledNetwork }>();
  private readonly networkKeys = new WeakMap<object, string>();
  private readonly demands = new Map<string, DemandResource>();
  private readonly stop = new AbortController();
  private readonly running = new Set<Promise<PoolOutcome>>();
  private readonly counts = { completed: 0, failed: 0, cancelled: 0, retried: 0, workerDeaths: 0, networksSent: 0, demandsSent: 0 };
  private inFlight = 0;
  private closing: Promise<PoolCloseReport> | undefined;

  constructor(options: PoolOptions = {}) {
    const threads = options.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`options.threads must be a positive integer, got ${String(threads)}`);
    const maxInFlight = options.maxInFlight ?? threads * 2;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new UsageError(`options.maxInFlight must be a positive integer, got ${String(maxInFlight)}`);
    const retries = options.retries ?? 1;
    if (!Number.isInteger(retries) || retries < 0) throw new UsageError(`options.retries must be a non-negative integer, got ${String(retries)}`);
    const tripCacheSize = options.tripCacheSize ?? 16;
    if (!Number.isInteger(tripCacheSize) || tripCacheSize < 1) throw new UsageError(`options.tripCacheSize must be a positive integer, got ${String(tripCacheSize)}`);
    this.threads = threads;
    this.maxInFlight = maxInFlight;
    this.retries = retries;
    this.faults = options.faults;
    this.slots = new Slots(maxInFlight);
    setMaxListeners(Infinity, this.stop.signal); // one listener per waiting or running task
    const { filename, execArgv } = workerEntry();
    const workerData: WorkerOptions = { tripCacheSize, faults: options.faults !== undefined };
    this.piscina = new Piscina({
      filename,
      execArgv,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: 1,
      idleTimeout: Infinity,
      workerData,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    // A worker that dies while idle is replaced by Piscina; without a listener the
    // 'error' event would crash the process.
    this.piscina.on('error', () => { this.counts.workerDeaths++; });
    this.piscina.on('message', (message: unknown) => this.deliver(message));
  }

  /** Answer a worker's `ResourceRequest`: post what it asked for, then wake it. */
  private deliver(message: unknown): void {
    const request = message as Partial<ResourceRequest> | null;
    if (request === null || typeof request !== 'object' || request.greenwaveResourceRequest !== true) return;
    const { port, flag } = request;
    if (port === undefined || flag === undefined) return;
    const delivery: ResourceDelivery = { networks: [], demands: [] };
    for (const key of request.networks ?? []) {
      const entry = this.networks.get(key);
      if (entry !== undefined) delivery.networks.push(entry.resource);
    }
    for (const key of request.demands ?? []) {
      const entry = this.demands.get(key);
      if (entry !== undefined) delivery.demands.push(entry);
    }
    this.counts.networksSent += delivery.networks.length;
    this.counts.demandsSent += delivery.demands.length;
    port.postMessage(delivery);
    port.close();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }

  /**
   * Register a compiled network; returns its key (the same key for the same
   * buffer). A network in a plain `ArrayBuffer` is copied into shared memory once.
   */
  addNetwork(net: CompiledNetwork): string {
    if (!(net instanceof CompiledNetwork)) throw new UsageError('addNetwork(net): net must be a CompiledNetwork');
    const known = this.networkKeys.get(net.buffer);
    if (known !== undefined) return known;
    let buffer = net.buffer;
    if (!(buffer instanceof SharedArrayBuffer)) {
      const shared = new SharedArrayBuffer(buffer.byteLength);
      new Uint8Array(shared).set(new Uint8Array(buffer));
      buffer = shared;
    }
    const key = `n${this.networks.size}`;
    this.networks.set(key, { resource: { key, buffer }, net });
    this.networkKeys.set(net.buffer, key);
    return key;
  }

  /**
   * Register a demand on a registered network; returns its key. A spec is
   * expanded in the workers per seed; a trip table (expanded on that network) is
   * moved to shared memory once and used as is.
   */
  addDemand(network: string, demand: DemandSpec | TripTable): string {
    if (!this.networks.has(network)) throw new UsageError(`addDemand(network, demand): unknown network key "${network}" (use addNetwork)`);
    if (demand === null || typeof demand !== 'object') throw new UsageError('addDemand(network, demand): demand must be a demand spec or a trip table');
    const key = `d${this.demands.size}`;
    this.demands.set(key, { key, network, demand: isTripTable(demand) ? shareTripTable(demand) : demand });
    return key;
  }

  /** Counters so far. */
  get stats(): PoolStats {
    return { ...this.counts, inFlight: this.inFlight, waiting: this.slots.waiting };
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Run one task. Resolves with its outcome, never rejects for the task's own
   * errors or a dead worker; rejects with `UsageError` for unknown keys. An
   * aborted `signal` (or `close()`) cancels it: waiting, queued or running.
   * Whether it got a slot or has to wait is decided synchronously, in call order.
   */
  run(task: PoolTask, { signal }: { signal?: AbortSignal } = {}): Promise<PoolOutcome> {
    const network = this.networks.get(task.network);
    const demand = this.demands.get(task.demand);
    if (network === undefined) return Promise.reject(new UsageError(`run(task): unknown network key "${task.network}"`));
    if (demand === undefined) return Promise.reject(new UsageError(`run(task): unknown demand key "${task.demand}"`));
    if (demand.network !== task.network) {
      return Promise.reject(new UsageError(`run(task): demand "${task.demand}" belongs to network "${demand.network}", not "${task.network}"`));
    }
    if (!Number.isSafeInteger(task.seed)) return Promise.reject(new UsageError(`run(task): seed must be a safe integer, got ${String(task.seed)}`));
    if (this.closing !== undefined) {
      this.counts.cancelled++;
      return Promise.resolve({ status: 'cancelled', attempts: 0 });
    }
    const { signal: stop, dispose } = linkSignals(signal, this.stop.signal);
    // Decided now: a slot if one is free, else a place in the queue.
    const admitted = this.slots.acquire(stop);
    const settled = (async (): Promise<PoolOutcome> => {
      try {
        if (!(await admitted)) {
          this.counts.cancelled++;
          return { status: 'cancelled', attempts: 0 };
        }
        this.inFlight++;
        try {
          return await this.execute(task, network.resource, network.net, demand, stop);
        } finally {
          this.inFlight--;
          this.slots.release();
        }
      } finally {
        dispose();
      }
    })();
    // Registered at once, so close() waits for every run() that was accepted.
    this.running.add(settled);
    const forget = (): void => { this.running.delete(settled); };
    settled.then(forget, forget);
    return settled;
  }

  private async execute(task: PoolTask, networkResource: NetworkResource, net: CompiledNetwork, demandResource: DemandResource, stop: AbortSignal): Promise<PoolOutcome> {
    let attempt = 0;
    let sendNetwork = false;
    let sendDemand = false;
    let lastError: TaskError | undefined;
    for (;;) {
      const message: WorkerTask = {
        network: task.network,
        demand: task.demand,
        programs: task.programs,
        seed: task.seed,
        detail: task.detail ?? 'network',
        attempt,
        ...(task.options !== undefined ? { options: task.options } : {}),
        ...(sendNetwork ? { networks: [networkResource] } : {}),
        ...(sendDemand ? { demands: [demandResource] } : {}),
      };
      if (sendNetwork) this.counts.networksSent++;
      if (sendDemand) this.counts.demandsSent++;
      const fault = this.faults?.({ candidate: task.candidate ?? 0, variant: task.variant ?? 0, seed: task.seed, attempt });
      if (fault !== undefined) message.fault = fault;
      let reply: WorkerReply;
      try {
        reply = await this.piscina.run(message, { signal: stop }) as WorkerReply;
      } catch (error) {
        if (stop.aborted) {
          this.counts.cancelled++;
          return { status: 'cancelled', attempts: attempt + 1 };
        }
        // The worker died under this task (exit, out of memory, crash); Piscina replaces it.
        this.counts.workerDeaths++;
        lastError = describeError(error, 'worker');
        attempt++;
        if (attempt > this.retries) break;
        this.counts.retried++;
        sendNetwork = sendDemand = true; // most likely a fresh worker
        continue;
      }
      if (reply.kind === 'missing') {
        if ((reply.network && sendNetwork) || (reply.demand && sendDemand)) {
          throw new Error(`worker ${reply.threadId} reports a resource missing that was sent with the task`);
        }
        sendNetwork ||= reply.network;
        sendDemand ||= reply.demand;
        continue;
      }
      if (reply.kind === 'error') {
        this.counts.failed++;
        return { status: 'failed', error: reply.error, attempts: attempt + 1 };
      }
      this.counts.completed++;
      return { status: 'ok', metrics: unpack(reply, net), attempts: attempt + 1, elapsedMs: reply.elapsedMs, threadId: reply.threadId };
    }
    this.counts.failed++;
    return { status: 'failed', error: lastError!, attempts: attempt };
  }

  /**
   * Shut down: tasks waiting for a slot are cancelled, running tasks finish (or
   * are aborted with `force: true`), then the threads stop. Resolves once every
   * `run()` has settled, with the pool's totals. Calling it again returns the same report.
   */
  close({ force = false }: { force?: boolean } = {}): Promise<PoolCloseReport> {
    if (this.closing !== undefined) {
      if (force) this.stop.abort();
      return this.closing;
    }
    this.closing = (async () => {
      // Waiting tasks are cancelled; running ones keep going unless forced.
      if (force) this.stop.abort();
      this.slots.cancelWaiting();
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
      await this.piscina.close({ force: true });
      return { ...this.stats, forced: force };
    })();
    return this.closing;
  }

  /** `await using pool = new SimulationPool()` closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
