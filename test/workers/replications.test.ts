/**
 * Replication statistics: the Student-t quantile against published tables,
 * summaries, interval coverage on synthetic normal data, and `runReplications`
 * on a pool against in-process.
 */
import { describe, expect, it } from 'vitest';
import { compile, corridor, createRandom } from '../../engine/index.js';
import { createInProcessEvaluator, type EvaluationScenario } from '../../engine/optimise/index.js';
import { NETWORK_METRIC_FIELDS } from '../../engine/optimise/evaluator.js';
import { createPoolEvaluator, incompleteBeta, runReplications, studentTQuantile, summarise, summariseMetrics } from '../../workers/index.js';

describe('studentTQuantile', () => {
  it('studentTQuantile() matches R qt() to 1e-7', () => {
    const table: Array<[p: number, df: number, t: number]> = [
      [0.975, 1, 12.7062047362], [0.975, 2, 4.30265272975], [0.975, 3, 3.18244630528], [0.975, 4, 2.7764451052],
      [0.975, 5, 2.57058183564], [0.975, 9, 2.2621571628], [0.975, 29, 2.04522964213], [0.975, 120, 1.97993040505],
      [0.995, 10, 3.16927266718], [0.95, 7, 1.89457860506], [0.025, 4, -2.7764451052], [0.975, 1e7, 1.95996422],
    ];
    for (const [p, df, t] of table) expect(studentTQuantile(p, df)).toBeCloseTo(t, 7);
    expect(studentTQuantile(0.5, 3)).toBe(0);
  });

  it('studentTQuantile() rejects p outside (0, 1) and df <= 0', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/p must be/);
    expect(() => studentTQuantile(0.9, 0)).toThrow(/df must be/);
  });

  it('incompleteBeta() satisfies I_x(1, 1) = x and I_0.5(a, a) = 1/2', () => {
    for (const x of [0.1, 0.37, 0.9]) expect(incompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
    for (const a of [0.5, 2, 7.5]) expect(incompleteBeta(0.5, a, a)).toBeCloseTo(0.5, 12);
  });
});

describe('summarise', () => {
  it('summarise() gives mean, sample sd and the t interval', () => {
    const s = summarise([1, 2, 3, 4, 5]);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.halfWidth).toBeCloseTo(2.7764451052 * Math.sqrt(2.5) / Math.sqrt(5), 8);
    expect(s.lower).toBeCloseTo(3 - s.halfWidth, 12);
    expect(s.upper).toBeCloseTo(3 + s.halfWidth, 12);
    expect(s.level).toBe(0.95);
  });

  it('summarise() ignores non-finite values and has no interval below two values', () => {
    expect(summarise([2, NaN, 4]).n).toBe(2);
    expect(summarise([2, NaN, 4]).mean).toBe(3);
    const one = summarise([7]);
    expect(one.mean).toBe(7);
    expect(one.halfWidth).toBeNaN();
    expect(summarise([]).mean).toBeNaN();
  });

  it('summarise() intervals cover the true mean 95% of the time (normal data, n = 5)', () => {
    const random = createRandom(42);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next()); // Box-Muller
    const trials = 4000;
    let covered = 0;
    for (let i = 0; i < trials; i++) {
      const s = summarise(Array.from({ length: 5 }, () => 10 + 3 * normal()));
      if (s.lower <= 10 && 10 <= s.upper) covered++;
    }
    // Binomial sd at 0.95 over 4000 trials is 0.0034; allow 4 sd.
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(0.014);
  });

  it('summariseMetrics() summarises every NetworkMetrics field', () => {
    const base = Object.fromEntries(NETWORK_METRIC_FIELDS.map((f) => [f, 1])) as Record<(typeof NETWORK_METRIC_FIELDS)[number], number>;
    const s = summariseMetrics([base, { ...base, meanDelay: 3 }]);
    expect(Object.keys(s).sort()).toEqual([...NETWORK_METRIC_FIELDS].sort());
    expect(s.meanDelay.mean).toBe(2);
    expect(s.trips.sd).toBe(0);
  });
});

describe('runReplications', () => {
  const net = compile(corridor(4, 300, { drivingSide: 'left' }));
  const scenario: EvaluationScenario = {
    network: net,
    variants: [{ demand: { flows: [{ from: 'west', to: 'east', rate: 0.3, begin: 0, end: 1800, arrivals: 'poisson' }] }, options: { end: 3600 } }],
  };

  it('runReplications() on a pool equals in-process, with a 95% interval per metric', async () => {
    const inProcess = createInProcessEvaluator(scenario);
    const local = await runReplications(inProcess, [], { replications: 6, seed: 10 });
    await inProcess.close();
    expect(local.seeds).toEqual([10, 11, 12, 13, 14, 15]);
    expect(local.runs).toHaveLength(6);
    const travel = local.summary.meanTravelTime;
    expect(travel.n).toBe(6);
    expect(travel.halfWidth).toBeGreaterThan(0);
    expect(travel.lower).toBeLessThan(travel.mean);
    // Poisson arrivals: the number of trips varies by seed, the interval reflects it.
    expect(local.summary.trips.sd).toBeGreaterThan(0);

    const pool = createPoolEvaluator(scenario, { threads: 2 });
    const parallel = await runReplications(pool, [], { replications: 6, seed: 10 });
    await pool.close();
    expect(parallel.summary).toEqual(local.summary);
    expect(parallel.runs.map((r) => r.metrics)).toEqual(local.runs.map((r) => r.metrics));
  });

  it('runReplications() reports a failed run and summarises the others', async () => {
    const pool = createPoolEvaluator(scenario, { threads: 2, faults: ({ seed }) => (seed === 3 ? 'throw' : undefined) });
    const report = await runReplications(pool, [], { seeds: [1, 2, 3, 4] });
    await pool.close();
    expect(report.failures.map((f) => [f.seed, f.error.kind, f.error.message])).toEqual([[3, 'error', 'injected fault: throw']]);
    expect(report.summary.arrived.n).toBe(3);
    expect(report.runs.map((r) => r.seed)).toEqual([1, 2, 4]);
  });

  it('runReplications() rejects bad options with UsageError', async () => {
    const inProcess = createInProcessEvaluator(scenario);
    await expect(runReplications(inProcess, [], { replications: 0 })).rejects.toThrow(/replications/);
    await expect(runReplications(inProcess, [], { level: 1.2 })).rejects.toThrow(/level/);
  });
});
