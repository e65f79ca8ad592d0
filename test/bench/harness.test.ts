/**
 * The benchmark harness: interleaved comparisons (order, sizing, the median
 * ratio and its bootstrap interval, when pairs stop), gates and verdicts, the
 * result file, exit codes, and progress lines. Sides here report their own
 * times (`timed`), so the figures are exact and nothing depends on the
 * machine's speed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compare, exitCode, medianInterval, Progress, runBenchmark, summariseRatios, type Benchmark, type BenchResult, type Side,
} from '../../bench/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-harness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A side that takes `ms` per call (on both clocks) and logs its calls. */
function fixed(name: string, ms: number | (() => number), log: string[]): Side {
  return {
    name,
    run: () => 0,
    timed: async () => {
      log.push(name);
      const t = typeof ms === 'number' ? ms : ms();
      return { cpuMs: t, wallMs: t };
    },
  };
}

describe('medianInterval and summariseRatios', () => {
  it('the interval holds the median, is a point for identical values, and is reproducible', () => {
    expect(medianInterval([3, 3, 3, 3])).toEqual({ low: 3, high: 3 });
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const a = medianInterval(values);
    expect(a).toEqual(medianInterval(values));
    expect(a.low).toBeLessThanOrEqual(5);
    expect(a.high).toBeGreaterThanOrEqual(5);
    expect(a.low).toBeGreaterThanOrEqual(1);
    expect(a.high).toBeLessThanOrEqual(9);
    const s = summariseRatios(values);
    expect(s).toMatchObject({ ratio: 5, pairs: 9 });
    expect(s.spread).toBeCloseTo((s.high - s.low) / 5, 12);
  });
});

describe('compare', () => {
  it('alternates the sides pair by pair, sizes samples to last as long on both sides, and gives peer/subject per operation', async () => {
    const log: string[] = [];
    const c = await compare({ ...fixed('s', 10, log), ops: 2 }, fixed('p', 60, log), { warmup: 1, warmupMs: 0, sampleMs: 50, minPairs: 4, maxPairs: 4 });
    // warm-up: one call each; then samples of 6 subject calls (60 ms) against 1 peer call (60 ms)
    expect(c.subject.calls).toBe(6);
    expect(c.peer.calls).toBe(1);
    const order = log.slice(2).join('');
    expect(order).toBe(`${'s'.repeat(6)}p` + `p${'s'.repeat(6)}` + `${'s'.repeat(6)}p` + `p${'s'.repeat(6)}`);
    // per operation: subject 10 ms / 2 ops = 5 ms; peer 60 ms
    expect(c.subject.cpuMs).toEqual([5, 5, 5, 5]);
    expect(c.ratios).toEqual([12, 12, 12, 12]);
    expect(c).toMatchObject({ ratio: 12, low: 12, high: 12, spread: 0, pairs: 4, clock: 'cpu', otherClockRatio: 12 });
  });

  it('adds pairs until the interval is narrow, at most maxPairs', async () => {
    let k = 0;
    const noisy = await compare(fixed('s', () => (k++ % 3 === 0 ? 5 : 10), []), fixed('p', 100, []), { warmup: 1, warmupMs: 0, sampleMs: 1, minPairs: 3, maxPairs: 9, maxSpread: 0.01 });
    expect(noisy.pairs).toBe(9);
    expect(noisy.spread).toBeGreaterThan(0.01);
    const steady = await compare(fixed('s', 10, []), fixed('p', 100, []), { warmup: 1, warmupMs: 0, sampleMs: 1, minPairs: 3, maxPairs: 9 });
    expect(steady.pairs).toBe(3);
  });
});

describe('runBenchmark', () => {
  const quiet = { progress: { write: () => true }, print: () => {} };
  const bench = (run: Benchmark['run']): Benchmark => ({ name: 'probe', title: 'a probe', run });

  it('writes one verdict with the commit, machine, load and every case; a gate below its floor fails the run', async () => {
    const out = join(dir, 'probe.json');
    const result = await runBenchmark(bench(async (ctx) => {
      const c = await ctx.compare('x', fixed('s', 10, []), fixed('p', 40, []), { warmup: 1, warmupMs: 0, sampleMs: 1, minPairs: 3 });
      ctx.ratio('passes', c, { floor: 2 });
      ctx.ratio('fails', c, { floor: 5 });
      ctx.ratio('derived', c, { scale: 10, floor: 30, against: 'a recorded peer' });
      ctx.limit('bytes', 250, 'B', { max: 200 });
      ctx.check('agree', true, 'all equal');
      ctx.figure('info', 1.5, 's');
    }), { ci: true, out, ...quiet });
    const written = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    expect(written).toMatchObject({ benchmark: 'probe', mode: 'ci', verdict: 'fail', node: process.version });
    expect(written.failures).toEqual(['fails: 4.00x (floor 5x)', 'bytes: 250 B (limit 200 B)']);
    expect(written.cases.map((c) => [c.name, c.pass])).toEqual([['passes', true], ['fails', false], ['derived', true], ['bytes', false], ['agree', true], ['info', null]]);
    expect(written.cases[2]).toMatchObject({ value: 40, interval: [40, 40], against: 'a recorded peer' });
    expect(written.loadavg).toHaveLength(3);
    expect(typeof written.cpu).toBe('string');
    expect(written.commit === null || /^[0-9a-f]{40}(-dirty)?$/.test(written.commit)).toBe(true);
    expect(exitCode([written])).toBe(1);
  });

  it('an exception is a failure with its message, a skip is said with its reason, and neither crashes the runner', async () => {
    const failed = await runBenchmark(bench(async () => { throw new Error('peers disagree'); }), { ci: false, out: join(dir, 'thrown.json'), ...quiet });
    expect(failed.verdict).toBe('fail');
    expect(failed.failures[0]).toMatch(/^error: peers disagree/);
    const skipped = await runBenchmark(bench(async (ctx) => ctx.skip('no redis-server')), { ci: true, out: join(dir, 'skipped.json'), ...quiet });
    expect(skipped).toMatchObject({ verdict: 'skip', skipped: 'no redis-server', failures: [] });
    expect(exitCode([skipped])).toBe(0);
    const passed = await runBenchmark(bench(async (ctx) => { ctx.check('fine', true, 'ok'); }), { ci: false, out: join(dir, 'passed.json'), ...quiet });
    expect(passed.verdict).toBe('pass');
    expect(exitCode([passed, skipped])).toBe(0);
    expect(exitCode([passed, failed])).toBe(1);
  });

  it('prints FAIL only with a failing verdict, in full mode as in CI mode', async () => {
    for (const ci of [false, true]) {
      const printed: string[] = [];
      const r = await runBenchmark(bench(async (ctx) => { ctx.limit('size', 6, 'MB', { max: 5 }); }), { ci, out: join(dir, `fail-${ci}.json`), progress: { write: () => true }, print: (t) => printed.push(t) });
      expect(r.verdict).toBe('fail');
      expect(printed.join('\n')).toMatch(/probe: FAIL — 1 failure\(s\)/);
      expect(exitCode([r])).toBe(1);
    }
  });
});

describe('Progress', () => {
  it('writes a line per step, and in a log at most one update line per interval', () => {
    const lines: string[] = [];
    const p = new Progress('probe', { write: (t: string) => lines.push(t) }, 60_000);
    p.step('first');
    p.update('pair 1');
    p.update('pair 2');
    p.step('second');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[probe 0:0\d\] first\n$/);
    const every = new Progress('probe', { write: (t: string) => lines.push(t) }, 0);
    every.update('pair 3');
    expect(lines.at(-1)).toMatch(/^ {2}pair 3 \(0:0\d\)\n$/);
  });
});
