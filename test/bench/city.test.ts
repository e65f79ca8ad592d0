/**
 * The city benchmark's pieces that do not need Chicago Sketch: it is listed
 * among the benchmarks, it is skipped (not failed) with the places it looked
 * when the shared data is absent, and the correlation it reports against the
 * published flows is Pearson's r. The benchmark itself runs with
 * `greenwave bench city` (a speed figure is never a test).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { exitCode, runBenchmark } from '../../bench/harness.js';
import { BENCHMARK_NAMES } from '../../bench/index.js';
import { cityBenchmark } from '../../bench/city.js';
import { chicagoFolder } from '../../bench/city-case.js';
import { pearson } from '../../engine/report/stats.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-city-bench-'));
const saved = process.env.GREENWAVE_SHARED_DATA;
afterEach(() => {
  if (saved === undefined) delete process.env.GREENWAVE_SHARED_DATA;
  else process.env.GREENWAVE_SHARED_DATA = saved;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cityBenchmark', () => {
  it('is one of the benchmarks `greenwave bench` runs', () => {
    expect(BENCHMARK_NAMES).toContain('city');
    expect(cityBenchmark.name).toBe('city');
  });

  it('without the Chicago Sketch files is skipped with the place it looked, exit 0, in CI mode as in full mode', async () => {
    const empty = join(dir, 'no-data');
    process.env.GREENWAVE_SHARED_DATA = empty;
    expect(chicagoFolder()).toBeUndefined();
    for (const ci of [true, false]) {
      const out = join(dir, `city-${ci}.json`);
      const printed: string[] = [];
      const r = await runBenchmark(cityBenchmark, { ci, out, progress: { write: () => true }, print: (t) => printed.push(t) });
      expect(r).toMatchObject({ benchmark: 'city', verdict: 'skip', failures: [], cases: [] });
      expect(r.skipped).toContain('ChicagoSketch_net.tntp');
      expect(r.skipped).toContain(join(empty, 'tntp', 'Chicago-Sketch'));
      expect(exitCode([r])).toBe(0);
      expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ verdict: 'skip', skipped: r.skipped });
      expect(printed.join('\n')).toMatch(/city: SKIPPED — Chicago Sketch TNTP files not found/);
    }
  });
});

describe('pearson', () => {
  it('is cov(x, y) / (sd(x) sd(y)): 1 for a line, -1 for a falling line, and a hand-computed value', () => {
    expect(pearson([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
    // x = 1..5, y = [2, 4, 5, 4, 5]: means 3 and 4; sxy = 6, sxx = 10, syy = 6; r = 6 / sqrt(60).
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
  });
});
