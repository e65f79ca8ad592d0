/**
 * What crosses the thread boundary of the pool (`SimulationPool`) besides the
 * compiled network: trip tables moved to shared memory once, and the packed
 * metrics a worker replies with, rebuilt into `EvaluationMetrics`.
 */
import type { CompiledNetwork } from '../engine/network/compiled.js';
import type { TripTable } from '../engine/demand/demand.js';
import { junctionLevels, type NetworkMetrics } from '../engine/sim/metrics.js';
import { NETWORK_METRIC_FIELDS, type EvaluationMetrics } from '../engine/optimise/evaluator.js';
import type { WorkerReply } from './worker.js';

/** Copy a trip table's arrays into shared memory, so workers read it without copies. */
export function shareTripTable(t: TripTable): TripTable {
  const share = <A extends Float64Array | Int32Array>(a: A): A => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => A;
    const copy = new Ctor(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    return copy;
  };
  return {
    count: t.count,
    ids: t.ids,
    depart: share(t.depart),
    origin: share(t.origin),
    destination: share(t.destination),
    originLink: share(t.originLink),
    destinationLink: share(t.destinationLink),
    routeOffsets: share(t.routeOffsets),
    routeLinks: share(t.routeLinks),
    ...(t.departSpeed === undefined ? {} : { departSpeed: share(t.departSpeed) }),
  };
}

/** Rebuild evaluation metrics from a worker's packed reply. */
export function unpack(reply: Extract<WorkerReply, { kind: 'ok' }>, net: CompiledNetwork): EvaluationMetrics {
  const network = {} as NetworkMetrics;
  for (let i = 0; i < NETWORK_METRIC_FIELDS.length; i++) network[NETWORK_METRIC_FIELDS[i]] = reply.packed[i];
  const metrics: EvaluationMetrics = { network, endTime: reply.packed[NETWORK_METRIC_FIELDS.length] };
  if (reply.gridlock !== undefined) metrics.gridlock = reply.gridlock;
  if (reply.links !== undefined) metrics.links = reply.links;
  if (reply.junctions !== undefined) {
    const { vehicles, controlDelay, stuck, blocked } = reply.junctions;
    metrics.junctions = { vehicles, controlDelay, levelOfService: junctionLevels(net, controlDelay, blocked), stuck, blocked };
  }
  if (reply.result !== undefined) metrics.result = reply.result;
  if (reply.equilibrium !== undefined) metrics.equilibrium = reply.equilibrium;
  return metrics;
}
