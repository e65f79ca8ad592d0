/**
 * QueueSums (the kernel's linear forms of queue lengths, for controllers): a
 * form starts at its sum over the current queues and stays equal to it through
 * any sequence of queue changes (fast-check against recomputing the sum); bad
 * forms are refused; in the kernel, a controller's forms equal the sums over
 * the queues it sees at every change of a run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUEUE_SUM_COEFFICIENT, SIGNAL_GREEN, SIGNAL_RED, type ControllerView, type SignalController } from '../../engine/signals/index.js';
import { QueueSums } from '../../engine/sim/queue-sums.js';
import { Simulation } from '../../engine/sim/index.js';
import { demand, isolatedJunction } from '../fixtures/signal-junction.js';

/** Sum over form f of coefficient x queue, recomputed from scratch. */
function recompute(offsets: Int32Array, movements: Int32Array, coefficients: Float64Array, queue: ArrayLike<number>, f: number): number {
  let s = 0;
  for (let k = offsets[f]; k < offsets[f + 1]; k++) s += coefficients[k] * queue[movements[k]];
  return s;
}

describe('QueueSums', () => {
  it('add starts each form at its sum over the queues; change keeps every form equal to it (forms added in two batches)', () => {
    const term = fc.record({ movement: fc.integer({ min: 0, max: 5 }), coefficient: fc.integer({ min: -1_000_000, max: 1_000_000 }) });
    const form = fc.array(term, { maxLength: 6 });
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 6, maxLength: 6 }),
      fc.array(form, { minLength: 1, maxLength: 4 }),
      fc.array(form, { maxLength: 3 }),
      fc.array(fc.record({ movement: fc.integer({ min: 0, max: 5 }), up: fc.boolean() }), { maxLength: 60 }),
      (initial, first, second, changes) => {
        const queue = Int32Array.from(initial);
        const sums = new QueueSums(queue);
        const batches = [first, second].map((forms) => {
          const offsets = new Int32Array(forms.length + 1);
          forms.forEach((f, i) => { offsets[i + 1] = offsets[i] + f.length; });
          const terms = forms.flat();
          return { offsets, movements: Int32Array.from(terms, (t) => t.movement), coefficients: Float64Array.from(terms, (t) => t.coefficient) };
        });
        const bases = [sums.add(batches[0].offsets, batches[0].movements, batches[0].coefficients)];
        for (const c of changes.slice(0, 20)) {
          if (!c.up && queue[c.movement] === 0) continue;
          queue[c.movement] += c.up ? 1 : -1;
          sums.change(c.movement, c.up ? 1 : -1);
        }
        bases.push(sums.add(batches[1].offsets, batches[1].movements, batches[1].coefficients));
        expect(bases).toEqual([0, first.length]);
        for (const c of changes.slice(20)) {
          if (!c.up && queue[c.movement] === 0) continue;
          queue[c.movement] += c.up ? 1 : -1;
          sums.change(c.movement, c.up ? 1 : -1);
        }
        batches.forEach((b, i) => {
          for (let f = 0; f < b.offsets.length - 1; f++) expect(sums.values[bases[i] + f]).toBe(recompute(b.offsets, b.movements, b.coefficients, queue, f));
        });
      },
    ));
  });

  it('add refuses fractional or too large coefficients, unknown movements and offsets that do not cover the terms', () => {
    const sums = new QueueSums(new Int32Array(3));
    expect(() => sums.add(Int32Array.of(0, 1), Int32Array.of(0), Float64Array.of(0.5))).toThrow(/integers/);
    expect(() => sums.add(Int32Array.of(0, 1), Int32Array.of(0), Float64Array.of(2 * MAX_QUEUE_SUM_COEFFICIENT))).toThrow(/at most/);
    expect(() => sums.add(Int32Array.of(0, 1), Int32Array.of(3), Float64Array.of(1))).toThrow(/out of range/);
    expect(() => sums.add(Int32Array.of(0, 2), Int32Array.of(0), Float64Array.of(1))).toThrow(/offsets/);
    expect(sums.values).toHaveLength(0);
  });

  it('add: a refused batch keeps no term (a later change and add see only the forms accepted)', () => {
    const queue = Int32Array.of(2, 0, 5);
    const sums = new QueueSums(queue);
    expect(sums.add(Int32Array.of(0, 2), Int32Array.of(0, 2), Float64Array.of(3, -1))).toBe(0);
    // The first form of this batch is fine, its second term is not: nothing of it stays.
    expect(() => sums.add(Int32Array.of(0, 1, 2), Int32Array.of(1, 0), Float64Array.of(4, 0.5))).toThrow(/integers/);
    expect(sums.add(Int32Array.of(0, 1), Int32Array.of(1), Float64Array.of(7))).toBe(1);
    queue[1]++;
    sums.change(1, 1); // would also move the refused form's kept term, had it stayed (as form 1)
    queue[0]++;
    sums.change(0, 1);
    expect([sums.values[0], sums.values[1]]).toEqual([3 * 3 - 5, 7]);
  });

  it('in the kernel: a controller sees its forms equal to the sums over the queues at every change', () => {
    const net = isolatedJunction();
    const AB = net.movementBetween(net.linkIndex('A'), net.linkIndex('B'));
    const SN = net.movementBetween(net.linkIndex('S'), net.linkIndex('N'));
    const offsets = Int32Array.of(0, 1, 2, 4);
    const movements = Int32Array.of(AB, SN, AB, SN);
    const coefficients = Float64Array.of(1, 1, 7, -3);
    let base = -1;
    let checked = 0;
    let busy = 0;
    const check = (view: ControllerView) => {
      const values = view.queueSums!.values;
      for (let f = 0; f < 3; f++) expect(values[base + f]).toBe(recompute(offsets, movements, coefficients, Array.from({ length: net.movementCount }, (_, e) => view.queueLength(e)), f));
      if (view.queueLength(AB) + view.queueLength(SN) > 0) busy++;
      checked++;
    };
    // Alternates the two approaches every 20 s and checks the sums at each change.
    let green = AB;
    const controller: SignalController = {
      junction: net.junctionIndex('J'),
      phase: 0,
      start(now, states, view) {
        base = view.queueSums!.add(offsets, movements, coefficients);
        states[AB] = SIGNAL_GREEN;
        states[SN] = SIGNAL_RED;
        check(view);
        return now + 20;
      },
      advance(now, states, view) {
        check(view);
        states[green] = SIGNAL_RED;
        green = green === AB ? SN : AB;
        states[green] = SIGNAL_GREEN;
        return now + 20;
      },
    };
    new Simulation(net, demand(net, 0.5, 0.25, 1800), { controllers: [controller] }, { end: 2000 }).run();
    expect(checked).toBeGreaterThan(90);
    expect(busy).toBeGreaterThan(80); // the sums were checked with vehicles queued, not only on empty approaches
  });
});
