/**
 * Phase skipping in the fixed-time space (space.ts, `skipPhases`): only a phase
 * whose every movement another phase shows gets a skip gene; at SKIP_AT and
 * above the phase leaves the cycle and its time goes to the phases left (the
 * cycle is kept, every phase left keeps its yellow, all-red and minimum green);
 * of two phases that serve each other only the first is dropped, so every
 * movement keeps a green; encode reads a skipped phase back; the local search
 * sees the skip genes as the junction's; a skip in the program's order reads
 * back as that order (order genes, phase-order.ts); and a simulation runs the
 * decoded programs.
 */
import { describe, expect, it } from 'vitest';
import { corridorScenario } from '../fixtures/optimise-corridor.js';
import { completePrograms, createSearchSpace, SKIP_AT } from '../../engine/optimise/space.js';
import { compileProgram, programToSpec, type SignalProgram, type SignalProgramSpec } from '../../engine/signals/program.js';
import { createInProcessEvaluator } from '../../engine/optimise/index.js';
import { checkPlanSafety } from '../../engine/signals/safety.js';

describe('fixed-time space: skipping phases', () => {
  const { net, scenario } = corridorScenario();
  const defaults = completePrograms(net, []);
  // First junction: its default phases plus a third that repeats phase 1's first movement (a redundant phase);
  // second junction: a copy of its phase 1 appended (phases 1 and 3 serve each other).
  const withExtra = (p: SignalProgram, extra: SignalProgramSpec['phases'][number]): SignalProgram => {
    const spec = programToSpec(net, p);
    const { cycle: _c, ...rest } = spec;
    void _c;
    return compileProgram(net, { ...rest, phases: [...spec.phases, extra] });
  };
  const s0 = programToSpec(net, defaults[0]);
  const s1 = programToSpec(net, defaults[1]);
  const base = [
    withExtra(defaults[0], { ...s0.phases[0], green: s0.phases[0].green.slice(0, 1), permissive: [], duration: 6 }),
    withExtra(defaults[1], { ...s1.phases[0], duration: 6 }),
    ...defaults.slice(2),
  ];
  const space = createSearchSpace(net, base, { skipPhases: true });
  const genes = (i: number) => space.junctions[i].skips;

  it('gives a skip gene only to phases whose movements another phase shows', () => {
    expect(genes(0).map((g) => g >= 0)).toEqual([false, false, true]); // phase 1 has movements no other phase shows
    expect(genes(1).map((g) => g >= 0)).toEqual([true, false, true]); // phases 1 and 3 show the same movements
    for (let i = 2; i < base.length; i++) expect(genes(i).every((g) => g < 0)).toBe(true); // default programs: nothing redundant
    expect(space.names.filter((n) => n.startsWith('skip['))).toHaveLength(3);
    expect(createSearchSpace(net, base).dimension).toBe(space.dimension - 3); // off by default
    // the local search moves them with the junction's other genes
    expect(space.junctionGenes?.[1].genes).toEqual(expect.arrayContaining(genes(1).filter((g) => g >= 0)));
  });

  it('drops a skipped phase, keeps the cycle and every remaining phase\'s clearance and minimum green', () => {
    const x = space.encode(space.decode(new Array<number>(space.dimension).fill(0.5).map((v, k) => (space.names[k].startsWith('skip[') ? 0 : v))));
    const full = space.decode(x);
    expect(full[0].phases).toHaveLength(3);
    const cycle = (p: SignalProgramSpec) => p.phases.reduce((s, ph) => s + ph.duration + (ph.yellow ?? 3) + (ph.allRed ?? 2), 0);
    x[genes(0)[2]] = SKIP_AT;
    const skipped = space.decode(x);
    expect(skipped[0].phases).toHaveLength(2);
    expect(cycle(skipped[0])).toBe(cycle(full[0]));
    skipped[0].phases.forEach((ph, k) => {
      expect(ph.yellow).toBe(base[0].phases[k].yellow);
      expect(ph.allRed).toBe(base[0].phases[k].allRed);
      expect(ph.duration).toBeGreaterThanOrEqual(base[0].phases[k].minGreen);
      expect(ph.duration).toBeGreaterThanOrEqual(full[0].phases[k].duration); // the dropped phase's time went to them
    });
    x[genes(0)[2]] = SKIP_AT - 0.01;
    expect(space.decode(x)[0].phases).toHaveLength(3);
    // encode reads the skip back: the same programs again
    x[genes(0)[2]] = 1;
    const again = space.decode(x);
    expect(space.decode(space.encode(again))).toEqual(again);
  });

  it('with phase orders searched too, a plan that skips a phase in the program\'s order reads back as that order', () => {
    const x = new Float64Array(space.dimension).fill(0.5);
    for (const j of space.junctions) if (j.order >= 0) x[j.order] = 0;
    x[genes(0)[2]] = 1; // junction 0 drops its third phase
    const plans = space.decode(x);
    expect(plans[0].phases).toHaveLength(2);
    const y = space.encode(plans);
    expect(space.junctions[0].order).toBeGreaterThanOrEqual(0);
    expect(y[space.junctions[0].order]).toBe(0);
    expect(space.decode(y)).toEqual(plans);
  });

  it('never drops both of two phases that serve each other: every movement keeps a green', () => {
    const x = new Float64Array(space.dimension).fill(0.5);
    for (const g of genes(1)) if (g >= 0) x[g] = 1;
    const plans = space.decode(x);
    expect(plans[1].phases).toHaveLength(2); // phase 1 dropped; phase 3 (its copy) kept
    const shown = new Set(plans[1].phases.flatMap((ph) => [...ph.green, ...(ph.permissive ?? [])].map((m) => JSON.stringify(m))));
    for (const ph of programToSpec(net, base[1]).phases) for (const m of [...ph.green, ...(ph.permissive ?? [])]) expect(shown.has(JSON.stringify(m))).toBe(true);
    expect(checkPlanSafety(net, plans, undefined)).toEqual(checkPlanSafety(net, space.decode(new Float64Array(space.dimension).fill(0.5)), undefined));
  });

  it('a simulation runs the decoded programs with a phase skipped', async () => {
    const evaluator = createInProcessEvaluator(scenario);
    const x = new Float64Array(space.dimension).fill(0.5);
    for (const g of space.junctions.flatMap((j) => j.skips)) if (g >= 0) x[g] = 0;
    const y = Float64Array.from(x);
    y[genes(0)[2]] = 1;
    const batch = await evaluator.evaluate({ candidates: [space.plan(x).programs, space.plan(y).programs], seeds: [1] });
    await evaluator.close();
    expect(batch.failures).toEqual([]);
    const [a, b] = batch.results.sort((p, q) => p.candidate - q.candidate).map((r) => r.metrics.network);
    expect(a.unfinished + b.unfinished).toBe(0);
    expect(b.meanDelayAllTrips).not.toBe(a.meanDelayAllTrips); // the skip changed the run
  }, 60_000);
});
