/**
 * `evaluatorFor`: the one place that picks an `Evaluator` for a command — the
 * BullMQ queue when a Redis URL is given (`--redis`), else the Piscina pool of
 * this machine. BullMQ and ioredis are imported only in the first case, so a
 * local run never loads anything about Redis.
 */
import { UsageError } from '../../engine/errors.js';
import type { EvaluationScenario, Evaluator } from '../../engine/optimise/evaluator.js';
import { createPoolEvaluator } from '../evaluator.js';
import type { QueueEvaluatorOptions } from './coordinator.js';

/** How to evaluate: on a queue (`redis`) or on a local pool (`workers` threads). */
export interface EvaluatorChoice extends Partial<Omit<QueueEvaluatorOptions, 'redis'>> {
  /** Redis URL (`redis://` or `rediss://`): use the distributed queue. */
  redis?: string;
  /** Threads of the local pool (default: one per core). Not with `redis`: workers choose their own `--concurrency`. */
  workers?: number;
}

/**
 * The queue evaluator (`createQueueEvaluator`) when `choice.redis` is given,
 * else the local pool evaluator (`createPoolEvaluator`). The other fields of
 * `choice` (jobId, queue, prefix, attempts, log ...) go to the queue evaluator.
 * Rejects with `UsageError` when both `redis` and `workers` are given.
 */
export async function evaluatorFor(scenario: EvaluationScenario, choice: EvaluatorChoice = {}): Promise<Evaluator> {
  const { redis, workers, ...queueOptions } = choice;
  if (redis !== undefined) {
    if (workers !== undefined) throw new UsageError('--workers sets the threads of the local pool; with --redis, give each `greenwave worker` its --concurrency instead');
    const { createQueueEvaluator } = await import('./coordinator.js');
    return createQueueEvaluator(scenario, { ...queueOptions, redis });
  }
  return createPoolEvaluator(scenario, workers !== undefined ? { threads: workers } : {});
}
