/** Parallel runs on a Piscina worker pool: the pool, its `Evaluator`, and replications with confidence intervals. */
export { SimulationPool } from './pool.js';
export type { PoolOptions, PoolTask, PoolOutcome, PoolStats, PoolCloseReport, FaultContext, FaultKind } from './pool.js';
export { createPoolEvaluator } from './evaluator.js';
export type { PoolEvaluator, PoolEvaluatorOptions } from './evaluator.js';
export { runReplications, summarise, summariseMetrics, studentTQuantile, incompleteBeta } from './replications.js';
export type { Summary, MetricSummaries, ReplicationOptions, ReplicationReport } from './replications.js';
// Distributed evaluation: only the selector and URL helpers here (they load no Redis client);
// the queue evaluator and the worker runtime are in `greenwave/distributed`.
export { evaluatorFor } from './distributed/select.js';
export type { EvaluatorChoice } from './distributed/select.js';
export { parseRedisUrl, redactUrl } from './distributed/connection.js';
export type { QueueEvaluator, QueueEvaluatorOptions, QueueEvaluatorStats } from './distributed/coordinator.js';
