/**
 * Distributed evaluation on Redis with BullMQ (`greenwave/distributed`): the
 * coordinator's `Evaluator`, the worker runtime, and their wire format. Importing
 * this loads BullMQ and ioredis; `evaluatorFor` (also exported from
 * `greenwave/workers`) loads them only when a Redis URL is given.
 */
export { createQueueEvaluator } from './coordinator.js';
export type { QueueEvaluator, QueueEvaluatorOptions, QueueEvaluatorStats } from './coordinator.js';
export { startQueueWorker } from './worker.js';
export type { QueueWorker, QueueWorkerOptions, QueueWorkerStats, MainThreadFaultContext } from './worker.js';
export { evaluatorFor } from './select.js';
export type { EvaluatorChoice } from './select.js';
export { parseRedisUrl, redactUrl, redactSecrets } from './connection.js';
export type { RedisConnection, RedisClientOptions, ParseRedisUrlOptions } from './connection.js';
export { encodeScenario, decodeScenario, encodeCandidate, decodeCandidate, encodeMetrics, decodeMetrics, taskKey, sha256, WIRE_VERSION } from './codec.js';
export type { TaskReply } from './codec.js';
export { publishBlob, fetchVerifiedBlob, RefusedBlobError } from './store.js';
export {
  DEFAULT_QUEUE, DEFAULT_PREFIX, DEFAULT_RETENTION_S, DEFAULT_STALL_TIMEOUT_S, DEFAULT_ATTEMPTS, REFUSED, blobKey, bullJobId, workerName,
} from './protocol.js';
export type { TaskData } from './protocol.js';
