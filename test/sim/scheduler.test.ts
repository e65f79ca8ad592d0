/**
 * Scheduler (the kernel's event queue): commands pop in (time, scheduling
 * order) order whatever the interleaving of schedules and pops (checked
 * against a stable sort of the same commands, fast-check), kinds and ids
 * survive their packing into one int32 up to MAX_COMMAND_ID, the queue grows
 * past its capacity, and scheduling before the clock or out of range throws.
 * A presorted stream (the departures) pops exactly as if each of its commands
 * had been scheduled one by one when the stream was set.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_ID, Scheduler } from '../../engine/sim/scheduler.js';

describe('Scheduler', () => {
  it('pops commands by time, same-time commands in the order they were scheduled, across interleaved schedules and pops', () => {
    const op = fc.oneof(
      fc.record({ pop: fc.constant(false), dt: fc.integer({ min: 0, max: 6 }), kind: fc.integer({ min: 0, max: 7 }), id: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ pop: fc.constant(true), dt: fc.constant(0), kind: fc.constant(0), id: fc.constant(0) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const s = new Scheduler(0, 4); // small capacity: grows
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
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 40 }), fc.array(op, { maxLength: 5 }), fc.array(op, { maxLength: 200 }), (steps, before, after) => {
      const s = new Scheduler(0, 4);
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
});
