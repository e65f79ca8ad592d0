/**
 * evaluatorFor: the one function the CLI picks an evaluator through — in this
 * thread, on the local pool, or on the queue (the queue case needs Redis and is
 * in queue.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { compile, corridor } from '../../../engine/index.js';
import { createInProcessEvaluator, type EvaluationScenario } from '../../../engine/optimise/index.js';
import { evaluatorFor } from '../../../workers/distributed/select.js';

const scenario: EvaluationScenario = {
  network: compile(corridor(2, 200)),
  variants: [{ demand: { flows: [{ from: 'west', to: 'east', rate: 0.1, begin: 0, end: 300 }] } }],
};

describe('evaluatorFor', () => {
  it('inProcess: runs in this thread (one at a time, no pool) with the in-process evaluator\'s results', async () => {
    const here = await evaluatorFor(scenario, { inProcess: true });
    expect(here.concurrency).toBe(1);
    expect('pool' in here).toBe(false);
    const request = { candidates: [[]], seeds: [1, 2] };
    const got = await here.evaluate(request);
    const expected = await createInProcessEvaluator(scenario).evaluate(request);
    expect(got.results.map((r) => r.metrics)).toEqual(expected.results.map((r) => r.metrics));
    expect(got.results[0].metrics.network.arrived).toBe(30);
    await here.close();
  });

  it('workers: the local pool', async () => {
    const pool = await evaluatorFor(scenario, { workers: 1 });
    expect('pool' in pool).toBe(true);
    await pool.close();
  });

  it('refuses inProcess with workers or redis', async () => {
    await expect(evaluatorFor(scenario, { inProcess: true, workers: 2 })).rejects.toMatchObject({ name: 'UsageError' });
    await expect(evaluatorFor(scenario, { inProcess: true, redis: 'redis://127.0.0.1:1' })).rejects.toMatchObject({ name: 'UsageError' });
  });

  it('refuses equilibrium tasks on a queue (remote replies would lose how each ended), before connecting', async () => {
    const atEquilibrium: EvaluationScenario = { ...scenario, variants: [{ ...scenario.variants[0], options: { ...scenario.variants[0].options, equilibrium: {} } }] };
    await expect(evaluatorFor(atEquilibrium, { redis: 'redis://127.0.0.1:1' })).rejects.toThrow(/variants\[0\]\.options\.equilibrium: equilibria run on a local pool/);
  });
});
