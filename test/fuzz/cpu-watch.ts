/**
 * The fuzzer's timeout, made load-proof: a case is stopped when it has used
 * more than its budget of CPU time (an endless loop), or when it has used none
 * for a long while (blocked for ever: a FIFO, a lost event), never because the
 * machine was busy. A wall-clock timeout fires on a loaded machine for cases
 * that merely waited for a core (the fuzzer runs under `nice`: at a load of 20
 * a 1.5 s CLI run took over 60 s of wall time).
 *
 * CPU time comes from /proc (Linux): of the CLI's process (all its threads) or
 * of the worker thread that runs a case in process. Where /proc is absent the
 * budget falls back to wall time.
 */
import { readFileSync } from 'node:fs';
import { processCpuMs } from '../../bench/harness/external.js';

/** Limits of {@link watchCpu}. */
export interface CpuWatchOptions {
  /** CPU time a case may use, ms. */
  cpuLimitMs: number;
  /** Wall time without any CPU time used after which a case counts as blocked, ms. Default 60,000. */
  idleMs?: number;
  /** How often the clock is read, ms. Default 250. */
  pollMs?: number;
}

/** The kernel's id of the calling thread (a worker thread tells its parent, which then reads its CPU clock); undefined without /proc. */
export function ownThreadId(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const tid = Number(stat.slice(0, stat.indexOf(' ')));
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Watch the CPU clock of process `pid` (or its thread `tid`) and call `expire`
 * once, with the reason, when it passes `cpuLimitMs` or stands still for
 * `idleMs`. Returns the function that stops watching (call it when the case ends).
 */
export function watchCpu(pid: number, tid: number | undefined, options: CpuWatchOptions, expire: (why: string) => void): () => void {
  const idleMs = options.idleMs ?? 60_000;
  const began = performance.now();
  const base = processCpuMs(pid, tid);
  let last = base;
  let lastChange = began;
  let done = false;
  const stop = (): void => {
    done = true;
    clearInterval(timer);
  };
  const fire = (why: string): void => {
    if (done) return;
    stop();
    expire(why);
  };
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = base === undefined ? undefined : processCpuMs(pid, tid);
    if (cpu === undefined) {
      // No /proc (or the process just ended: its exit stops the watch): wall time.
      if (base === undefined && now - began > options.cpuLimitMs) fire(`no answer within ${options.cpuLimitMs / 1000} s (wall time: no CPU clock here)`);
      return;
    }
    if (cpu - base! > options.cpuLimitMs) {
      fire(`used more than ${options.cpuLimitMs / 1000} s of CPU time (${((now - began) / 1000).toFixed(0)} s of wall time)`);
    } else if (cpu !== last) {
      last = cpu;
      lastChange = now;
    } else if (now - lastChange > idleMs) {
      fire(`blocked: used no CPU time for ${idleMs / 1000} s (${((cpu - base!) / 1000).toFixed(1)} s of CPU time in all)`);
    }
  }, options.pollMs ?? 250); // not unref'd: it keeps the process alive while a case runs in an unref'd worker
  return stop;
}
