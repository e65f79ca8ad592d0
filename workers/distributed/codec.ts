/**
 * Bytes on the wire of the distributed evaluator: what the coordinator publishes
 * in Redis and what workers send back, with the hashes that name them.
 *
 *  - A scenario bundle is the compiled network buffer (as is: workers rebuild it
 *    with `CompiledNetwork.from`, never a re-serialised graph) followed by the
 *    variants in MessagePack (msgpackr with `moreTypes`, so trip tables keep their
 *    typed arrays and options keep `Infinity`). Its name is the SHA-256 of those
 *    bytes: content-addressed, so it is stored once however many tasks and
 *    coordinators use it, and a worker can verify what it fetched.
 *  - A candidate (the programs of one plan, and its control: fixed time,
 *    actuated or max-pressure with their options) is published the same way,
 *    once per batch, and tasks refer to it by hash rather than carrying it.
 *  - A task's key is the hash of everything its result depends on (scenario,
 *    candidate, variant, seed, detail): results are deterministic in it, so the
 *    key doubles as the idempotency key of the task within a job.
 *  - A reply packs metrics exactly: the network totals and end time as one
 *    `Float64Array` (NaN and -0 survive, unlike JSON numbers), per-link and
 *    per-junction arrays as typed arrays (with detail `all`, the whole simulation
 *    result), the whole in MessagePack, base64 in the BullMQ return value (which
 *    BullMQ stores as JSON).
 *
 * Format changes bump {@link WIRE_VERSION}, which is part of every hash, so a
 * worker of another version refuses rather than misreads.
 */
import { createHash } from 'node:crypto';
import { Packr } from 'msgpackr';
import { UsageError } from '../../engine/errors.js';
import { CompiledNetwork } from '../../engine/network/compiled.js';
import { junctionLevels, type NetworkMetrics } from '../../engine/sim/metrics.js';
import {
  NETWORK_METRIC_FIELDS, isTripTable,
  type Candidate, type EvaluationDetail, type EvaluationMetrics, type EvaluationScenario, type ScenarioVariant, type TaskError,
} from '../../engine/optimise/evaluator.js';

/** Version of the bundle, candidate and reply formats. */
export const WIRE_VERSION = 1;

const MAGIC = 0x47575331; // "GWS1"
const HEADER_BYTES = 16; // magic, version, network bytes (u32 x2: low, high)

const packr = new Packr({ moreTypes: true, useRecords: false, mapsAsObjects: true });

/** SHA-256 of `bytes` as 64 hex digits. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Is `s` a SHA-256 in hex (as names of published blobs are)? */
export function isHash(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
}

function findFunction(value: unknown, path: string, seen = new Set<unknown>()): string | undefined {
  if (typeof value === 'function') return path;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || seen.has(value)) return undefined;
  seen.add(value);
  for (const [k, v] of Object.entries(value)) {
    const found = findFunction(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Encode a scenario for publishing: network buffer then the packed variants.
 * Throws `UsageError` if a variant holds a function (a progress callback cannot
 * travel to another machine).
 */
export function encodeScenario(scenario: EvaluationScenario): Uint8Array {
  const fn = findFunction(scenario.variants, 'scenario.variants');
  if (fn !== undefined) throw new UsageError(`${fn} is a function, which cannot be sent to remote workers`);
  const variants = scenario.variants.map((v) => ({
    ...(v.name !== undefined ? { name: v.name } : {}),
    demand: v.demand,
    ...(v.options !== undefined ? { options: v.options } : {}),
  }));
  const body = packr.pack(variants);
  const net = new Uint8Array(scenario.network.buffer);
  const out = new Uint8Array(HEADER_BYTES + net.byteLength + body.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, WIRE_VERSION, true);
  view.setUint32(8, net.byteLength % 2 ** 32, true);
  view.setUint32(12, Math.floor(net.byteLength / 2 ** 32), true);
  out.set(net, HEADER_BYTES);
  out.set(body, HEADER_BYTES + net.byteLength);
  return out;
}

/**
 * Decode a scenario bundle. The network is copied into a `SharedArrayBuffer`
 * (so a local pool shares it with its threads). Throws `Error` for bytes that
 * are not a bundle of this version.
 */
export function decodeScenario(bytes: Uint8Array): EvaluationScenario {
  if (bytes.byteLength < HEADER_BYTES) throw new Error(`scenario bundle of ${bytes.byteLength} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a greenwave scenario bundle (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== WIRE_VERSION) throw new Error(`scenario bundle version ${version}, this worker reads version ${WIRE_VERSION}`);
  const netBytes = view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32;
  if (HEADER_BYTES + netBytes > bytes.byteLength) throw new Error('scenario bundle is truncated');
  const shared = new SharedArrayBuffer(netBytes);
  new Uint8Array(shared).set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + netBytes));
  const network = CompiledNetwork.from(shared);
  const variants = packr.unpack(bytes.subarray(HEADER_BYTES + netBytes)) as ScenarioVariant[];
  if (!Array.isArray(variants) || variants.some((v) => v === null || typeof v !== 'object' || (typeof v.demand !== 'object' && !isTripTable(v.demand)))) {
    throw new Error('scenario bundle has malformed variants');
  }
  return { network, variants };
}

/** Encode a candidate (its programs, and its control if it has one) for publishing. */
export function encodeCandidate(candidate: Candidate): Uint8Array {
  const fn = findFunction(candidate, 'candidate');
  if (fn !== undefined) throw new UsageError(`${fn} is a function, which cannot be sent to remote workers`);
  return packr.pack({ v: WIRE_VERSION, candidate });
}

/** Decode a published candidate. Throws `Error` for anything else. */
export function decodeCandidate(bytes: Uint8Array): Candidate {
  const value = packr.unpack(bytes) as { v?: unknown; candidate?: unknown };
  const c = value?.candidate as { programs?: unknown } | undefined;
  const ok = value !== null && typeof value === 'object' && value.v === WIRE_VERSION
    && (Array.isArray(c) || (c !== null && typeof c === 'object' && Array.isArray(c.programs)));
  if (!ok) throw new Error('not a greenwave candidate of this version');
  return c as Candidate;
}

/** The idempotency key of a task: the hash of everything its result depends on, 32 hex digits. */
export function taskKey(scenario: string, candidate: string, variant: number, seed: number, detail: EvaluationDetail): string {
  return sha256(`${WIRE_VERSION}\n${scenario}\n${candidate}\n${variant}\n${seed}\n${detail}`).slice(0, 32);
}

/** What a worker returns for a task (BullMQ's return value). */
export type TaskReply =
  | {
    /** Format version. */
    v: number;
    kind: 'ok';
    /** MessagePack of the metrics, base64. */
    metrics: string;
    /** Times the task was started (BullMQ `attemptsStarted`: 2 after a stall or a retry). */
    attempts: number;
    elapsedMs: number;
    /** The worker that ran it (its BullMQ name). */
    worker: string;
  }
  | { v: number; kind: 'error'; error: TaskError; attempts: number; worker: string };

interface PackedMetrics {
  packed: Float64Array;
  gridlock?: EvaluationMetrics['gridlock'];
  links?: EvaluationMetrics['links'];
  junctions?: { vehicles: Int32Array; controlDelay: Float64Array; stuck: Int32Array; blocked: Uint8Array };
  /** With detail `all`: the whole simulation result (per-trip arrays, time series). */
  result?: EvaluationMetrics['result'];
}

/** Pack metrics for a reply (base64 of MessagePack, exact to the bit). */
export function encodeMetrics(m: EvaluationMetrics): string {
  const packed = new Float64Array(NETWORK_METRIC_FIELDS.length + 1);
  for (let i = 0; i < NETWORK_METRIC_FIELDS.length; i++) packed[i] = m.network[NETWORK_METRIC_FIELDS[i]];
  packed[NETWORK_METRIC_FIELDS.length] = m.endTime;
  const value: PackedMetrics = { packed };
  if (m.gridlock !== undefined) value.gridlock = m.gridlock;
  if (m.links !== undefined) value.links = m.links;
  if (m.junctions !== undefined) value.junctions = { vehicles: m.junctions.vehicles, controlDelay: m.junctions.controlDelay, stuck: m.junctions.stuck, blocked: m.junctions.blocked };
  if (m.result !== undefined) value.result = m.result;
  return Buffer.from(packr.pack(value)).toString('base64');
}

/** Unpack metrics from a reply; levels of service are recomputed from the control delays on `net`. */
export function decodeMetrics(encoded: string, net: CompiledNetwork): EvaluationMetrics {
  const value = packr.unpack(Buffer.from(encoded, 'base64')) as PackedMetrics;
  if (!(value?.packed instanceof Float64Array) || value.packed.length !== NETWORK_METRIC_FIELDS.length + 1) throw new Error('malformed metrics in a task reply');
  const network = {} as NetworkMetrics;
  for (let i = 0; i < NETWORK_METRIC_FIELDS.length; i++) network[NETWORK_METRIC_FIELDS[i]] = value.packed[i];
  const metrics: EvaluationMetrics = { network, endTime: value.packed[NETWORK_METRIC_FIELDS.length] };
  if (value.gridlock !== undefined) metrics.gridlock = value.gridlock;
  if (value.links !== undefined) metrics.links = value.links;
  if (value.junctions !== undefined) {
    const { vehicles, controlDelay, stuck, blocked } = value.junctions;
    metrics.junctions = { vehicles, controlDelay, levelOfService: junctionLevels(net, controlDelay, blocked), stuck, blocked };
  }
  if (value.result !== undefined) metrics.result = value.result;
  return metrics;
}
