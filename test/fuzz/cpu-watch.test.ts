/**
 * The fuzzer's timeout is CPU time, not wall time (cpu-watch.ts, runner.ts
 * runCli): on a loaded machine the long fuzz run reported "the CLI exited
 * timeout" for commands that used 1.5 s of CPU and only waited for a core.
 * A command that is not given the CPU at all (stopped, the extreme of a busy
 * machine) must not time out; one that spins must; one that waits for ever
 * without using the CPU must be reported as blocked.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { runCli } from './runner.js';

const linux = existsSync('/proc/self/stat');

describe.skipIf(!linux)('runCli timeouts (Linux: CPU clocks from /proc)', () => {
  it('does not time out a command that gets no CPU for 3 s (stopped) on a budget of 1 s of CPU time', async () => {
    // The child stops itself; a shell started beside it wakes it 3 s later.
    const script = `require('node:child_process').spawn('sh', ['-c', 'sleep 3; kill -CONT ${'$'}{0}', String(process.pid)], { detached: true, stdio: 'ignore' }).unref();
process.kill(process.pid, 'SIGSTOP');
process.stderr.write('resumed\\n');`;
    const r = await runCli(['-e', script], [], 1000, { idleMs: 30_000 });
    expect(r.code, r.stderr).toBe('0');
    expect(r.stderr).toContain('resumed');
  }, 120_000);

  it('times out a command that spins, once it has used its CPU budget', async () => {
    const r = await runCli(['-e', 'for (;;) {}'], [], 1000, { idleMs: 30_000 });
    expect(r.code).toBe('timeout');
    expect(r.stderr).toMatch(/used more than 1 s of CPU time/);
  }, 120_000);

  it('reports a command that waits for ever without using the CPU as blocked', async () => {
    const r = await runCli(['-e', 'setInterval(() => {}, 1 << 30)'], [], 60_000, { idleMs: 2000 });
    expect(r.code).toBe('timeout');
    expect(r.stderr).toMatch(/blocked: used no CPU time for 2 s/);
  }, 120_000);
});
