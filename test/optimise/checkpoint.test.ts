/**
 * The optimiser's checkpoints (engine/optimise/checkpoint.ts) and budget:
 * a run stopped after any batch, the first included, resumes on exactly the
 * path of an uninterrupted run, for the compass search (the CLI's default) on
 * fixed-time and actuated plans; a tampered or corrupt checkpoint is refused at
 * the path of the first problem; the budget is never exceeded.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { basePrograms, corridorScenario } from '../fixtures/optimise-corridor.js';
import { InputError } from '../../engine/errors.js';
import { createInProcessEvaluator } from '../../engine/optimise/index.js';
import { completePrograms, createSearchSpace, type PlanSpace } from '../../engine/optimise/space.js';
import { createActuatedSpace } from '../../engine/optimise/actuated-space.js';
import { actuatedDesign, initialDesign } from '../../engine/optimise/design.js';
import { optimise, type OptimiseOptions } from '../../engine/optimise/optimise.js';
import { checkCheckpoint, encodeCheckpoint, parseCheckpoint } from '../../engine/optimise/checkpoint.js';
import type { CandidatePlan } from '../../engine/optimise/evaluator.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { net, scenario: evaluation } = corridorScenario(600, 1800);
const base = completePrograms(net, []);
const kinds: Array<{ kind: string; space: PlanSpace; start: CandidatePlan; initial: Float64Array[] }> = (() => {
  const fixed = createSearchSpace(net, base, { minCycle: 40, maxCycle: 90 });
  const fixedStart: CandidatePlan = { programs: basePrograms(net) };
  const actuated = createActuatedSpace(net, base);
  const actuatedStart: CandidatePlan = { programs: basePrograms(net), control: { kind: 'actuated' } };
  return [
    { kind: 'fixed time', space: fixed, start: fixedStart, initial: initialDesign(net, fixed, fixedStart.programs) },
    { kind: 'actuated', space: actuated, start: actuatedStart, initial: actuatedDesign(actuated, actuatedStart) },
  ];
})();

describe('optimise --resume (compass, the default search)', () => {
  for (const { kind, space, start, initial } of kinds) {
    it(`${kind}: stopped after the first batch, or after the third, it resumes on the uninterrupted path`, async () => {
      const evaluator = createInProcessEvaluator(evaluation);
      const options: OptimiseOptions = { seeds: [1], variants: [0], budget: 36, method: 'compass', fingerprint: kind, initial };
      const full = await optimise(evaluator, space, start, { ...options, checkpoint: join(dir, `${kind}-full.json`) });
      expect(full.evaluations).toBe(36);
      for (const stopAfter of [1, 3]) {
        const file = join(dir, `${kind}-${stopAfter}.json`);
        const stop = new AbortController();
        const part = await optimise(evaluator, space, start, {
          ...options, checkpoint: file, signal: stop.signal, onProgress: (p) => { if (p.batches >= stopAfter) stop.abort(); },
        });
        expect(part.stopReason).toBe('interrupted');
        const checkpoint = parseCheckpoint(readFileSync(file, 'utf8'), file);
        expect(checkpoint.batches).toBe(stopAfter);
        const resumed = await optimise(evaluator, space, start, { ...options, checkpoint: file, resume: checkpoint });
        // Before the fix, the compass incumbent's "not evaluated yet" (NaN) came back as null after the first
        // batch, and the resumed search took another path (the issue: best 15.29 against 14.31 uninterrupted).
        expect(resumed.history.map((h) => h.objective)).toEqual(full.history.map((h) => h.objective));
        expect(resumed.best.value).toBe(full.best.value);
        expect(resumed.best.programs).toEqual(full.best.programs);
      }
      await evaluator.close();
    }, 300_000);
  }
});

describe('a checkpoint is checked before use', async () => {
  const { space, start, initial } = kinds[0];
  const file = join(dir, 'good.json');
  const evaluator = createInProcessEvaluator(evaluation);
  await optimise(evaluator, space, start, { seeds: [1], variants: [0], budget: 12, method: 'compass', fingerprint: 'x', initial, checkpoint: file });
  await evaluator.close();
  const text = readFileSync(file, 'utf8');
  const good = parseCheckpoint(text, file);

  function refused(edit: (c: Record<string, unknown>) => void): InputError {
    const c = JSON.parse(text) as Record<string, unknown>;
    edit(c);
    try {
      checkCheckpoint(parseCheckpoint(JSON.stringify(c), 'c.json'), 'c.json', space, start);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return error as InputError;
    }
    throw new Error('the checkpoint was accepted');
  }

  it('accepts the checkpoint it wrote, non-finite numbers included', () => {
    expect(() => checkCheckpoint(good, file, space, start)).not.toThrow();
    expect(text).toMatch(/"value":"NaN"/); // the compass incumbent before its evaluation, not null
    expect(encodeCheckpoint(good)).toBe(text);
  });

  it('refuses a tampered best value, null history, best or start, with the path of the problem', () => {
    expect(refused((c) => { (c.best as { value: number }).value = -1e9; }).path).toBe('c.json: best.value');
    expect(refused((c) => { c.history = null; }).path).toBe('c.json: history');
    expect(refused((c) => { c.best = null; }).path).toBe('c.json: best');
    expect(refused((c) => { c.start = null; }).path).toBe('c.json: start');
    expect(refused((c) => { (c.history as Array<{ best: number }>)[3].best = 1; }).path).toBe('c.json: history[3].best');
    expect(refused((c) => { ((c.best as { programs: Array<{ offset?: number }> }).programs[0]).offset = 7; }).path).toMatch(/c\.json: best\.(programs|value)/);
    expect(refused((c) => { (c.search as { incumbent: number[] }).incumbent = [2]; }).path).toMatch(/^c\.json: search/);
    expect(refused((c) => { c.version = 1; }).message).toMatch(/format version 1; this greenwave reads version 2/);
  });
});

describe('the budget is never exceeded', () => {
  it('--time: a batch still running when the time limit passes is cut short, not waited for', async () => {
    const { space, start } = kinds[0];
    let aborted = false;
    // An evaluator that would never finish on its own: only the time limit's abort ends the batch.
    const stuck = {
      concurrency: 1,
      evaluate: (request: { candidates: readonly unknown[] }, opts?: { signal?: AbortSignal }) => new Promise<Awaited<ReturnType<ReturnType<typeof createInProcessEvaluator>['evaluate']>>>((resolve) => {
        opts?.signal?.addEventListener('abort', () => {
          aborted = true;
          resolve({ total: request.candidates.length, results: [], failures: [], notRun: [], aborted: true });
        }, { once: true });
      }),
      close: async () => ({ completed: 0, failed: 0, cancelled: 0, retried: 0 }),
    };
    const r = await optimise(stuck, space, start, { seeds: [1], variants: [0], budget: 10, method: 'compass', timeLimitS: 0.2 });
    expect(aborted).toBe(true); // before: the limit was checked only between batches, so this waited for ever
    expect(r.stopReason).toBe('time');
    expect(r.evaluations).toBe(0);
  });

  it('--time: the start plan runs alone first, so it is scored even when the design never finishes in time', async () => {
    const { space, start, initial } = kinds[0];
    const evaluator = createInProcessEvaluator(evaluation);
    const sizes: number[] = [];
    // Scores the first request (the start plan alone); every later one hangs until the time limit aborts it.
    const slow = {
      concurrency: 1,
      evaluate: (request: Parameters<typeof evaluator.evaluate>[0], opts?: Parameters<typeof evaluator.evaluate>[1]) => {
        sizes.push(request.candidates.length);
        if (sizes.length === 1) return evaluator.evaluate(request, opts);
        return new Promise<Awaited<ReturnType<typeof evaluator.evaluate>>>((resolve) => {
          opts?.signal?.addEventListener('abort', () => resolve({ total: request.candidates.length, results: [], failures: [], notRun: [], aborted: true }), { once: true });
        });
      },
      close: () => evaluator.close(),
    };
    const r = await optimise(slow, space, start, { seeds: [1], variants: [0], budget: 50, method: 'compass', initial, timeLimitS: 3 });
    expect(sizes[0]).toBe(1);
    expect(r.stopReason).toBe('time');
    expect(r.evaluations).toBe(1);
    expect(Number.isFinite(r.start.value)).toBe(true);
    expect(r.best).toBe(r.start);
    expect(r.elite).toEqual([r.start]);
    await evaluator.close();
  }, 120_000);

  it('cuts the first batch (start and design) and a search batch to the evaluations left', async () => {
    const { space, start, initial } = kinds[0];
    expect(initial.length).toBeGreaterThan(5);
    const evaluator = createInProcessEvaluator(evaluation);
    let evaluated = 0;
    const counting = { ...evaluator, evaluate: (request: Parameters<typeof evaluator.evaluate>[0], opts?: Parameters<typeof evaluator.evaluate>[1]) => { evaluated += request.candidates.length; return evaluator.evaluate(request, opts); } };
    for (const budget of [3, 6, 14]) {
      evaluated = 0;
      const r = await optimise(counting, space, start, { seeds: [1], variants: [0], budget, method: 'compass', initial });
      expect([r.evaluations, r.history.length, evaluated]).toEqual([budget, budget, budget]);
    }
    await evaluator.close();
  }, 120_000);
});
