/**
 * The Piscina task entry: runs one (network, demand variant, programs, seed)
 * task in a worker thread and moves compact metrics back.
 *
 * Resources travel once per worker, not once per task. A task names its network
 * and demand by key; the first time a worker meets a key it asks the pool for it
 * (a `ResourceRequest` posted on `parentPort`, which Piscina forwards as a
 * 'message' event) and blocks on `Atomics.wait` until the pool has posted the
 * resource on a private `MessageChannel`, read with `receiveMessageOnPort`. The
 * network arrives as its `SharedArrayBuffer` and is rebuilt with
 * `CompiledNetwork.from` without copying. Should the pool not answer in time, the
 * worker replies `missing` and the pool resends the task with the resources
 * attached. Caches are per module instance, i.e. per worker thread.
 *
 * Metrics come back as typed arrays in the transfer list (moved, not cloned):
 * the network totals packed in `NETWORK_METRIC_FIELDS` order, plus per-link and
 * per-junction arrays with `detail: 'full'`. Errors are caught and returned as
 * data, so a rejected `piscina.run()` always means the worker itself failed.
 */
import { MessageChannel, parentPort, receiveMessageOnPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { CompiledNetwork } from '../engine/network/compiled.js';
import type { DemandSpec, TripTable } from '../engine/demand/demand.js';
import {
  NETWORK_METRIC_FIELDS, createTripCache, describeError, runCandidate,
  type Candidate, type EquilibriumEnd, type EvaluationDetail, type TaskError, type VariantOptions,
} from '../engine/optimise/evaluator.js';
import type { GridlockReport } from '../engine/sim/gridlock.js';
import type { SimulationResult } from '../engine/sim/simulate.js';

/** Test hooks a pool created with `faults` may inject: exit the thread, throw, or run out of memory. */
export type FaultKind = 'exit' | 'throw' | 'oom';

/** A network resource: its key and compiled buffer (shared, never copied). */
export interface NetworkResource {
  key: string;
  buffer: SharedArrayBuffer;
}

/** A demand resource: its key, the network key it belongs to, and the spec or shared trip table. */
export interface DemandResource {
  key: string;
  network: string;
  demand: DemandSpec | TripTable;
}

/** What the pool posts for one task. */
export interface WorkerTask {
  network: string;
  demand: string;
  programs: Candidate;
  seed: number;
  options?: VariantOptions;
  detail: EvaluationDetail;
  /** 0 on the first run, 1 on the retry after the worker died, ... */
  attempt: number;
  fault?: FaultKind;
  networks?: NetworkResource[];
  demands?: DemandResource[];
}

/** A worker's request for resources it has not seen, posted on `parentPort`. */
export interface ResourceRequest {
  greenwaveResourceRequest: true;
  threadId: number;
  networks: string[];
  demands: string[];
  /** Where the pool posts a `ResourceDelivery`, then closes it. */
  port: MessagePort;
  /** The pool sets element 0 to 1 and notifies once it has posted. */
  flag: Int32Array;
}

/** The pool's answer to a `ResourceRequest` (unknown keys are left out). */
export interface ResourceDelivery {
  networks: NetworkResource[];
  demands: DemandResource[];
}

/** How long a worker waits for the pool to answer a resource request before falling back, ms. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Network totals, then end time, in one array. */
export const PACKED_LENGTH = NETWORK_METRIC_FIELDS.length + 1;

/** A worker's answer. */
export type WorkerReply =
  | {
    kind: 'ok';
    /** `NETWORK_METRIC_FIELDS` values then the end time (s). */
    packed: Float64Array;
    gridlock?: GridlockReport;
    links?: { entered: Int32Array; left: Int32Array; meanTravelTime: Float64Array; meanQueue: Float64Array; maxQueue: Int32Array };
    junctions?: { vehicles: Int32Array; controlDelay: Float64Array; stuck: Int32Array; blocked: Uint8Array };
    /** With `detail: 'all'`: the whole result (its typed arrays moved too). */
    result?: SimulationResult;
    /** With `equilibrium` in the task's options: how it ended. */
    equilibrium?: EquilibriumEnd;
    elapsedMs: number;
    threadId: number;
  }
  | { kind: 'error'; error: TaskError; threadId: number }
  | { kind: 'missing'; network: boolean; demand: boolean; threadId: number };

/** Options the pool passes to every worker. */
export interface WorkerOptions {
  tripCacheSize: number;
  faults: boolean;
}

const settings: WorkerOptions = { tripCacheSize: 16, faults: false, ...(workerData as Partial<WorkerOptions> | undefined) };

interface CachedNetwork {
  net: CompiledNetwork;
  trips: ReturnType<typeof createTripCache>;
}

const networks = new Map<string, CachedNetwork>();
const demands = new Map<string, DemandResource>();

/** A reply whose typed arrays are moved to the pool thread. */
class Moved {
  constructor(private readonly value: WorkerReply, private readonly buffers: ArrayBuffer[]) {}

  get [transferableSymbol](): object {
    return this.buffers;
  }

  get [valueSymbol](): object {
    return this.value;
  }
}

function injectFault(kind: FaultKind): void {
  if (kind === 'exit') process.exit(1);
  if (kind === 'throw') throw new Error('injected fault: throw');
  const hog: number[][] = []; // on the V8 heap (typed arrays would be external memory, outside the limit)
  for (;;) hog.push(new Array<number>(1 << 17).fill(hog.length + 0.5));
}

function install(networkResources: readonly NetworkResource[] = [], demandResources: readonly DemandResource[] = []): void {
  for (const r of networkResources) {
    if (!networks.has(r.key)) {
      const net = CompiledNetwork.from(r.buffer);
      networks.set(r.key, { net, trips: createTripCache(net, settings.tripCacheSize) });
    }
  }
  for (const r of demandResources) if (!demands.has(r.key)) demands.set(r.key, r);
}

/** Ask the pool for resources and wait (bounded) until it has posted them. */
function fetchResources(networkKeys: string[], demandKeys: string[]): void {
  if (parentPort === null) return;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const request: ResourceRequest = { greenwaveResourceRequest: true, threadId, networks: networkKeys, demands: demandKeys, port: port2, flag };
  parentPort.postMessage(request, [port2]);
  Atomics.wait(flag, 0, 0, REQUEST_TIMEOUT_MS);
  for (let entry = receiveMessageOnPort(port1); entry !== undefined; entry = receiveMessageOnPort(port1)) {
    const delivery = entry.message as ResourceDelivery;
    install(delivery.networks, delivery.demands);
  }
  port1.close();
}

/** Run one task. Never throws on purpose: errors come back as `{ kind: 'error' }`. */
export default function runTask(task: WorkerTask): WorkerReply | ReturnType<typeof move> {
  install(task.networks, task.demands);
  const needNetworks = networks.has(task.network) ? [] : [task.network];
  const needDemands = demands.has(task.demand) ? [] : [task.demand];
  if (needNetworks.length > 0 || needDemands.length > 0) fetchResources(needNetworks, needDemands);
  const cached = networks.get(task.network);
  const demand = demands.get(task.demand);
  if (cached === undefined || demand === undefined) {
    return { kind: 'missing', network: cached === undefined, demand: demand === undefined, threadId };
  }
  const t0 = performance.now();
  try {
    if (task.fault !== undefined && settings.faults) injectFault(task.fault);
    const trips = cached.trips(task.demand, demand.demand, task.seed, task.options ?? {});
    const m = runCandidate(cached.net, trips, task.programs, task.seed, task.options, task.detail);
    const packed = new Float64Array(PACKED_LENGTH);
    for (let i = 0; i < NETWORK_METRIC_FIELDS.length; i++) packed[i] = m.network[NETWORK_METRIC_FIELDS[i]];
    packed[NETWORK_METRIC_FIELDS.length] = m.endTime;
    const reply: WorkerReply = { kind: 'ok', packed, elapsedMs: performance.now() - t0, threadId };
    if (m.gridlock !== undefined) reply.gridlock = m.gridlock;
    if (m.links !== undefined && m.junctions !== undefined) {
      const { entered, left, meanTravelTime, meanQueue, maxQueue } = m.links;
      reply.links = { entered, left, meanTravelTime, meanQueue, maxQueue };
      reply.junctions = { vehicles: m.junctions.vehicles, controlDelay: m.junctions.controlDelay, stuck: m.junctions.stuck, blocked: m.junctions.blocked };
    }
    if (m.result !== undefined) reply.result = m.result;
    if (m.equilibrium !== undefined) reply.equilibrium = m.equilibrium;
    const buffers = new Set<ArrayBuffer>();
    const arrays = [packed, ...Object.values(reply.links ?? {}), ...Object.values(reply.junctions ?? {}), ...Object.values(m.result?.trips ?? {})];
    for (const a of arrays) {
      if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
    }
    return move(new Moved(reply, [...buffers]) as unknown as Parameters<typeof move>[0]);
  } catch (error) {
    return { kind: 'error', error: describeError(error), threadId };
  }
}
