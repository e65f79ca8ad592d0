/**
 * Timing a peer that runs as its own program (SUMO, duarouter, CityFlow's
 * Python module): the CPU time of the child and everything it starts (the
 * shell's `times` builtin, 10 ms resolution) and the wall time, so an external
 * peer can be compared with the same clock as the in-process sides; and the CPU
 * time of a process that keeps running (a queue worker, a Redis server).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Side } from './compare.js';

/** Times of one external run. */
export interface ExternalTiming {
  /** User + system CPU time of the command and its children, ms. */
  cpuMs: number;
  /** Wall time, ms. */
  wallMs: number;
}

function seconds(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text.trim());
  if (m === null) throw new Error(`unexpected output of the shell's times: "${text}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Run `command args` through `sh`, wait for it, and return its CPU and wall
 * time. Rejects with its stderr when it exits non-zero.
 */
export function runExternal(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ExternalTiming> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('sh', ['-c', '"$@"; s=$?; times >&3; exit $s', 'sh', command, ...args], {
      cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let times = '';
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => { times += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) {
        reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`));
        return;
      }
      const lines = times.trim().split('\n');
      const children = (lines[1] ?? '').trim().split(/\s+/);
      try {
        resolve({ cpuMs: (seconds(children[0]) + seconds(children[1])) * 1000, wallMs });
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** An external program as a comparison side, timed by {@link runExternal}. */
export function externalSide(name: string, command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Side {
  return {
    name,
    run: () => { throw new Error(`${name} runs through timed()`); },
    timed: () => runExternal(command, args, options),
  };
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system, all threads) of a running process of this machine,
 * ms, from /proc (Linux; 10 ms resolution); with `tid`, of that one thread of
 * the process (a Node worker thread reads its own id from /proc/thread-self).
 * undefined where /proc is absent or the process or thread is gone.
 */
export function processCpuMs(pid: number, tid?: number): number | undefined {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3, utime 14 and stime 15 (1-based) of the whole line.
    const ticks = Number(fields[11]) + Number(fields[12]);
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (ticks / ticksPerSecond) * 1000;
  } catch {
    return undefined;
  }
}
