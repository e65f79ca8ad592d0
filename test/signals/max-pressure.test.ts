/**
 * createMaxPressureController (Varaiya 2013): chooses the phase of larger
 * pressure (saturation-flow-weighted queue minus turn-ratio-weighted downstream
 * queues), keeps the current phase on ties, respects minGreen, yellow and
 * all-red (hand-driven timeline); in the kernel: never a green shorter than
 * minGreen (traced), beats an equal-split fixed plan under asymmetric demand,
 * conserves vehicles and is deterministic; without clearance times a microsecond
 * red pause separates the greens; ties are exact (integer pressures), and the
 * kernel's incremental queue sums give the same decisions as the queues alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../engine/errors.js';
import type { TripTable } from '../../engine/demand/index.js';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { grid } from '../../engine/network/generators/index.js';
import {
  compileProgram, createMaxPressureController, defaultProgram, movementFlows, movementTurnRatios, SIGNAL_GREEN as G, SIGNAL_RED as R, SIGNAL_YELLOW as Y,
  type ControllerView, type SignalController,
} from '../../engine/signals/index.js';
import { Simulation, simulate } from '../../engine/sim/index.js';
import { QueueSums } from '../../engine/sim/queue-sums.js';
import { demand, greens, isolatedJunction, pauseWithoutClearance, recordIntervals, twoPhase } from '../fixtures/signal-junction.js';

const net = isolatedJunction();
const AB = net.movementBetween(net.linkIndex('A'), net.linkIndex('B'));
const SN = net.movementBetween(net.linkIndex('S'), net.linkIndex('N'));

/** A view with settable queues (per movement) and link occupancy. */
function fakeView(movements: number, links: number) {
  const queue = new Float64Array(movements);
  const vehicles = new Float64Array(links);
  const view: ControllerView & { now: number } = {
    now: 0,
    get time() { return this.now; },
    queueLength: (e) => queue[e],
    lastArrival: () => -Infinity,
    linkVehicles: (l) => vehicles[l],
    linkStorage: () => 100,
  };
  return { view, queue, vehicles };
}

/**
 * Cross-free chain: W -> J1 (signal) -> M -> J2 -> {E1 ... E`exits`}, and side S -> J1 -> N;
 * phase 0 shows w->m, phase 1 s->n (minGreen 5 s).
 */
function splitChain(exits: number) {
  const rn = new RoadNetwork();
  rn.addJunction({ id: 'W', x: -300, y: 0 });
  rn.addJunction({ id: 'J1', x: 0, y: 0, control: 'signal' });
  rn.addJunction({ id: 'J2', x: 300, y: 0 });
  rn.addJunction({ id: 'S', x: 0, y: -300 });
  rn.addJunction({ id: 'N', x: 0, y: 300 });
  for (const [id, from, to] of [['w', 'W', 'J1'], ['m', 'J1', 'J2'], ['s', 'S', 'J1'], ['n', 'J1', 'N']] as const) rn.addLink({ id, from, to, speed: 10 });
  rn.addMovement({ from: 'w', to: 'm' });
  rn.addMovement({ from: 's', to: 'n' });
  for (let k = 1; k <= exits; k++) {
    const angle = Math.PI / 2 - (Math.PI * k) / (exits + 1); // fanned out ahead of J2
    rn.addJunction({ id: `E${k}`, x: 300 + 300 * Math.cos(angle), y: 300 * Math.sin(angle) });
    rn.addLink({ id: `e${k}`, from: 'J2', to: `E${k}`, speed: 10 });
    rn.addMovement({ from: 'm', to: `e${k}` });
  }
  const n = compile(rn);
  const mv = (a: string, b: string) => n.movementBetween(n.linkIndex(a), n.linkIndex(b));
  const program = compileProgram(n, {
    junction: 'J1',
    phases: [{ green: [{ from: 'w', to: 'm' }], duration: 20, minGreen: 5 }, { green: [{ from: 's', to: 'n' }], duration: 20, minGreen: 5 }],
  });
  return { n, program, mv };
}

describe('createMaxPressureController: the CityFlow literature settings', () => {
  /** A view counting vehicles on lanes: bound for each movement (moving or queued) and present on each link. */
  function laneView() {
    const bound = new Float64Array(net.movementCount);
    const present = new Float64Array(net.linkCount);
    const view: ControllerView = {
      time: 0, queueLength: () => 0, lastArrival: () => -Infinity, linkVehicles: () => 0, linkStorage: () => 100,
      movementVehicles: (e) => bound[e], linkVehiclesPresent: (l) => present[l],
    };
    return { view, bound, present };
  }
  const B = net.linkIndex('B');
  const N = net.linkIndex('N');

  it('pressure "lanes": vehicles bound for the movement minus vehicles on its exit, unweighted; ties to the lowest phase; every interval; no inter-green', () => {
    const { view, bound, present } = laneView();
    const c = createMaxPressureController(net, twoPhase(net, [30, 30], { minGreen: 15 }), { pressure: 'lanes', ties: 'lowest', interGreen: 'none', minGreen: 0, interval: 10 });
    const states = new Uint8Array(net.movementCount);
    // A->B: 4 bound, 1 on B -> 3; S->N: 6 bound, 3 on N -> 3: a tie goes to phase 0 (Varaiya's weights would pick A->B too, but 2 x 3 vs 1 x 6 is also a tie).
    bound[AB] = 4; present[B] = 1; bound[SN] = 6; present[N] = 3;
    expect(c.start(0, states, view)).toBe(10); // first decision after the interval: minGreen 0 overrides the program's 15 s
    expect(c.phase).toBe(0);
    // Now S->N leads by one moving vehicle: it turns green at once, without yellow.
    bound[SN] = 7;
    const next = c.advance(10, states, view);
    expect(states[AB]).toBe(R);
    expect(next - 10).toBeLessThan(1e-3); // a microsecond red pause, no yellow or all-red
    expect(c.advance(next, states, view)).toBeCloseTo(next + 10, 9);
    expect(c.phase).toBe(1);
    expect(states[SN]).toBe(G);
  });

  it('ties "keep" holds the phase showing; eligiblePhases are the only candidates; a view without lane counts is refused', () => {
    const { view, bound } = laneView();
    const states = new Uint8Array(net.movementCount);
    const keep = createMaxPressureController(net, twoPhase(net, [30, 30], { minGreen: 5 }), { pressure: 'lanes', interval: 10 });
    bound[SN] = 2;
    keep.start(0, states, view);
    expect(keep.phase).toBe(1);
    bound[AB] = 2; // a tie: phase 1 stays
    keep.advance(10, states, view);
    expect(keep.phase).toBe(1);
    const only0 = createMaxPressureController(net, twoPhase(net, [30, 30]), { pressure: 'lanes', eligiblePhases: [0] });
    bound[SN] = 50;
    only0.start(0, states, view);
    expect(only0.phase).toBe(0);
    expect(() => createMaxPressureController(net, twoPhase(net, [30, 30]), { eligiblePhases: [2] })).toThrow(UsageError);
    const bare = createMaxPressureController(net, twoPhase(net, [30, 30]), { pressure: 'lanes' });
    expect(() => bare.start(0, states, fakeView(net.movementCount, net.linkCount).view)).toThrow(/needs a view that counts vehicles on lanes/);
  });
});

describe('createMaxPressureController', () => {
  it('serves the larger queue, keeps the phase while it stays best, and switches through yellow and all-red after minGreen', () => {
    // Saturation flows: A->B 2 lanes x 0.5 = 1 veh/s, S->N 1 lane x 0.5 = 0.5 veh/s; exits lead out of the network.
    const program = twoPhase(net, [30, 30], { minGreen: 8 });
    const c = createMaxPressureController(net, program, { interval: 5 });
    const { view, queue } = fakeView(net.movementCount, net.linkCount);
    const states = new Uint8Array(net.movementCount);
    queue[AB] = 4; // pressure 1 x 4 = 4
    queue[SN] = 10; // pressure 0.5 x 10 = 5: larger
    let t = c.start(0, states, view);
    expect(c.phase).toBe(1);
    expect([states[AB], states[SN]]).toEqual([R, G]);
    expect(t).toBe(8); // minGreen (> interval)
    // Still the best: extend by one interval.
    t = c.advance(t, states, view);
    expect(t).toBe(13);
    expect(c.phase).toBe(1);
    // Equal pressures (4 vs 0.5 x 8): the current phase is kept.
    queue[SN] = 8;
    t = c.advance(t, states, view);
    expect(t).toBe(18);
    expect(states[SN]).toBe(G);
    // A becomes best: yellow 3 s, all-red 2 s, then A green for minGreen.
    queue[AB] = 9;
    t = c.advance(t, states, view);
    expect([t, states[AB], states[SN], c.phase]).toEqual([21, R, Y, 1]);
    t = c.advance(t, states, view);
    expect([t, states[AB], states[SN], c.phase]).toEqual([23, R, R, 1]);
    queue[AB] = 0; // the choice was made at the decision: it is not revisited during the clearance
    t = c.advance(t, states, view);
    expect([t, states[AB], states[SN], c.phase]).toEqual([31, G, R, 0]);
  });

  it('subtracts turn-ratio-weighted downstream queues (Varaiya w = x - sum r x_down)', () => {
    const { n: n2, program, mv } = splitChain(2);
    const { view, queue } = fakeView(n2.movementCount, n2.linkCount);
    queue[mv('w', 'm')] = 10;
    queue[mv('s', 'n')] = 8;
    queue[mv('m', 'e1')] = 6;
    queue[mv('m', 'e2')] = 0;
    // Equal turn ratios: w = 10 - (0.5 x 6 + 0.5 x 0) = 7 < 8: the side phase wins.
    const uniform = createMaxPressureController(n2, program);
    uniform.start(0, new Uint8Array(n2.movementCount), view);
    expect(uniform.phase).toBe(1);
    // Turn ratios 1/4 : 3/4: w = 10 - 1.5 = 8.5 > 8: the main phase wins.
    const ratios = new Float64Array(n2.movementCount);
    ratios[mv('m', 'e1')] = 100;
    ratios[mv('m', 'e2')] = 300;
    const weighted = createMaxPressureController(n2, program, { turnRatios: ratios });
    weighted.start(0, new Uint8Array(n2.movementCount), view);
    expect(weighted.phase).toBe(0);
  });

  it('ties are exact: 1 - 3 x 1/3 is no pressure, although the float sum 1 - 1/3 - 1/3 - 1/3 is 1.1e-16', () => {
    const { n: n3, program, mv } = splitChain(3);
    const [WM, SN3, down] = [mv('w', 'm'), mv('s', 'n'), [mv('m', 'e1'), mv('m', 'e2'), mv('m', 'e3')]];
    expect(1 - 1 / 3 - 1 / 3 - 1 / 3).toBeGreaterThan(0); // what a float sum in this order would weigh
    const { view, queue } = fakeView(n3.movementCount, n3.linkCount);
    queue[SN3] = 2;
    const c = createMaxPressureController(n3, program, { interval: 5 });
    const states = new Uint8Array(n3.movementCount);
    const t = c.start(0, states, view);
    expect(c.phase).toBe(1);
    // w(w->m) = 1 - (1 + 1 + 1) / 3 = 0, equal shares; s->n is empty: 0 against 0, the phase showing keeps the green.
    queue[SN3] = 0;
    queue[WM] = 1;
    for (const e of down) queue[e] = 1;
    c.advance(t, states, view);
    expect(c.phase).toBe(1);
    expect(states[SN3]).toBe(G);
    // One more vehicle on w->m (w = 1 > 0): it wins.
    queue[WM] = 2;
    c.advance(t + 5, states, view);
    expect(states[SN3]).toBe(Y);
    /** With `turnRatios`, s->n shows; then w->m has 1 vehicle, its downstream queues `downQueues`, s->n none: does s->n keep the green? */
    const keepsOnTie = (turnRatios: number[], downQueues: number[]): boolean => {
      const ratios = new Float64Array(n3.movementCount);
      turnRatios.forEach((r, i) => { ratios[down[i]] = r; });
      const ctl = createMaxPressureController(n3, program, { interval: 5, turnRatios: ratios });
      queue[SN3] = 2;
      queue[WM] = 0;
      const at = ctl.start(0, states, view);
      expect(ctl.phase).toBe(1);
      queue[SN3] = 0;
      queue[WM] = 1;
      downQueues.forEach((n, i) => { queue[down[i]] = n; });
      ctl.advance(at, states, view);
      return ctl.phase === 1 && states[SN3] === G;
    };
    // Uneven demand ratios still sum to exactly 1 once in whole 1/720,720: 1 - (r1 + r2 + r3) x 1 is no pressure either.
    // (These are 100000.3, 300000.3 and 320719.4 units: each rounded to the nearest unit, they would sum to one unit short.)
    expect(keepsOnTie([100000.3, 300000.3, 320719.4], [1, 1, 1])).toBe(true);
    // Two equal ratios keep equal shares: with ratios 194 : 138 : 138 (0.41277, 0.29362, 0.29362) and
    // downstream queues 1, 0, 2, w = 1 - (r1 + 2 r3) = 0 exactly (rounding them apart would make it one unit).
    expect(keepsOnTie([194, 138, 138], [1, 0, 2])).toBe(true);
  });

  it('decides the same with the kernel\'s queue sums as from the queues alone (demand turn ratios, random queues, exit links full at times)', () => {
    const { n: n3, program, mv } = splitChain(3);
    const [WM, SN3, down] = [mv('w', 'm'), mv('s', 'n'), [mv('m', 'e1'), mv('m', 'e2'), mv('m', 'e3')]];
    const ratios = new Float64Array(n3.movementCount);
    [0.137, 0.5521, 0.3109].forEach((r, i) => { ratios[down[i]] = r; });
    const watched = [WM, SN3, ...down];
    const exits = [n3.linkIndex('m'), n3.linkIndex('n')];
    const occupancy = fc.integer({ min: 98, max: 100 }); // storage 100: full a third of the time
    const step = fc.tuple(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 5, maxLength: 5 }), occupancy, occupancy);
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
      const queue = new Int32Array(n3.movementCount);
      const sums = new QueueSums(queue);
      const plain = fakeView(n3.movementCount, n3.linkCount);
      const withSums: ControllerView = { ...plain.view, get time() { return 0; }, queueLength: (e) => queue[e], queueSums: sums };
      const a = createMaxPressureController(n3, program, { interval: 5, turnRatios: ratios });
      const b = createMaxPressureController(n3, program, { interval: 5, turnRatios: ratios });
      const sa = new Uint8Array(n3.movementCount);
      const sb = new Uint8Array(n3.movementCount);
      let ta = a.start(0, sa, withSums);
      let tb = b.start(0, sb, plain.view);
      for (const [queues, m, n] of steps) {
        watched.forEach((e, i) => {
          sums.change(e, queues[i] - queue[e]);
          queue[e] = queues[i];
          plain.queue[e] = queues[i];
        });
        plain.vehicles[exits[0]] = m;
        plain.vehicles[exits[1]] = n;
        expect(tb).toBe(ta);
        ta = a.advance(ta, sa, withSums);
        tb = b.advance(tb, sb, plain.view);
        expect([b.phase, Array.from(sb)]).toEqual([a.phase, Array.from(sa)]);
      }
    }));
  });

  it('useMaxGreen ends a green at maxGreen even while it has the largest pressure', () => {
    const program = twoPhase(net, [30, 30], { minGreen: 5, maxGreen: 12 });
    const { view, queue } = fakeView(net.movementCount, net.linkCount);
    queue[AB] = 20;
    queue[SN] = 1;
    const states = new Uint8Array(net.movementCount);
    const pure = createMaxPressureController(net, program);
    let t = pure.start(0, states, view);
    for (let k = 0; k < 10; k++) t = pure.advance(t, states, view);
    expect(pure.phase).toBe(0);
    expect(states[AB]).toBe(G);
    const capped = createMaxPressureController(net, program, { useMaxGreen: true });
    t = capped.start(0, states, view);
    t = capped.advance(t, states, view); // 5 -> 10
    expect(t).toBe(10);
    t = capped.advance(t, states, view); // 10 -> 12 (maxGreen)
    expect(t).toBe(12);
    t = capped.advance(t, states, view);
    expect(states[AB]).toBe(Y);
  });

  it('in the kernel: no green shorter than minGreen, full yellow and all-red (traced)', () => {
    const program = twoPhase(net, [30, 30], { minGreen: 6 });
    const trips = demand(net, 0.45, 0.15, 3600);
    const sim = new Simulation(net, trips, { controllers: [createMaxPressureController(net, program, { interval: 4 })] }, { end: 4000 });
    const main = recordIntervals(sim, AB);
    const side = recordIntervals(sim, SN);
    sim.run();
    main.close();
    side.close();
    for (const rec of [main.intervals, side.intervals]) {
      const gs = greens(rec);
      expect(gs.length).toBeGreaterThan(20);
      for (const g of gs) expect(g.end - g.start).toBeGreaterThanOrEqual(6 - 1e-9);
      for (const iv of rec.slice(1, -1)) if (iv.state === Y) expect(iv.end - iv.start).toBeCloseTo(3, 9);
    }
    for (const y of main.intervals.filter((iv) => iv.state === Y)) {
      const next = side.intervals.find((iv) => iv.state === G && iv.start >= y.end - 1e-9);
      if (next) expect(next.start - y.end).toBeCloseTo(2, 9);
    }
  });

  it('beats an equal-split fixed plan under asymmetric demand', () => {
    // Main 0.55 veh/s on 1 veh/s of saturation flow, side 0.1 veh/s on 0.5: equal split (30/30, C = 70) gives the
    // main approach capacity 30/70 = 0.43 veh/s < 0.55: it is oversaturated under fixed time.
    const trips = demand(net, 0.55, 0.1, 3600);
    const fixed = simulate(net, trips, { programs: [twoPhase(net, [30, 30])] }, { end: 5400 });
    const mp = simulate(net, trips, { programs: [twoPhase(net, [30, 30])], control: { kind: 'max-pressure' } }, { end: 5400 });
    expect(mp.network.arrived).toBe(trips.count);
    expect(mp.network.meanDelay).toBeLessThan(0.5 * fixed.network.meanDelay);
  });

  it('conserves vehicles and is deterministic', () => {
    const trips = demand(net, 0.35, 0.2, 3600, 'poisson', 3);
    const run = () => simulate(net, trips, { control: { kind: 'max-pressure', interval: 7 } }, { end: 5000, seed: 3 });
    const a = run();
    const b = run();
    expect(a.network.arrived).toBe(trips.count);
    expect(a.network.unfinished).toBe(0);
    expect(Array.from(a.trips.arrived)).toEqual(Array.from(b.trips.arrived));
  });

  it('as a policy of the sequencer: without yellow or all-red, a red pause of a microsecond separates the greens', () => {
    const program = twoPhase(net, [30, 30], { minGreen: 6, yellow: 0, allRed: 0 });
    const { view, queue } = fakeView(net.movementCount, net.linkCount);
    queue[AB] = 5;
    // S becomes best at the first decision: the green ends there.
    const pause = pauseWithoutClearance(net, createMaxPressureController(net, program, { interval: 5 }), view, 6, () => { queue[SN] = 20; });
    expect(pause).toBeGreaterThan(0);
    expect(pause).toBeLessThan(1e-5);
  });

  it('rejects bad options with UsageError', () => {
    const program = twoPhase(net, [30, 30]);
    expect(() => createMaxPressureController(net, program, { interval: 0 })).toThrow(UsageError);
    expect(() => createMaxPressureController(net, program, { turnRatios: [1, 2, 3] })).toThrow(UsageError);
    expect(() => simulate(net, demand(net, 0.1, 0, 60), { control: { kind: 'max-pressure', turnRatios: 'learned' as never } })).toThrow(UsageError);
    expect(() => simulate(net, demand(net, 0.1, 0, 60), { control: { kind: 'scoot' } as never })).toThrow(UsageError);
  });
});

describe('max-pressure in the kernel: incremental pressures against a from-scratch computation', () => {
  it('at every decision of a 4x4 grid run, the pressures from the kernel\'s queue sums equal those recomputed from the queues, and so do the decisions', () => {
    // Varaiya's pressure (see max-pressure.ts) read from sums the kernel updates at each queue change must equal,
    // to the last bit, the same integers summed from the queues and exit occupancies at the decision.
    const g = compile(grid(4, 4, { spacing: 200, lanes: 2, speed: 13.89, signals: 'all' }));
    // Trips between spread-out junction pairs over 20 minutes, without routes: the kernel routes them at departure.
    const count = 1500;
    const n = g.junctionCount;
    const origin = Int32Array.from({ length: count }, (_, i) => (i * 7) % n);
    const destination = Int32Array.from({ length: count }, (_, i) => (((i * 7) % n) + 1 + ((i * 5) % (n - 1))) % n);
    const trips: TripTable = {
      count,
      ids: Array.from({ length: count }, (_, i) => `t${i}`),
      depart: Float64Array.from({ length: count }, (_, i) => (i * 1200) / count),
      origin,
      destination,
      originLink: new Int32Array(count).fill(-1),
      destinationLink: new Int32Array(count).fill(-1),
      routeOffsets: new Int32Array(count + 1),
      routeLinks: new Int32Array(0),
    };
    const ratios = movementTurnRatios(g, movementFlows(g, trips));
    type Inner = SignalController & { policy: { pressures: Float64Array } };
    let decisions = 0;
    let switches = 0;
    let loaded = 0;
    const controllers: SignalController[] = [];
    for (let j = 0; j < g.junctionCount; j++) {
      if (g.junctionInOffsets[j + 1] === g.junctionInOffsets[j]) continue;
      const program = defaultProgram(g, j, { green: 30, yellow: 3, allRed: 0 });
      const kernel = createMaxPressureController(g, program, { turnRatios: ratios }) as Inner;
      const scratch = createMaxPressureController(g, program, { turnRatios: ratios }) as Inner;
      const twinStates = new Uint8Array(g.movementCount);
      // The twin sees only the view's queries (no queue sums, no live arrays): it computes every pressure from the queues.
      const plain = (view: ControllerView): ControllerView => ({
        time: view.time,
        queueLength: (e) => view.queueLength(e),
        lastArrival: (e, d) => view.lastArrival(e, d),
        linkVehicles: (l) => view.linkVehicles(l),
        linkStorage: (l) => view.linkStorage(l),
      });
      controllers.push({
        junction: j,
        get phase() { return kernel.phase; },
        start(now, states, view) {
          const a = kernel.start(now, states, view);
          expect(scratch.start(now, twinStates, plain(view))).toBe(a);
          return a;
        },
        advance(now, states, view) {
          const before = kernel.phase;
          const a = kernel.advance(now, states, view);
          expect(scratch.advance(now, twinStates, plain(view))).toBe(a);
          expect(Array.from(scratch.policy.pressures)).toEqual(Array.from(kernel.policy.pressures));
          expect(scratch.phase).toBe(kernel.phase);
          decisions++;
          if (kernel.phase !== before) switches++;
          if (kernel.policy.pressures.some((p) => p !== 0)) loaded++;
          return a;
        },
      });
    }
    const result = simulate(g, trips, { controllers }, { end: 2400, seed: 5 });
    expect(result.network.arrived).toBe(count);
    expect(decisions).toBeGreaterThan(2000);
    expect(switches).toBeGreaterThan(200); // decisions that changed the phase, not only keeps
    expect(loaded).toBeGreaterThan(1000); // pressures compared with vehicles queued, not only empty junctions
  });
});
