/**
 * Test configuration. Timeouts only catch a hung test, never a slow one: a
 * test's speed depends on the machine's load, and no test asserts it (speed
 * lives in bench/, as ratios). Waits inside tests are for events (a process's
 * output, an exit), not sleeps. In a log (no terminal) every test is printed
 * as it finishes, so a long command-line test file shows its progress.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/fixtures/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: process.stdout.isTTY ? ['default'] : ['verbose'],
  },
});
