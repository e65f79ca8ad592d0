/**
 * Admission to the pool (`SimulationPool`): a counting semaphore whose waits can
 * be aborted (backpressure: at most `maxInFlight` tasks handed to Piscina at
 * once), and one abort signal for a task that follows both its caller's signal
 * and the pool's.
 */

/** Counting semaphore with abortable waits. */
export class Slots {
  private free: number;
  private readonly waiters: Array<{ wake: (granted: boolean) => void }> = [];

  /** @param size slots free at first. */
  constructor(size: number) {
    this.free = size;
  }

  /** Waits for a slot now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Take a slot: at once if one is free, else in call order; resolves false if `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = {
        wake: (granted: boolean) => {
          signal.removeEventListener('abort', onAbort);
          resolve(granted);
        },
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.wake(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Give a slot back: to the first waiter, else to the free count. */
  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next.wake(true);
    else this.free++;
  }

  /** Wake every waiter without a slot. */
  cancelWaiting(): void {
    for (const w of this.waiters.splice(0)) w.wake(false);
  }
}

/**
 * A signal aborted when either `outer` or `pool` is (without `AbortSignal.any`,
 * whose dependants pile up on a long-lived pool signal in Node 20). Call
 * `dispose` when the task is over.
 */
export function linkSignals(outer: AbortSignal | undefined, pool: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  if (outer === undefined) return { signal: pool, dispose: () => {} };
  const controller = new AbortController();
  if (outer.aborted || pool.aborted) {
    controller.abort();
    return { signal: controller.signal, dispose: () => {} };
  }
  const onAbort = (): void => controller.abort();
  outer.addEventListener('abort', onAbort, { once: true });
  pool.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      outer.removeEventListener('abort', onAbort);
      pool.removeEventListener('abort', onAbort);
    },
  };
}
