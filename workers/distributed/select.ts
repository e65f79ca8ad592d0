/**
 * `evaluatorFor`: the one function that picks an `Evaluator` for a command —
 * in this thread (`inProcess`), the BullMQ queue when a Redis URL is given
 * (`--redis`), else the Piscina pool of this machine. BullMQ and ioredis are
 * imported only for the queue and Piscina only for the pool, so a local run
 * never loads anything about Redis.
 */
import { UsageError } from '../../engine/errors.js';
import { createInProcessEvaluator, type EvaluationScenario, type Evaluator } from '../../engine/optimise/evaluator.js';
import { importOptional } from '../../engine/optional.js';
import type { QueueEvaluatorOptions } from './coordinator.js';

/** The optional packages the Redis queue needs (loaded only when it is used). */
export const QUEUE_PACKAGES = ['bullmq', 'ioredis', 'msgpackr'] as const;

/** How to evaluate: in this thread (`inProcess`), on a queue (`redis`) or on a local pool (`workers` threads). */
export interface EvaluatorChoice extends Partial<Omit<QueueEvaluatorOptions, 'redis'>> {
  /** Run every task in this thread, one after another (`createInProcessEvaluator`). Not with `redis` or `workers`. */
  inProcess?: boolean;
  /** Redis URL (`redis://` or `rediss://`): use the distributed queue. */
  redis?: string;
  /** Threads of the local pool (default: one per core). Not with `redis`: workers choose their own `--concurrency`. */
  workers?: number;
}

/**
 * The in-process evaluator (`createInProcessEvaluator`) with `choice.inProcess`,
 * the queue evaluator (`createQueueEvaluator`) when `choice.redis` is given,
 * else the local pool evaluator (`createPoolEvaluator`). The other fields of
 * `choice` (jobId, queue, prefix, attempts, log ...) go to the queue evaluator.
 * Rejects with `UsageError` when `redis` and `workers`, or `inProcess` and
 * either, are given together.
 */
export async function evaluatorFor(scenario: EvaluationScenario, choice: EvaluatorChoice = {}): Promise<Evaluator> {
  const { inProcess, redis, workers, ...queueOptions } = choice;
  if (inProcess === true) {
    if (redis !== undefined || workers !== undefined) throw new UsageError('evaluatorFor: inProcess runs in this thread; leave out redis and workers');
    return createInProcessEvaluator(scenario);
  }
  if (redis !== undefined) {
    if (workers !== undefined) throw new UsageError('--workers sets the threads of the local pool; with --redis, give each `greenwave worker` its --concurrency instead');
    const { createQueueEvaluator } = await importOptional(() => import('./coordinator.js'), QUEUE_PACKAGES, 'the Redis queue (--redis)');
    return createQueueEvaluator(scenario, { ...queueOptions, redis });
  }
  const { createPoolEvaluator } = await import('../evaluator.js');
  return createPoolEvaluator(scenario, workers !== undefined ? { threads: workers } : {});
}
