/**
 * The decomposed search at city size, on a generated 9 x 9 grid (81 signals):
 * regions end at the next signal, classes hold only far-apart signals, the
 * budget and the time limit hold, the result is never worse than the start,
 * one simulation scores many signals' changes, and the search improves a poor
 * start plan on the whole-network objective.
 */
import { describe, expect, it } from 'vitest';
import { gridScenario } from '../fixtures/optimise-grid.js';
import { corridorScenario } from '../fixtures/optimise-corridor.js';
import { createInProcessEvaluator, type Evaluator, type EvaluationRequest } from '../../engine/optimise/index.js';
import { candidatePlan } from '../../engine/optimise/evaluator.js';
import { completePrograms, createSearchSpace } from '../../engine/optimise/space.js';
import { disjointClasses, signalRegions } from '../../engine/optimise/regions.js';
import { localSearch } from '../../engine/optimise/local-search.js';
import { optimise } from '../../engine/optimise/optimise.js';
import { programToSpec } from '../../engine/signals/program.js';
import { createActuatedSpace } from '../../engine/optimise/actuated-space.js';
import { createMaxPressureSpace } from '../../engine/optimise/max-pressure-space.js';

describe('signalRegions and disjointClasses', () => {
  const { net } = gridScenario();
  const base = completePrograms(net, []);
  const ids = base.map((p) => p.junction);

  it('a region reaches the next signal in every direction and stops there', () => {
    expect(base.length).toBe(81);
    const centre = net.junctionIndex('r4c4');
    const [region] = signalRegions(net, [centre], 100);
    const names = Array.from(region, (j) => net.junctionKey(j)).sort();
    // 200 m blocks at 50 km/h are 14.4 s: the four neighbouring signals, nothing past them.
    expect(names).toEqual(['r3c4', 'r4c3', 'r4c4', 'r4c5', 'r5c4']);
    // With a radius shorter than one block, only the signal itself.
    expect(Array.from(signalRegions(net, [centre], 10)[0])).toEqual([centre]);
  });

  it('every signal is in exactly one class, and the regions within a class are pairwise disjoint', () => {
    const regions = signalRegions(net, ids);
    const classes = disjointClasses(regions);
    expect(classes.flat().sort((a, b) => a - b)).toEqual(ids.map((_, i) => i));
    for (const list of classes) {
      const seen = new Set<number>();
      for (const i of list) {
        for (const j of regions[i]) {
          expect(seen.has(j)).toBe(false);
          seen.add(j);
        }
      }
    }
    // Many signals share a class: far fewer candidates than signals per round.
    expect(classes.length).toBeLessThan(15);
  });
});

/** An evaluator that counts the candidates and runs it was asked for. */
function counting(inner: Evaluator): Evaluator & { candidates: number; runs: number; requests: EvaluationRequest[] } {
  const wrapped = {
    candidates: 0,
    runs: 0,
    requests: [] as EvaluationRequest[],
    concurrency: inner.concurrency,
    async evaluate(request: EvaluationRequest, options?: Parameters<Evaluator['evaluate']>[1]) {
      wrapped.candidates += request.candidates.length;
      wrapped.runs += request.candidates.length * request.seeds.length * (request.variants?.length ?? 1);
      wrapped.requests.push(request);
      return inner.evaluate(request, options);
    },
    close: () => inner.close(),
  };
  return wrapped;
}

describe('localSearch', () => {
  it('on 81 signals: never past the budget, never worse than the start, many signals changed per simulation', async () => {
    const { net, scenario } = gridScenario();
    const base = completePrograms(net, []);
    const space = createSearchSpace(net, base);
    const start = base.map((p) => programToSpec(net, p));
    const evaluator = counting(createInProcessEvaluator(scenario));
    const r = await localSearch(evaluator, space, start, { network: net, seeds: [1], variants: [0], budget: 23 });
    expect(r.method).toBe('local');
    expect(r.stopReason).toBe('budget');
    expect(r.evaluations).toBe(23);
    expect(evaluator.candidates).toBe(23); // exactly the budget, the last batch cut to fit
    expect(r.history).toHaveLength(23);
    expect(r.best.value).toBeLessThanOrEqual(r.start.value);
    // Every exploration candidate after the first batch changes one gene of each of many signals at once.
    const x0 = space.encodePlan({ programs: start });
    const changed = evaluator.requests[1].candidates.map((c) => {
      const x = space.encodePlan(candidatePlan(c));
      return space.junctionGenes?.filter((g) => g.genes.some((k) => Math.abs(x[k] - x0[k]) > 1e-9)).length ?? 0;
    });
    expect(Math.max(...changed)).toBeGreaterThanOrEqual(5);
    await evaluator.close();
  }, 120_000);

  it('stops at the time limit: no evaluation recorded after it', async () => {
    const { net, scenario } = gridScenario();
    const base = completePrograms(net, []);
    const space = createSearchSpace(net, base);
    const start = base.map((p) => programToSpec(net, p));
    const evaluator = createInProcessEvaluator(scenario);
    const limit = 1.5;
    const r = await localSearch(evaluator, space, start, { network: net, seeds: [1, 2], variants: [0], budget: 100_000, timeLimitS: limit });
    expect(r.stopReason).toBe('time');
    expect(r.evaluations).toBeLessThan(100_000);
    for (const h of r.history) expect(h.elapsedS).toBeLessThanOrEqual(limit);
    await evaluator.close();
  }, 120_000);

  it('the whole-vector search holds the budget and the time limit at city size too (81 signals, max-pressure and fixed time)', async () => {
    const { net, scenario } = gridScenario();
    const base = completePrograms(net, []);
    const programs = base.map((p) => programToSpec(net, p));
    const evaluator = counting(createInProcessEvaluator(scenario));
    const mp = await optimise(evaluator, createMaxPressureSpace(net, base), { programs, control: { kind: 'max-pressure' } }, { seeds: [1], variants: [0], budget: 11 });
    expect(mp.evaluations).toBe(11);
    expect(evaluator.candidates).toBe(11);
    const limit = 1.5;
    const fixed = await optimise(evaluator, createSearchSpace(net, base), programs, { seeds: [1, 2], variants: [0], budget: 100_000, timeLimitS: limit });
    expect(fixed.stopReason).toBe('time');
    for (const h of fixed.history) expect(h.elapsedS).toBeLessThanOrEqual(limit);
    await evaluator.close();
  }, 120_000);

  it('improves a poor start (equal splits, no offsets) on the whole-network objective', async () => {
    const { net, scenario } = corridorScenario();
    const base = completePrograms(net, []);
    const space = createSearchSpace(net, base);
    const start = base.map((p) => programToSpec(net, p));
    const evaluator = createInProcessEvaluator(scenario);
    const r = await localSearch(evaluator, space, start, { network: net, seeds: [1, 2], variants: [0], budget: 40 });
    expect(r.best.value).toBeLessThan(r.start.value * 0.97);
    // The best plan's value is what its programs score: re-evaluate it.
    const again = await optimise(evaluator, space, { programs: r.best.programs }, { seeds: [1, 2], variants: [0], budget: 2 });
    expect(again.start.value).toBeCloseTo(r.best.value, 9);
    await evaluator.close();
  }, 120_000);

  it('a junction\'s genes are its splits and offset, and its cycle when it has its own', () => {
    const { net } = corridorScenario();
    const base = completePrograms(net, []);
    const shared = createSearchSpace(net, base);
    const per = createSearchSpace(net, base, { cycles: 'per-junction' });
    shared.junctionGenes?.forEach((g, i) => expect(g.genes).toEqual([...Array.from({ length: base[i].phases.length }, (_, k) => shared.junctions[i].splits + k), shared.junctions[i].offset]));
    per.junctionGenes?.forEach((g, i) => expect(g.genes[0]).toBe(per.groups[per.junctions[i].group].gene));
    // every gene of the per-junction space belongs to a junction: nothing global is left
    expect(new Set(per.junctionGenes?.flatMap((g) => g.genes)).size).toBe(per.dimension);
  });

  it('decomposes the actuated space by junction too, and refuses a space without per-junction genes', async () => {
    const { net, scenario } = corridorScenario();
    const base = completePrograms(net, []);
    const actuated = createActuatedSpace(net, base);
    expect(actuated.junctionGenes?.map((g) => g.genes.length)).toEqual(base.map((p) => p.phases.length));
    const evaluator = createInProcessEvaluator(scenario);
    const start = { programs: base.map((p) => programToSpec(net, p)), control: { kind: 'max-pressure' as const } };
    await expect(localSearch(evaluator, createMaxPressureSpace(net, base), start, { network: net, seeds: [1], variants: [0], budget: 4 }))
      .rejects.toThrow(/no per-junction genes/);
    await evaluator.close();
  });
});
