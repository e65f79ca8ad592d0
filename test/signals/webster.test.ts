/**
 * Webster's method (Webster 1958, RRL Technical Paper 39; HCM 7th ed. ch. 19
 * flow ratios) with SUMO tlsCycleAdaptation.py defaults: hand-computed optimum
 * cycle and greens of a two-phase junction; the clamps at both ends; Y >= 1;
 * minimum green with and without restrictCycle; lane groups, movements and flow
 * sharing in the critical ratios; movementFlows against known demand; a Webster
 * plan simulated against the default plan.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../engine/errors.js';
import { compile, corridor } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import {
  busiestHour, compileProgram, criticalFlowRatios, defaultProgram, movementFlows, movementTurnRatios,
  websterPlan, websterPrograms, websterTiming,
} from '../../engine/signals/index.js';
import { simulate } from '../../engine/sim/index.js';
import { demand, isolatedJunction, twoPhase } from '../fixtures/signal-junction.js';

const net = isolatedJunction();
const AB = net.movementBetween(net.linkIndex('A'), net.linkIndex('B'));
const SN = net.movementBetween(net.linkIndex('S'), net.linkIndex('N'));

/** Flows (veh/h) on A->B (2 lanes, 3,600 veh/h saturation) and S->N (1 lane, 1,800 veh/h). */
function flows(main: number, side: number): Float64Array {
  const f = new Float64Array(net.movementCount);
  f[AB] = main;
  f[SN] = side;
  return f;
}

const base = twoPhase(net, [30, 30]); // yellow 3 + all-red 2 per phase: L = 10 s

describe('websterTiming', () => {
  it('hand-computed: y = 1000/3600 and 300/1800, L = 10 s -> C0 = (1.5 x 10 + 5) / (1 - 4/9) = 36 s, greens 26 x 5/8 and 26 x 3/8', () => {
    const t = websterTiming([1000 / 3600, 300 / 1800], [5, 5], { round: false });
    expect(t.Y).toBeCloseTo(4 / 9, 12);
    expect(t.lostTime).toBe(10);
    expect(t.optimalCycle).toBeCloseTo(36, 9);
    expect(t.greens[0]).toBeCloseTo(16.25, 9);
    expect(t.greens[1]).toBeCloseTo(9.75, 9);
    expect(t.cycle).toBeCloseTo(36, 9);
    // SUMO writes whole seconds: 16 and 10.
    expect(websterTiming([1000 / 3600, 300 / 1800], [5, 5]).greens).toEqual([16, 10]);
  });

  it('start-up lost time adds to L and to each displayed green', () => {
    // L = 10 + 2 x 2 = 14: C0 = (21 + 5) / (5/9) = 46.8 s; effective 32.8 s shared 5/8, 3/8, plus 2 s each.
    const t = websterTiming([1000 / 3600, 300 / 1800], [5, 5], { round: false, startUpLostTime: 2 });
    expect(t.optimalCycle).toBeCloseTo(46.8, 9);
    expect(t.greens[0]).toBeCloseTo(2 + 32.8 * 0.625, 9);
    expect(t.greens[1]).toBeCloseTo(2 + 32.8 * 0.375, 9);
    expect(t.cycle).toBeCloseTo(46.8, 9);
  });

  it('clamps the cycle at minCycle (low demand) and maxCycle (high demand)', () => {
    // Y = 100/3600 + 50/1800 = 1/18: C0 = 20 / (17/18) = 21.2 s -> 21; with minCycle 30: greens 10 + 10.
    // 11 s of green shared 5.5 / 5.5: whole seconds keep the sum (6 / 5), so the cycle stays 21.
    const unclamped = websterTiming([100 / 3600, 50 / 1800], [5, 5]);
    expect([unclamped.targetCycle, ...unclamped.greens, unclamped.cycle]).toEqual([21, 6, 5, 21]);
    const low = websterTiming([100 / 3600, 50 / 1800], [5, 5], { minCycle: 30 });
    expect([low.targetCycle, ...low.greens, low.cycle]).toEqual([30, 10, 10, 30]);
    // Y = 2100/3600 + 500/1800 = 0.861: C0 = 144 s -> 120 (SUMO's max); 110 s shared 0.677 / 0.323 -> 75 / 35.
    const high = websterTiming([2100 / 3600, 500 / 1800], [5, 5]);
    expect(high.optimalCycle).toBeCloseTo(20 / (1 - 31 / 36), 9);
    expect([high.targetCycle, ...high.greens, high.cycle]).toEqual([120, 75, 35, 120]);
  });

  it('Y >= 1 (oversaturated): the cycle is maxCycle, greens still in proportion to y', () => {
    // y = 0.667 + 0.389 = 1.056: C = 120, effective 110 s -> 69.47 / 40.53 -> 69 / 41.
    const t = websterTiming([2400 / 3600, 700 / 1800], [5, 5]);
    expect(t.optimalCycle).toBe(Infinity);
    expect([t.targetCycle, ...t.greens, t.cycle]).toEqual([120, 69, 41, 120]);
    expect(websterTiming([2400 / 3600, 700 / 1800], [5, 5], { maxCycle: 90 }).cycle).toBe(90);
  });

  it('minimum green lengthens the cycle (SUMO default) unless restrictCycle', () => {
    // y = 1000/3600, 10/1800: C0 = 20 / (1 - 0.28333) = 27.9 -> 28; 18 s -> 17.65 / 0.35 -> 18 / 4 (min green).
    const free = websterTiming([1000 / 3600, 10 / 1800], [5, 5]);
    expect([free.targetCycle, ...free.greens, free.cycle]).toEqual([28, 18, 4, 32]);
    const kept = websterTiming([1000 / 3600, 10 / 1800], [5, 5], { restrictCycle: true });
    expect([...kept.greens, kept.cycle]).toEqual([14, 4, 28]);
    expect(websterTiming([1000 / 3600, 10 / 1800], [5, 5], { minGreen: 7 }).greens[1]).toBe(7);
  });

  it('imposed cycle (SUMO -e) and bad input', () => {
    const t = websterTiming([1000 / 3600, 300 / 1800], [5, 5], { cycle: 90 });
    expect([...t.greens, t.cycle]).toEqual([50, 30, 90]);
    expect(() => websterTiming([0, 0], [5, 5])).toThrow(UsageError);
    expect(() => websterTiming([0.2], [5, 5])).toThrow(UsageError);
    expect(() => websterTiming([0.2, 0.1], [5, 5], { minCycle: 100, maxCycle: 50 })).toThrow(UsageError);
    expect(() => websterTiming([0.2, 0.1], [5, 5], { minGreen: -1 })).toThrow(UsageError);
  });
});

describe('criticalFlowRatios', () => {
  it('per phase: flow / (saturation flow x lanes) of its critical lane group or movement', () => {
    expect(criticalFlowRatios(net, base, flows(1000, 300))).toEqual([1000 / 3600, 300 / 1800]);
    // A given saturation flow (veh/s per lane) replaces the links' own.
    const [y0] = criticalFlowRatios(net, base, flows(1000, 300), 1900 / 3600);
    expect(y0).toBeCloseTo(1000 / 3800, 12);
  });

  it('a movement protected in two phases counts half its flow in each (SUMO)', () => {
    const p = compileProgram(net, {
      junction: 'J',
      phases: [
        { green: [{ from: 'A', to: 'B' }], duration: 20 },
        { green: [{ from: 'A', to: 'B' }, { from: 'S', to: 'N' }], duration: 20 },
      ],
    });
    const [y0, y1] = criticalFlowRatios(net, p, flows(1200, 360));
    expect(y0).toBeCloseTo(600 / 3600, 12);
    expect(y1).toBeCloseTo(360 / 1800, 12); // max(600/3600, 360/1800)
  });

  it('rejects a flows array of the wrong length', () => {
    expect(() => criticalFlowRatios(net, base, new Float64Array(1))).toThrow(UsageError);
  });
});

describe('websterPlan and websterPrograms', () => {
  it('keeps phases, movements, offset and min/max green; sets greens and cycle; compiles', () => {
    const plan = websterPlan(net, { ...base, offset: 7 }, flows(1000, 300));
    expect(plan.changed).toBe(true);
    expect(plan.criticalRatios).toEqual([1000 / 3600, 300 / 1800]);
    expect(plan.spec.offset).toBe(7);
    expect(plan.spec.cycle).toBe(36);
    expect(plan.spec.phases.map((p) => [p.duration, p.yellow, p.allRed, p.minGreen, p.maxGreen])).toEqual([[16, 3, 2, 5, 60], [10, 3, 2, 5, 60]]);
    expect(compileProgram(net, plan.spec).cycle).toBe(36);
    // yellow / allRed options replace the base's and enter L: 2 x (4 + 0) = 8 -> C0 = 17 / (5/9) = 30.6 -> 31.
    const sumo = websterPlan(net, base, flows(1000, 300), { yellow: 4, allRed: 0 });
    expect(sumo.lostTime).toBe(8);
    expect(sumo.spec.cycle).toBe(31);
    expect(sumo.spec.phases[0].yellow).toBe(4);
  });

  it('a junction without flow keeps its base program (SUMO skips it)', () => {
    const plan = websterPlan(net, base, flows(0, 0));
    expect(plan.changed).toBe(false);
    expect(plan.spec.phases.map((p) => p.duration)).toEqual([30, 30]);
  });

  it('unifiedCycle gives every junction the largest cycle, greens summing to it', () => {
    const cnet = compile(corridor(3, 300));
    const programs = [];
    for (let j = 0; j < cnet.junctionCount; j++) if (cnet.control(j) === 'signal') programs.push(defaultProgram(cnet, j));
    const trips = expandDemand(cnet, { flows: [{ from: 'west', to: 'east', rate: 0.3, begin: 0, end: 3600, arrivals: 'uniform' }] }, createRandom(1));
    const f = movementFlows(cnet, trips);
    // A side flow at the middle junction only: its cycle differs from the others'.
    const middle = programs[1];
    for (const e of middle.phases[1].green) f[e] += 500;
    const separate = websterPrograms(cnet, programs, f);
    const cycles = separate.map((s) => s.cycle!);
    expect(new Set(cycles).size).toBeGreaterThan(1);
    const unified = websterPrograms(cnet, programs, f, { unifiedCycle: true });
    for (const s of unified) {
      expect(s.cycle).toBe(Math.max(...cycles));
      expect(s.phases.reduce((t, p) => t + p.duration + p.yellow! + p.allRed!, 0)).toBe(Math.max(...cycles));
    }
  });

  it('in the kernel: the Webster plan beats the default 30/30 plan on an undersaturated junction', () => {
    const trips = demand(net, 0.28, 0.08, 3600);
    const plan = websterPlan(net, base, movementFlows(net, trips));
    const webster = simulate(net, trips, { programs: [plan.spec] }, { end: 4500 });
    const fixed = simulate(net, trips, { programs: [base] }, { end: 4500 });
    expect(webster.network.arrived).toBe(trips.count);
    expect(webster.network.meanDelay).toBeLessThan(0.8 * fixed.network.meanDelay);
  });
});

describe('movementFlows', () => {
  it('counts routed trips per movement in veh/h over the busiest hour or a window', () => {
    // 0.25 veh/s uniform over 2 h on A->B, 0.1 veh/s on S->N in the first hour only.
    const trips = expandDemand(net, {
      flows: [
        { from: 'o', to: 'd', rate: 0.25, begin: 0, end: 7200, arrivals: 'uniform' },
        { from: 's', to: 'n', rate: 0.1, begin: 0, end: 3600, arrivals: 'uniform' },
      ],
    }, createRandom(1));
    const hour = busiestHour(trips);
    expect(hour.begin).toBe(trips.depart[0]);
    const f = movementFlows(net, trips);
    expect(f[AB]).toBe(900);
    expect(f[SN]).toBe(360);
    const late = movementFlows(net, trips, { begin: 3600, end: 5400 });
    expect(late[AB]).toBe(900); // 450 trips in half an hour
    expect(late[SN]).toBe(0);
    expect(() => movementFlows(net, trips, { begin: 10, end: 10 })).toThrow(UsageError);
  });

  it('follows explicit routes and turn ratios split an approach by flow', () => {
    const cnet = compile(corridor(2, 300));
    const trips = expandDemand(cnet, { flows: [{ from: 'west', to: 'east', rate: 0.2, begin: 0, end: 3600, arrivals: 'uniform' }] }, createRandom(1));
    const f = movementFlows(cnet, trips);
    // Every movement on the west-east route carries 720 veh/h, nothing else.
    const used = Array.from(f).filter((x) => x > 0);
    expect(used.length).toBeGreaterThan(0);
    for (const x of used) expect(x).toBe(720);
    const r = movementTurnRatios(cnet, f);
    for (let e = 0; e < cnet.movementCount; e++) expect(r[e]).toBe(f[e] > 0 ? 1 : 0);
  });
});
