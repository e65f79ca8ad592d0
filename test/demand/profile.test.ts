/**
 * createProfile: piecewise-linear factor (d3-scale's clamped scaleLinear,
 * written out: held equal to d3's bit for bit), its exact
 * integral (trapezoids; checked against a fine midpoint sum and closed forms),
 * the inverse of the cumulative integral, and validation with InputError paths.
 */
import { scaleLinear } from 'd3-scale';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createProfile, type ProfilePoint } from '../../engine/demand/index.js';
import { InputError } from '../../engine/errors.js';

const triangle = createProfile([
  { time: 0, factor: 0 },
  { time: 1800, factor: 1 },
  { time: 3600, factor: 0 },
]);

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** Sorted, strictly increasing integer times with non-negative factors. */
const points = fc
  .uniqueArray(fc.integer({ min: -5000, max: 5000 }), { minLength: 1, maxLength: 8 })
  .chain((ts) =>
    fc.tuple(fc.constant([...ts].sort((a, b) => a - b)), fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: ts.length, maxLength: ts.length })),
  )
  .map(([ts, fs]): ProfilePoint[] => ts.map((time, i) => ({ time, factor: fs[i] })));

describe('createProfile: factor', () => {
  it('interpolates linearly between points and clamps outside them', () => {
    expect(triangle.factor(900)).toBeCloseTo(0.5, 12);
    expect(triangle.factor(1800)).toBe(1);
    expect(triangle.factor(2700)).toBeCloseTo(0.5, 12);
    expect(triangle.factor(-100)).toBe(0);
    expect(triangle.factor(99_999)).toBe(0);
    const ramp = createProfile([{ time: 10, factor: 2 }, { time: 20, factor: 4 }]);
    expect(ramp.factor(0)).toBe(2);
    expect(ramp.factor(15)).toBeCloseTo(3, 12);
    expect(ramp.factor(30)).toBe(4);
  });

  it("equals d3-scale's clamped scaleLinear over the same points, bit for bit", () => {
    fc.assert(
      fc.property(points, fc.double({ min: -6000, max: 6000, noNaN: true }), fc.nat(7), (pts, t, k) => {
        const profile = createProfile(pts);
        // d3 needs two domain points; a one-point profile is its factor everywhere (d3 over the range [f, f]
        // interpolates f (1 - t) + f t, which rounds away from f for tiny f: fast-check found 1.26e-269).
        const d3 =
          pts.length === 1
            ? () => pts[0].factor
            : scaleLinear().domain(pts.map((p) => p.time)).range(pts.map((p) => p.factor)).clamp(true);
        // Anywhere, and exactly on a point (where a segment search can be off by one).
        const onPoint = pts[k % pts.length].time;
        expect(Object.is(profile.factor(t), d3(t))).toBe(true);
        expect(Object.is(profile.factor(onPoint), d3(onPoint))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is constant for a single point', () => {
    const one = createProfile([{ time: 100, factor: 1.5 }]);
    for (const t of [-1e6, 0, 100, 1e6]) expect(one.factor(t)).toBe(1.5);
    expect(one.integral(0, 10)).toBeCloseTo(15, 12);
  });
});

describe('createProfile: integral', () => {
  it('halves the constant-1 integral for a triangular profile over its base', () => {
    expect(triangle.integral(0, 3600)).toBeCloseTo(1800, 9);
    expect(triangle.integral(0, 1800)).toBeCloseTo(900, 9);
    // Clamped at 0 outside, so nothing is added beyond the base.
    expect(triangle.integral(-1000, 5000)).toBeCloseTo(1800, 9);
    // Partial trapezoid: integral of t/1800 from 900 to 1800 = (1800^2 - 900^2) / 3600 = 675.
    expect(triangle.integral(900, 1800)).toBeCloseTo(675, 9);
  });

  it('counts the clamped ends as rectangles', () => {
    const p = createProfile([{ time: 0, factor: 2 }, { time: 10, factor: 4 }]);
    expect(p.integral(-5, 0)).toBeCloseTo(10, 12);
    expect(p.integral(10, 20)).toBeCloseTo(40, 12);
    expect(p.integral(-5, 20)).toBeCloseTo(10 + 30 + 40, 12);
    expect(p.integral(20, -5)).toBeCloseTo(-80, 12);
  });

  it('agrees with a 20,000-step midpoint sum (property; exact for linear pieces up to the steps across a kink)', () => {
    fc.assert(
      fc.property(points, fc.integer({ min: -7000, max: 7000 }), fc.integer({ min: 1, max: 8000 }), (pts, a, width) => {
        const p = createProfile(pts);
        const b = a + width;
        const steps = 20_000;
        const h = width / steps;
        let sum = 0;
        for (let i = 0; i < steps; i++) sum += p.factor(a + (i + 0.5) * h);
        sum *= h;
        // Each kink inside [a, b] costs at most (jump in slope) h^2 / 8; slopes are <= 5 per s here.
        expect(Math.abs(p.integral(a, b) - sum)).toBeLessThan(1e-6 * Math.max(1, Math.abs(sum)) + pts.length * 5 * h * h);
        expect(p.integral(a, b)).toBeCloseTo(p.cumulative(b) - p.cumulative(a), 9);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('createProfile: inverseCumulative', () => {
  it('inverts cumulative where the factor is positive (property)', () => {
    fc.assert(
      fc.property(points, fc.double({ min: 0, max: 1, noNaN: true }), (pts, u) => {
        const p = createProfile(pts.map((q) => ({ time: q.time, factor: q.factor + 0.01 })));
        const t0 = p.times[0] - 100;
        const t1 = p.times[p.times.length - 1] + 100;
        const y = p.cumulative(t0) + u * p.integral(t0, t1);
        const t = p.inverseCumulative(y);
        expect(p.cumulative(t)).toBeCloseTo(y, 6);
        expect(t).toBeGreaterThanOrEqual(t0 - 1e-6);
        expect(t).toBeLessThanOrEqual(t1 + 1e-6);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('returns the earliest time across a zero-factor gap and Infinity beyond a zero tail', () => {
    const p = createProfile([
      { time: 0, factor: 1 },
      { time: 10, factor: 0 },
      { time: 20, factor: 0 },
      { time: 30, factor: 1 },
      { time: 40, factor: 0 },
    ]);
    expect(p.inverseCumulative(5)).toBeCloseTo(10, 9);
    // On [20, 30] the factor is (t - 20) / 10, so 0.5 more takes d^2 / 20 = 0.5.
    expect(p.inverseCumulative(5.5)).toBeCloseTo(20 + Math.sqrt(10), 9);
    expect(p.inverseCumulative(10)).toBeCloseTo(30, 9);
    expect(p.inverseCumulative(15)).toBeCloseTo(40, 9);
    expect(p.inverseCumulative(15.001)).toBe(Infinity);
    // The triangle's median is its apex.
    expect(triangle.inverseCumulative(900)).toBeCloseTo(1800, 9);
  });
});

describe('createProfile: max', () => {
  it('is the largest factor over [a, b], interior points included', () => {
    expect(triangle.max(0, 3600)).toBe(1);
    expect(triangle.max(0, 900)).toBeCloseTo(0.5, 12);
    expect(triangle.max(4000, 5000)).toBe(0);
  });
});

describe('createProfile: validation', () => {
  it('refuses a missing or empty list at the profile path', () => {
    expect(inputError(() => createProfile([])).path).toBe('profile');
    expect(inputError(() => createProfile(undefined as unknown as ProfilePoint[])).path).toBe('profile');
    expect(inputError(() => createProfile([], 'od[1].profile')).path).toBe('od[1].profile');
  });

  it('refuses times that are not finite or not strictly increasing', () => {
    const e = inputError(() => createProfile([{ time: 0, factor: 1 }, { time: 10, factor: 1 }, { time: 10, factor: 1 }]));
    expect(e.path).toBe('profile[2].time');
    expect(e.message).toMatch(/strictly increasing.*10 after 10/);
    expect(inputError(() => createProfile([{ time: 5, factor: 1 }, { time: 1, factor: 1 }])).path).toBe('profile[1].time');
    expect(inputError(() => createProfile([{ time: NaN, factor: 1 }])).path).toBe('profile[0].time');
    expect(inputError(() => createProfile([{ time: 0, factor: 1 }, { time: Infinity, factor: 1 }])).path).toBe('profile[1].time');
  });

  it('refuses negative or non-finite factors', () => {
    const e = inputError(() => createProfile([{ time: 0, factor: -0.5 }]));
    expect(e.path).toBe('profile[0].factor');
    expect(e.message).toMatch(/-0\.5/);
    expect(inputError(() => createProfile([{ time: 0, factor: 1 }, { time: 1, factor: NaN }])).path).toBe('profile[1].factor');
    expect(inputError(() => createProfile([{ time: 0, factor: '1' as unknown as number }])).path).toBe('profile[0].factor');
  });

  it('refuses a point that is not an object', () => {
    expect(inputError(() => createProfile([null as unknown as ProfilePoint])).path).toBe('profile[0]');
  });
});
