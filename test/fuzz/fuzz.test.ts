/**
 * The quick fuzzing run of `npm test` (the long one: `npm run fuzz -- --cases
 * 5000`): 36 seeded mutation cases, 6 per entry point (scenario YAML/JSON,
 * SUMO XML, OSM XML/PBF, CityFlow JSON, checkpoints, counts), each with a timeout in a
 * heap-limited worker thread, and the first case of each entry point also
 * through the real CLI. The only outcomes allowed are success and a user error
 * that names the input (exit 2 through the CLI, with no "internal error").
 */
import { describe, expect, it } from 'vitest';
import { fuzz, formatReport } from './runner.js';
import { TARGETS } from './targets.js';

describe('fuzzer (quick run)', () => {
  it('36 cases over every entry point: nothing but successes and located user errors', async () => {
    const report = await fuzz({ cases: 36, seed: 1, timeoutMs: 30_000, threads: 2, cliEvery: 6, cli: 'tsx' });
    const text = formatReport(report);
    expect(report.findings, text).toEqual([]);
    for (const target of TARGETS) {
      const counts = report.outcomes[target];
      expect((counts.ok ?? 0) + (counts.user ?? 0), `${target}\n${text}`).toBe(6);
      // each entry point ran through the CLI once, with the exit code of its in-process outcome
      expect(Object.values(report.cli[target]).reduce((a, b) => a + b, 0), `${target}\n${text}`).toBe(1);
    }
    // the mutations reach both sides: inputs that still work, and mistakes reported as such
    const all = TARGETS.map((t) => report.outcomes[t]);
    expect(all.reduce((n, c) => n + (c.ok ?? 0), 0)).toBeGreaterThan(0);
    expect(all.reduce((n, c) => n + (c.user ?? 0), 0)).toBeGreaterThan(0);
  }, 240_000);
});
