/**
 * SignalBatches (the signal changes of one instant as one scheduler command):
 * changes at one time share a command and run in the order they were
 * scheduled; each runs at its own point of the run (`seqNow` is the sequence
 * number its own command would have had); a command queued between two
 * changes of one instant runs between them. Property (fast-check): with
 * changes and other commands scheduled at random, many at equal times and
 * some at the instant being run, every change and command runs exactly once
 * and in increasing (time, seq) order, which is exactly the order of one
 * command per change (each pop of a plain queue is its earliest (time, seq)).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CMD_CHECK, CMD_SIGNAL, NONE } from '../../engine/sim/commands.js';
import { Scheduler } from '../../engine/sim/scheduler.js';
import { SignalBatches } from '../../engine/sim/signal-batches.js';

/** Run `batches`' command `b` at `now` as the kernel does, calling `each` for every controller that changes. */
function runBatch(batches: SignalBatches, b: number, now: number, each: (i: number) => void): void {
  for (let i = batches.begin(b); i !== NONE; i = batches.next(b, now)) each(i);
}

describe('SignalBatches', () => {
  it('schedule: changes at one time share one command and run in the order they were scheduled', () => {
    const s = new Scheduler(0);
    const batches = new SignalBatches(4, s);
    const seqs = [batches.schedule(2, 5), batches.schedule(0, 7), batches.schedule(3, 5), batches.schedule(1, 5)];
    expect(seqs).toEqual([0, 1, 2, 3]);
    expect(s.size).toBe(2); // one command at 5, one at 7
    const ran: Array<[number, number, number]> = [];
    while (s.pop()) {
      expect(s.kind).toBe(CMD_SIGNAL);
      runBatch(batches, s.id, s.now, (i) => ran.push([s.now, i, s.seqNow]));
    }
    expect(ran).toEqual([[5, 2, 0], [5, 3, 2], [5, 1, 3], [7, 0, 1]]);
  });

  it('next: a command queued between two changes of one instant runs between them', () => {
    const s = new Scheduler(0);
    const batches = new SignalBatches(2, s);
    batches.schedule(0, 5);
    s.schedule(5, CMD_CHECK, 9); // scheduled after the first change, before the second
    batches.schedule(1, 5);
    const ran: string[] = [];
    while (s.pop()) {
      if (s.kind === CMD_SIGNAL) runBatch(batches, s.id, s.now, (i) => ran.push(`signal ${i} seq ${s.seqNow}`));
      else ran.push(`check seq ${s.seqNow}`);
    }
    expect(ran).toEqual(['signal 0 seq 0', 'check seq 1', 'signal 1 seq 2']);
  });

  it('schedule: a controller with a change pending cannot schedule another once every batch is taken', () => {
    const batches = new SignalBatches(1, new Scheduler(0));
    batches.schedule(0, 1);
    batches.schedule(0, 2); // a second batch: one more than the controllers, for the one running
    expect(() => batches.schedule(0, 3)).toThrow(/internal: controller 0 scheduled a second pending change/);
  });

  it.each([['a plain heap', false], ['a calendar', true]])('runs every change and command once, in (time, seq) order, as one command per change would (%s)', (_name, calendar) => {
    const step = fc.record({ next: fc.integer({ min: 1, max: 4 }), extra: fc.integer({ min: 0, max: 2 }), dt: fc.integer({ min: 0, max: 4 }) });
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.array(step, { minLength: 1, maxLength: 200 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 12, maxLength: 12 }), (n, steps, first) => {
      const s = new Scheduler(0, 4, calendar ? 0 : undefined);
      const batches = new SignalBatches(n, s);
      const end = 40;
      const expected = new Map<number, number>(); // seq -> time of every change and command scheduled
      const ran: Array<[number, number]> = [];
      const pendingSeq = new Float64Array(n);
      let k = 0;
      // Each unit run schedules more: a change its next at 1-4 s (times collide); a change commands now (after it) or up to 1 s ahead, a command only ahead.
      const react = (change: boolean): void => {
        const o = steps[k++ % steps.length];
        for (let x = 0; x < o.extra && expected.size < 1000; x++) {
          const t = s.now + (((o.dt + x) % 3) + (change ? 0 : 1)) / 2;
          if (t <= end) expected.set(s.schedule(t, CMD_CHECK, 0), t);
        }
      };
      for (let i = 0; i < n; i++) {
        pendingSeq[i] = batches.schedule(i, first[i]);
        expected.set(pendingSeq[i], first[i]);
      }
      while (s.popUntil(end)) {
        if (s.kind === CMD_SIGNAL) {
          runBatch(batches, s.id, s.now, (i) => {
            expect(s.seqNow).toBe(pendingSeq[i]); // its own point of the run
            ran.push([s.now, s.seqNow]);
            react(true);
            const t = s.now + steps[k % steps.length].next;
            pendingSeq[i] = batches.schedule(i, t);
            if (t <= end) expected.set(pendingSeq[i], t);
          });
        } else {
          ran.push([s.now, s.seqNow]);
          react(false);
        }
      }
      for (let j = 1; j < ran.length; j++) {
        const [t0, q0] = ran[j - 1];
        const [t1, q1] = ran[j];
        expect(t1 > t0 || (t1 === t0 && q1 > q0)).toBe(true);
      }
      expect(ran.length).toBe(expected.size);
      for (const [t, q] of ran) expect(expected.get(q)).toBe(t);
    }));
  });
});
