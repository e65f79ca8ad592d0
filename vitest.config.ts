/**
 * Test configuration. Timeouts only catch a hung test, never a slow one: a
 * test's speed depends on the machine's load, and no test asserts it (speed
 * lives in bench/, as ratios). Waits inside tests are for events (a process's
 * output, an exit), not sleeps. In a log (no terminal) every test is printed
 * as it finishes, so a long command-line test file shows its progress.
 */
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One test file per core (vitest's default keeps a core free, which on a 2-core
    // machine runs the files one by one): most files wait on child processes.
    maxWorkers: Math.max(availableParallelism(), 1),
    globalSetup: ['test/fixtures/global-setup.ts'],
    // Removes the temporary folders each test file made (test/fixtures/temp-dir.ts).
    setupFiles: ['test/fixtures/temp-cleanup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: process.stdout.isTTY ? ['default'] : ['verbose'],
  },
});
