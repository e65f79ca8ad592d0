import { buildScenario, loadScenario } from '../engine/scenario/index.js';
import { completePrograms, createSearchSpace } from '../engine/optimise/space.js';
import { createInProcessEvaluator } from '../engine/optimise/evaluator.js';
import { runObjective } from '../engine/optimise/optimise.js';
const built = buildScenario(await loadScenario(process.argv[2] ?? 'scenarios/grid-4x4/scenario.yaml'));
const net = built.compiled;
const current = completePrograms(net, built.signals.programs);
const space = createSearchSpace(net, current, { minCycle: 20, maxCycle: 120 });
const { seed: _s, ...options } = built.options;
const ev = createInProcessEvaluator({ network: net, variants: [{ demand: built.scenario.demand, options }] });
const cands = []; const labels = [];
for (const cycle of [24, 30, 36, 44, 56, 70]) for (const off of ['zero', 'wave']) {
  const x = new Float64Array(space.dimension);
  x[0] = (cycle - space.groups[0].minCycle) / (space.groups[0].maxCycle - space.groups[0].minCycle);
  space.junctions.forEach((g, i) => { for (let k = 0; k < g.phases; k++) x[g.splits + k] = 1; const m = /r(\d+)c(\d+)/.exec(g.junction); x[g.offset] = off === 'zero' ? 0 : ((Number(m![1]) + Number(m![2])) * 250 / 13.9 / cycle) % 1; });
  cands.push(space.decode(x)); labels.push(`C=${cycle} ${off}`);
}
const r = await ev.evaluate({ candidates: cands, seeds: [1, 2, 3] });
const sums = new Map<number, number[]>();
for (const x of r.results) { const a = sums.get(x.candidate) ?? []; a.push(runObjective(x.metrics.network, 'delay')); sums.set(x.candidate, a); }
labels.forEach((l, i) => console.log(l, (sums.get(i)!.reduce((a, b) => a + b, 0) / 3).toFixed(1)));
