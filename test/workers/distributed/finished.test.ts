import { describe, expect, it } from 'vitest';
import type { JobState } from 'bullmq';
import { finishedByPolling, type JobLookup } from '../../../workers/distributed/finished.js';

/** A queue whose job goes through the given states, one per lookup (the last one stays). */
function scripted(states: Array<JobState | 'unknown' | Error>, job: { returnvalue?: unknown; failedReason?: string } | undefined): JobLookup & { lookups: number } {
  const lookup = {
    lookups: 0,
    async getJobState() {
      const state = states[Math.min(lookup.lookups++, states.length - 1)];
      if (state instanceof Error) throw state;
      return state;
    },
    async getJob() {
      return job as never;
    },
  };
  return lookup;
}

describe('finishedByPolling (a finished job whose BullMQ event was missed)', () => {
  it('resolves with the completed job\'s return value once Redis says completed, checking until then', async () => {
    const queue = scripted(['waiting', 'active', 'completed'], { returnvalue: { kind: 'ok', metrics: 'AA==' } });
    await expect(finishedByPolling(queue, 'j', 1, new AbortController().signal)).resolves.toEqual({ kind: 'ok', metrics: 'AA==' });
    expect(queue.lookups).toBe(3);
  });

  it('rejects with the failure reason of a failed job, and retries a lookup that threw', async () => {
    const queue = scripted([new Error('connection lost'), 'delayed', 'failed'], { failedReason: 'refused: scenario abc is not published' });
    await expect(finishedByPolling(queue, 'j', 1, new AbortController().signal)).rejects.toThrow('refused: scenario abc is not published');
    expect(queue.lookups).toBe(3);
  });

  it('stops checking once aborted and never settles after that', async () => {
    const queue = scripted(['active'], undefined);
    const stop = new AbortController();
    let settled = false;
    void finishedByPolling(queue, 'j', 1, stop.signal).then(() => { settled = true; }, () => { settled = true; });
    await new Promise((r) => setTimeout(r, 30));
    stop.abort();
    const seen = queue.lookups;
    expect(seen).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(queue.lookups).toBeLessThanOrEqual(seen + 1); // at most the check already under way
    expect(settled).toBe(false);
  });

  it('keeps waiting while a finished job is gone from Redis (it is enqueued again by the recovery)', async () => {
    const queue = scripted(['completed'], undefined);
    const stop = new AbortController();
    let settled = false;
    void finishedByPolling(queue, 'j', 1, stop.signal).then(() => { settled = true; }, () => { settled = true; });
    await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    expect(queue.lookups).toBeGreaterThan(1);
    expect(settled).toBe(false);
  });
});
