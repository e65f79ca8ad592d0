/**
 * Phase reordering in the fixed-time space (space.ts `reorderPhases`,
 * phase-order.ts): one order gene per program of 3 or more phases that each
 * close with their own clearance, choosing among its (n - 1)! cyclic orders
 * (orders that differ by rotation are one cycle up to the offset); a reordered
 * plan keeps every phase's green, yellow, all-red and the cycle, so every
 * movement keeps its green time and clearance and the safety check says the
 * same; the scenario can pin the order; the timing sheet lists the new order;
 * and on a small corridor with protected left turns, leading instead of
 * lagging lefts changes the delay the kernel measures. The scenario's
 * `signals.pinPhaseOrder` names signalised junctions, located when it does not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildScenario, loadScenario, ScenarioError } from '../../engine/scenario/index.js';
import { corridorScenario } from '../fixtures/optimise-corridor.js';
import { completePrograms, createSearchSpace } from '../../engine/optimise/space.js';
import { cyclicOrder, cyclicOrderCount, cyclicOrderIndex, orderGeneOf, orderIndexOf, REORDER_AT } from '../../engine/optimise/phase-order.js';
import { compileProgram, programToSpec, type MovementRef, type SignalProgram, type SignalProgramSpec } from '../../engine/signals/program.js';
import { createInProcessEvaluator } from '../../engine/optimise/index.js';
import { checkPlanSafety } from '../../engine/signals/safety.js';
import { timingRows } from '../../engine/report/timing.js';
import type { CompiledNetwork } from '../../engine/network/compiled.js';

const key = (m: MovementRef): string => `${m.from}>${m.to}`;
const phaseKey = (ph: SignalProgramSpec['phases'][number]): string => [...ph.green.map(key), '|', ...(ph.permissive ?? []).map(key)].join(',');

/**
 * Three phases from a default two-phase program: the arterial's through and
 * right turns, then the arterial's left turns protected, then the side street
 * (its default phase). Far-side (left) turns are the default's permissive ones.
 */
function threePhases(net: CompiledNetwork, p: SignalProgram): SignalProgram {
  const spec = programToSpec(net, p);
  const horizontal = (ph: SignalProgramSpec['phases'][number]): boolean => ph.green.some((m) => {
    const l = net.linkIndex(m.from);
    return Math.abs(net.junctionX[net.linkTo[l]] - net.junctionX[net.linkFrom[l]]) > Math.abs(net.junctionY[net.linkTo[l]] - net.junctionY[net.linkFrom[l]]);
  });
  const arterial = spec.phases.find(horizontal);
  const side = spec.phases.find((ph) => !horizontal(ph));
  if (arterial === undefined || side === undefined) throw new Error('corridor junction without arterial and side phases');
  const lefts = (arterial.permissive ?? []).filter((m) => net.turn(net.movementBetween(net.linkIndex(m.from), net.linkIndex(m.to))) === 'left');
  const rest = (arterial.permissive ?? []).filter((m) => !lefts.includes(m));
  const { cycle: _c, ...head } = spec;
  void _c;
  return compileProgram(net, {
    ...head,
    phases: [
      { ...arterial, permissive: rest, duration: 24 },
      { ...arterial, green: lefts, permissive: [], duration: 8 },
      { ...side, duration: 14 },
    ],
  });
}

describe('cyclic phase orders', () => {
  it('tells apart only orders that are not rotations of each other: (n - 1)!, phase 0 first, index 0 the given order', () => {
    expect([1, 2, 3, 4, 5].map(cyclicOrderCount)).toEqual([1, 1, 2, 6, 24]);
    const orders = Array.from({ length: 6 }, (_, i) => cyclicOrder(4, i));
    expect(orders[0]).toEqual([0, 1, 2, 3]);
    const canonical = new Set(orders.map((o) => {
      const r = o.map((_, k) => o.slice(k).concat(o.slice(0, k)).join(''));
      return r.sort()[0]; // the smallest rotation names the cycle
    }));
    expect(canonical.size).toBe(6);
    orders.forEach((o, i) => {
      expect(o[0]).toBe(0);
      expect([...o].sort()).toEqual([0, 1, 2, 3]);
      expect(cyclicOrderIndex(o)).toBe(i);
      expect(cyclicOrderIndex(o.slice(2).concat(o.slice(0, 2)))).toBe(i); // a rotation is the same cycle
      expect(orderIndexOf(orderGeneOf(i, 6), 6)).toBe(i);
    });
    expect(orderIndexOf(REORDER_AT - 1e-9, 6)).toBe(0);
    expect(orderIndexOf(REORDER_AT, 6)).toBe(1); // one first step from a start plan tries another order
    expect(orderIndexOf(1, 6)).toBe(5);
  });
});

describe('fixed-time space: reordering phases', () => {
  const { net, scenario } = corridorScenario();
  const base = completePrograms(net, []).map((p) => threePhases(net, p));
  const space = createSearchSpace(net, base);
  const cycleOf = (p: SignalProgramSpec): number => p.phases.reduce((s, ph) => s + ph.duration + (ph.yellow ?? 3) + (ph.allRed ?? 2), 0);

  it('gives every program of 3 or more phases with clearances an order gene, unless pinned or turned off', () => {
    expect(space.junctions.every((j) => j.order >= 0 && j.orders === 2)).toBe(true);
    expect(space.junctionGenes?.[0].genes).toContain(space.junctions[0].order); // the local search moves it with the junction
    expect(createSearchSpace(net, base, { reorderPhases: false }).dimension).toBe(space.dimension - base.length);
    expect(createSearchSpace(net, base, { pinnedOrder: true }).dimension).toBe(space.dimension - base.length);
    const pinned = createSearchSpace(net, base, { pinnedOrder: [space.junctions[1].junction] });
    expect(pinned.junctions.map((j) => j.order >= 0)).toEqual(base.map((_, i) => i !== 1));
    // a phase that ends without clearance (a transition phase of an imported program) keeps the program's order
    const transition = base.map((p, i) => (i === 0 ? { ...p, phases: p.phases.map((ph, k) => (k === 1 ? { ...ph, yellow: 0, allRed: 0 } : ph)) } : p));
    expect(createSearchSpace(net, transition).junctions[0].order).toBe(-1);
  });

  it('a reordered plan keeps every movement\'s green time and clearances, the cycle and the safety check', () => {
    const x = new Float64Array(space.dimension).fill(0.4);
    for (const j of space.junctions) x[j.order] = 0;
    const y = Float64Array.from(x);
    for (const j of space.junctions) y[j.order] = 1;
    const given = space.decode(x);
    const reordered = space.decode(y);
    given.forEach((p, i) => {
      const q = reordered[i];
      expect(p.phases.map(phaseKey)).toEqual(programToSpec(net, base[i]).phases.map(phaseKey)); // gene 0: the program's order
      expect(q.phases.map(phaseKey)).toEqual([0, 2, 1].map((k) => p.phases[k]).map(phaseKey)); // the other cyclic order
      expect(cycleOf(q)).toBe(cycleOf(p));
      expect(q.offset).toBe(p.offset); // phase 0 still starts the cycle at the offset
      for (const ph of p.phases) {
        const same = q.phases.find((other) => phaseKey(other) === phaseKey(ph));
        expect(same && [same.duration, same.yellow, same.allRed, same.minGreen]).toEqual([ph.duration, ph.yellow, ph.allRed, ph.minGreen]);
      }
    });
    expect(checkPlanSafety(net, reordered, undefined)).toEqual(checkPlanSafety(net, given, undefined));
    // encode reads the order back, and a rotated listing of the same cycle with its offset moved is the same plan
    expect(space.decode(space.encode(reordered))).toEqual(reordered);
    const rotated = reordered.map((p) => {
      const [first, ...rest] = p.phases;
      return { ...p, phases: [...rest, first], offset: (p.offset ?? 0) + first.duration + (first.yellow ?? 3) + (first.allRed ?? 2) };
    });
    expect(space.decode(space.encode(rotated))).toEqual(reordered);
    // the timing sheet lists the phases in the order they run
    const rows = timingRows(net, 'optimised', reordered).filter((r) => r.junction === reordered[0].junction);
    expect(rows.map((r) => r.greenStartS)).toEqual([0, reordered[0].phases[0].duration + 5, reordered[0].phases[0].duration + reordered[0].phases[1].duration + 10]);
    expect(rows[1].movements).toHaveLength(reordered[0].phases[1].green.length);
    expect(reordered[0].phases[1].green.map(key)).toEqual(given[0].phases[2].green.map(key)); // the side street now second
  });

  it('leading instead of lagging left turns changes the delay the kernel measures on a corridor', async () => {
    const lefts = {
      flows: [
        ...('flows' in scenario.variants[0].demand ? scenario.variants[0].demand.flows ?? [] : []),
        { id: 'eb-left', from: 'west', to: 'n1', rate: 80 / 3600, begin: 0, end: 900, arrivals: 'poisson' as const },
        { id: 'wb-left', from: 'east', to: 's1', rate: 80 / 3600, begin: 0, end: 900, arrivals: 'poisson' as const },
      ],
    };
    const evaluator = createInProcessEvaluator({ ...scenario, variants: [{ ...scenario.variants[0], demand: lefts }] });
    const x = new Float64Array(space.dimension).fill(0.4);
    for (const j of space.junctions) x[j.order] = 0;
    const y = Float64Array.from(x);
    for (const j of space.junctions) y[j.order] = 1;
    const seeds = [1, 2, 3, 4, 5, 6];
    const batch = await evaluator.evaluate({ candidates: [space.plan(x).programs, space.plan(y).programs], seeds });
    await evaluator.close();
    expect(batch.failures).toEqual([]);
    const delay = (c: number): number[] => batch.results.filter((r) => r.candidate === c).sort((a, b) => a.seed - b.seed).map((r) => r.metrics.network.meanDelayAllTrips);
    const [lag, lead] = [delay(0), delay(1)];
    expect(lag).toHaveLength(seeds.length);
    // paired by seed (common random numbers): the mean difference is outside its 95% interval around 0 (t, 5 degrees of freedom: 2.571)
    const d = lag.map((v, k) => lead[k] - v);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
    expect(Math.abs(mean)).toBeGreaterThan(2.571 * (sd / Math.sqrt(d.length)));
  }, 60_000);
});

describe('signals.pinPhaseOrder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenwave-pin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = (pins: unknown): string => JSON.stringify({
    name: 'crossroads',
    network: {
      junctions: [{ id: 'C', xM: 0, yM: 0, control: 'signal' }, { id: 'N', xM: 0, yM: 200 }, { id: 'E', xM: 200, yM: 0 }, { id: 'S', xM: 0, yM: -200 }, { id: 'W', xM: -200, yM: 0 }],
      links: ['N', 'E', 'S', 'W'].flatMap((a) => [{ id: `${a}C`, from: a, to: 'C', speedKmh: 50 }, { id: `C${a}`, from: 'C', to: a, speedKmh: 50 }]),
    },
    demand: { flows: [{ from: 'W', to: 'E', vehPerHour: 300 }] },
    signals: { pinPhaseOrder: pins },
    simulation: { endS: 600 },
  }, null, 2);

  it('is kept as given for signalised junctions, and refused, located, for others', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, scenario(['C']));
    expect(buildScenario(await loadScenario(good)).scenario.signals.pinPhaseOrder).toEqual(['C']);
    const all = join(dir, 'all.json');
    writeFileSync(all, scenario(true));
    expect(buildScenario(await loadScenario(all)).scenario.signals.pinPhaseOrder).toBe(true);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, scenario(['Q', 'N']));
    let error: unknown;
    try {
      buildScenario(await loadScenario(bad));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const problems = (error as ScenarioError).problems;
    expect(problems.map((p) => p.path)).toEqual(['signals.pinPhaseOrder[0]', 'signals.pinPhaseOrder[1]']);
    expect(problems[0].message).toMatch(/no such junction/);
    expect(problems[1].message).toMatch(/signal-controlled/);
    expect(problems[0].line).toBeGreaterThan(1);
  });
});
