/**
 * Scheduler (the kernel's event queue): commands pop in (time, scheduling
 * order) order whatever the interleaving of schedules and pops (checked
 * against a stable sort of the same commands, fast-check), kinds and ids
 * survive their packing into one int32 up to MAX_COMMAND_ID, the queue grows
 * past its capacity, and scheduling before the clock or out of range throws.
 * A presorted stream (the departures) pops exactly as if each of its commands
 * had been scheduled one by one when the stream was set. The calendar keeps that
 * order across its horizon (commands far ahead, the empty ring restarted, times
 * at Infinity), through its width changes (crowded buckets of equal times, then
 * sparse ones), and `popUntil` stops at its limit.
 */
import fc from 'fast-check';
import FastPriorityQueue from 'fastpriorityqueue';
import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_ID, Scheduler } from '../../engine/sim/scheduler.js';

describe('Scheduler', () => {
  it.each([['a plain heap', false], ['a calendar', true]])('pops commands by time, same-time commands in the order they were scheduled, across interleaved schedules and pops (%s)', (_name, calendar) => {
    const op = fc.oneof(
      fc.record({ pop: fc.constant(false), dt: fc.integer({ min: 0, max: 6 }), kind: fc.integer({ min: 0, max: 7 }), id: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ pop: fc.constant(true), dt: fc.constant(0), kind: fc.constant(0), id: fc.constant(0) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const s = new Scheduler(0, 4, calendar ? 0 : undefined); // small capacity: grows
      // Reference: pending commands as [time, seq, kind, id], the earliest (time, seq) popped.
      const pending: Array<[number, number, number, number]> = [];
      let seq = 0;
      const popBoth = (): void => {
        pending.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const [t, , kind, id] = pending.shift()!;
        expect(s.pop()).toBe(true);
        expect([s.now, s.kind, s.id]).toEqual([t, kind, id]);
      };
      for (const o of ops) {
        if (o.pop && pending.length > 0) popBoth();
        else if (!o.pop) {
          const t = s.now + o.dt / 2; // many equal times
          s.schedule(t, o.kind, o.id);
          pending.push([t, seq++, o.kind, o.id]);
        }
        expect(s.size).toBe(pending.length);
      }
      while (pending.length > 0) popBoth();
      expect(s.pop()).toBe(false);
      expect(s.peekTime()).toBe(Infinity);
    }));
  });

  it('keeps the largest kind and id intact and refuses ids beyond MAX_COMMAND_ID, negative ids and times before the clock', () => {
    const s = new Scheduler(10);
    s.schedule(11, 7, MAX_COMMAND_ID);
    s.schedule(10, 0, 0);
    expect(s.pop()).toBe(true);
    expect([s.now, s.kind, s.id]).toEqual([10, 0, 0]);
    expect(s.pop()).toBe(true);
    expect([s.now, s.kind, s.id]).toEqual([11, 7, MAX_COMMAND_ID]);
    expect(() => s.schedule(12, 1, MAX_COMMAND_ID + 1)).toThrow(/out of range/);
    expect(() => s.schedule(12, 1, -1)).toThrow(/out of range/);
    expect(() => s.schedule(12, 8, 0)).toThrow(/out of range/);
    expect(() => s.schedule(10.5, 1, 0)).toThrow(/before the clock/);
  });

  it('merges a presorted stream as if its commands were scheduled one by one at the moment it was set', () => {
    const op = fc.oneof(
      fc.record({ pop: fc.constant(false), dt: fc.integer({ min: 0, max: 6 }), kind: fc.integer({ min: 0, max: 7 }), id: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ pop: fc.constant(true), dt: fc.constant(0), kind: fc.constant(0), id: fc.constant(0) }),
    );
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 40 }), fc.array(op, { maxLength: 5 }), fc.array(op, { maxLength: 200 }), fc.boolean(), (steps, before, after, calendar) => {
      const s = new Scheduler(0, 4, calendar ? 0 : undefined);
      const pending: Array<[number, number, number, number]> = [];
      let seq = 0;
      const apply = (o: { pop: boolean; dt: number; kind: number; id: number }): void => {
        if (o.pop && pending.length > 0) {
          pending.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          const [t, , kind, id] = pending.shift()!;
          expect(s.pop()).toBe(true);
          expect([s.now, s.kind, s.id]).toEqual([t, kind, id]);
        } else if (!o.pop) {
          const t = s.now + o.dt / 2;
          s.schedule(t, o.kind, o.id);
          pending.push([t, seq++, o.kind, o.id]);
        }
        expect(s.size).toBe(pending.length);
      };
      before.forEach((o) => { if (!o.pop) apply(o); });
      // Stream: ids in time order with many equal times; times indexed by id.
      const times = new Float64Array(steps.length);
      let t = s.now;
      const ids = Int32Array.from(steps.map((d, i) => { t += d / 2; times[i] = t; return i; }));
      s.scheduleStream(3, ids, times);
      for (const id of ids) pending.push([times[id], seq++, 3, id]);
      expect(s.size).toBe(pending.length);
      expect(s.peekTime()).toBe(pending.length > 0 ? Math.min(...pending.map((p) => p[0])) : Infinity);
      after.forEach(apply);
      while (pending.length > 0) apply({ pop: true, dt: 0, kind: 0, id: 0 });
      expect(s.pop()).toBe(false);
    }));
  });

  it('refuses a stream out of time order, before the clock, or a second stream', () => {
    const s = new Scheduler(5);
    expect(() => s.scheduleStream(0, Int32Array.of(0, 1), Float64Array.of(7, 6))).toThrow(/before 7/);
    expect(() => s.scheduleStream(0, Int32Array.of(0), Float64Array.of(4))).toThrow(/before 5/);
    s.scheduleStream(0, Int32Array.of(1, 0), Float64Array.of(9, 6));
    expect(() => s.scheduleStream(0, Int32Array.of(0), Float64Array.of(6))).toThrow(/already has a stream/);
  });

  it('keeps (time, seq) order for commands beyond the horizon, after gaps that empty the ring, and at Infinity', () => {
    const op = fc.oneof(
      fc.record({ pop: fc.constant(false), dt: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 4000 }), fc.constant(Infinity)), kind: fc.integer({ min: 0, max: 7 }), id: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ pop: fc.constant(true), dt: fc.constant(0), kind: fc.constant(0), id: fc.constant(0) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const s = new Scheduler(0, 4, 0);
      const pending: Array<[number, number, number, number]> = [];
      let seq = 0;
      const popBoth = (): void => {
        pending.sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
        const [t, , kind, id] = pending.shift()!;
        expect(s.pop()).toBe(true);
        expect([s.now, s.kind, s.id]).toEqual([t, kind, id]);
      };
      for (const o of ops) {
        if (o.pop && pending.length > 0) popBoth();
        else if (!o.pop && s.now < Infinity) {
          const t = s.now + o.dt / 8; // 1/8 s steps: equal times, bucket edges, 500 s jumps (beyond the ring)
          s.schedule(t, o.kind, o.id);
          pending.push([t, seq++, o.kind, o.id]);
        }
        expect(s.size).toBe(pending.length);
      }
      while (pending.length > 0) popBoth();
      expect(s.pop()).toBe(false);
    }));
  });

  it('pops in (time, seq) order through width changes: bursts of equal times, then sparse commands', () => {
    // Reference: a binary heap on the same (time, seq) keys.
    const ref = new FastPriorityQueue<[number, number, number]>((a, b) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]));
    const s = new Scheduler(100); // a plain heap until 2,048 commands wait, then a calendar
    let seq = 0;
    let x = 12345;
    const random = (): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    const schedule = (t: number): void => {
      const id = seq % 1000;
      s.schedule(t, 1, id);
      ref.add([t, seq++, id]);
    };
    let popped = 0;
    const pop = (): void => {
      const [t, , id] = ref.poll()!;
      expect(s.pop()).toBe(true);
      if (s.now !== t || s.id !== id) expect([s.now, s.id]).toEqual([t, id]); // (cheap check first: 10^5 pops)
      popped++;
    };
    for (let i = 0; i < 200; i++) schedule(100 + random() * 30);
    // Phase 1: ~3,000 commands within the next 2 s, some at equal times (crowded buckets: the width halves).
    while (popped < 150000) {
      pop();
      for (let k = 0; k < 3 && ref.size < 3000; k++) schedule(random() < 0.2 ? s.now + 0.5 : s.now + random() * 2);
    }
    // Phase 2: few commands, far apart (the scan meets mostly empty buckets: the width doubles).
    while (ref.size > 20) pop();
    while (popped < 300000) {
      pop();
      schedule(s.now + random() * 60);
      if (random() < 0.01) schedule(s.now + 5000 + random() * 1000); // beyond the horizon
    }
    while (ref.size > 0) pop();
    expect(s.pop()).toBe(false);
    expect(s.size).toBe(0);
  });

  it('popUntil stops at its limit and leaves the command queued', () => {
    const s = new Scheduler(0, 16, 0);
    s.schedule(5, 2, 7);
    s.scheduleStream(0, Int32Array.of(0, 1), Float64Array.of(1, 9));
    expect(s.popUntil(4)).toBe(true);
    expect([s.now, s.kind, s.id]).toEqual([1, 0, 0]);
    expect(s.popUntil(4)).toBe(false);
    expect(s.size).toBe(2);
    expect(s.peekTime()).toBe(5);
    s.settle(4);
    s.schedule(4.5, 3, 1); // between the clock and the queued command
    expect(s.popUntil(8)).toBe(true);
    expect([s.now, s.kind, s.id]).toEqual([4.5, 3, 1]);
    expect(s.popUntil(8)).toBe(true);
    expect([s.now, s.kind, s.id]).toEqual([5, 2, 7]);
    expect(s.popUntil(8)).toBe(false);
    expect(s.popUntil(9)).toBe(true);
    expect([s.now, s.kind, s.id]).toEqual([9, 0, 1]);
    expect(s.popUntil(Infinity)).toBe(false);
  });
});
