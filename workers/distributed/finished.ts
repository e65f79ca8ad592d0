/**
 * A queued task's outcome read from its job in Redis, for when BullMQ's finish
 * event never reaches the coordinator.
 *
 * `Job.waitUntilFinished(queueEvents)` learns of a finished job from the
 * queue's event stream. `QueueEvents` reads that stream with XREAD from `$` (only
 * what is added after the read is issued) until it has received its first event,
 * and the job's own finished check runs when the events client is connected, not
 * when its first XREAD is blocking. A job that finishes in between (a worker that
 * refuses a task at once, on a loaded machine) has its event missed, and the wait
 * never ends. So the coordinator also asks Redis for the job's state now and then:
 * whichever answers first wins, and both give the same reply (the completed job's
 * return value, the failed job's reason).
 */
import type { Job, JobState } from 'bullmq';

/** The part of a BullMQ `Queue` the check needs. */
export interface JobLookup {
  getJobState(id: string): Promise<JobState | 'unknown'>;
  getJob(id: string): Promise<Pick<Job, 'returnvalue' | 'failedReason'> | undefined>;
}

/**
 * Resolves with the job's return value once its state is `completed`, rejects
 * with its failure reason once it is `failed` (BullMQ's final states: a failed
 * attempt with retries left is `delayed` or `waiting`), checking every
 * `intervalMs`; a lookup that throws (Redis away for a moment) is tried again at
 * the next check. It never settles while `stop` is aborted or after `stop`
 * aborts, and its timer does not keep the process alive.
 */
export function finishedByPolling<T>(queue: JobLookup, id: string, intervalMs: number, stop: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const schedule = (): void => {
      if (stop.aborted) return;
      timer = setTimeout(check, intervalMs);
      timer.unref();
    };
    const check = (): void => {
      void (async () => {
        const state = await queue.getJobState(id);
        if (state !== 'completed' && state !== 'failed') return schedule();
        const job = await queue.getJob(id);
        if (stop.aborted) return;
        if (job === undefined) return schedule(); // removed meanwhile: the coordinator's recovery enqueues it again
        if (state === 'completed') resolve(job.returnvalue as T);
        else reject(new Error(job.failedReason));
      })().catch(schedule);
    };
    stop.addEventListener('abort', () => clearTimeout(timer), { once: true });
    schedule();
  });
}
