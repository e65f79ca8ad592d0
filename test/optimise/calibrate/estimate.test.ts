/**
 * The route-flow estimator (estimate.ts) and the time-shifted assignment
 * (assignment.ts) on cases small enough to solve by hand:
 *  - three counted links in a row, 100 vehicles each, a long route over all three
 *    and a short route per link: the fleet penalty picks ONE vehicle per
 *    crossing of all three counts (100 vehicles, not 300: the fleet inflation of
 *    SUMO's routeSampler is avoided), and the counts are met within lambda's bias;
 *  - the minimiser of F along the flat direction is exact: with lambda, x =
 *    c (1 - lambda / (2 w c)) for one count on one route;
 *  - the prior term: a column no count sees keeps its prior minus lambda / (2 mu);
 *  - integerise: whole vehicles, F no worse than rounding down;
 *  - assignment: a link entered 120 s after departure on a 900 s slot splits its
 *    crossings 780 / 120 between two 15-minute counts.
 */
import { describe, expect, it } from 'vitest';
import { corridor } from '../../../engine/network/generators/index.js';
import { compile } from '../../../engine/network/index.js';
import type { CountSet } from '../../../engine/demand/counts.js';
import { Assignment } from '../../../engine/optimise/calibrate/assignment.js';
import { RouteFlowProblem } from '../../../engine/optimise/calibrate/estimate.js';
import { TravelTimes } from '../../../engine/optimise/calibrate/travel-times.js';

const col = (rows: number[], values = rows.map(() => 1)) => ({ rows: Int32Array.from(rows), values: Float64Array.from(values) });

describe('RouteFlowProblem', () => {
  it('serves three counts on one route with one vehicle each, not one per detector', () => {
    const p = new RouteFlowProblem(Float64Array.of(100, 100, 100), Float64Array.of(900, 900, 900), 0.05, 0);
    p.add(0, 0, col([0]));
    p.add(1, 0, col([1]));
    p.add(2, 0, col([2]));
    p.add(3, 0, col([0, 1, 2]));
    p.solve(500, 1e-12);
    const fleet = Array.from(p.x.subarray(0, 4)).reduce((a, b) => a + b, 0);
    expect(fleet).toBeGreaterThan(99);
    expect(fleet).toBeLessThan(100.5); // 300 if each detector had its own vehicles
    expect(p.x[3]).toBeGreaterThan(99);
    for (let i = 0; i < 3; i++) expect(Math.abs(p.predicted[i] - 100)).toBeLessThan(1);
  });

  it('finds the exact minimiser: x = c - lambda / (2 w) for one count', () => {
    // w = (3600 / 900) / 50 = 0.08; F = w (x - 50)^2 + 0.2 x  ->  x = 50 - 0.2 / (2 w) = 48.75
    const p = new RouteFlowProblem(Float64Array.of(50), Float64Array.of(900), 0.2, 0);
    p.add(0, 0, col([0]));
    p.solve(50, 1e-15);
    expect(p.x[0]).toBeCloseTo(48.75, 9);
    expect(p.objective()).toBeCloseTo(0.08 * 1.25 ** 2 + 0.2 * 48.75, 9);
  });

  it('keeps a prior no count can see, less lambda / (2 mu); never goes negative', () => {
    const p = new RouteFlowProblem(Float64Array.of(10), Float64Array.of(3600), 0.05, 1);
    p.add(0, 0, col([]), 8, true); // mu = 1 / 8: x = 8 - 0.05 / (2 / 8) = 7.8
    p.add(1, 0, col([0]), 30, true); // over the count: pulled down
    p.add(2, 0, col([0]));
    p.solve(200, 1e-15);
    expect(p.x[0]).toBeCloseTo(7.8, 9);
    expect(p.x[1]).toBeGreaterThan(10);
    expect(p.x[1]).toBeLessThan(30);
    expect(p.x[2]).toBe(0);
  });

  it('integerises to whole vehicles without raising F above rounding down', () => {
    const p = new RouteFlowProblem(Float64Array.of(7, 7, 3), Float64Array.of(900, 900, 900), 0.05, 0);
    p.add(0, 0, col([0, 1], [0.5, 0.5]));
    p.add(1, 0, col([0, 1, 2], [0.5, 0.5, 0.25]));
    p.add(2, 0, col([2]));
    p.solve(500, 1e-12);
    const { vehicles, predicted } = p.integerise();
    expect(Array.from(vehicles).every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
    const f = (x: number[]): number => {
      const pred = [0.5 * x[0] + 0.5 * x[1], 0.5 * x[0] + 0.5 * x[1], 0.25 * x[1] + x[2]];
      return pred.reduce((s, v, i) => s + p.weight[i] * (v - p.target[i]) ** 2, 0) + 0.05 * (x[0] + x[1] + x[2]);
    };
    expect(f(Array.from(vehicles))).toBeLessThanOrEqual(f(Array.from(p.x.subarray(0, 3), Math.floor)) + 1e-12);
    expect(Array.from(predicted)).toEqual([0.5 * vehicles[0] + 0.5 * vehicles[1], 0.5 * vehicles[0] + 0.5 * vehicles[1], 0.25 * vehicles[1] + vehicles[2]]);
  });
});

describe('Assignment.column', () => {
  it('shifts a slot\'s departures by the travel time to each counted link', () => {
    const net = compile(corridor(3, 600, { speed: 10 })); // 600 m at 10 m/s: 60 s per arterial link
    const route = ['west>j0', 'j0>j1', 'j1>j2'].map((id) => net.linkIndex(id));
    expect(route.every((l) => l >= 0)).toBe(true);
    const first = net.linkFreeFlowTime[route[0]];
    const second = net.linkFreeFlowTime[route[1]];
    const third = route[2];
    const rows = [
      { location: 0, begin: 0, end: 900, observed: 0, file: 'x', line: 1 },
      { location: 0, begin: 900, end: 1800, observed: 0, file: 'x', line: 2 },
    ];
    const counts: CountSet = { locations: [{ key: 'j1>j2', kind: 'link', link: third, movement: -1 }], rows, rowOffsets: Int32Array.of(0, 2), begin: 0, end: 1800 };
    const travel = new TravelTimes(net, { start: 0, width: 300, count: 6 });
    const a = new Assignment(net, counts, [{ begin: 0, end: 900 }], travel);
    const c = a.column(Int32Array.from(route), 0, net);
    const shift = first + second; // entering the third link
    expect(Array.from(c.rows)).toEqual([0, 1]);
    expect(c.values[0]).toBeCloseTo((900 - shift) / 900, 12);
    expect(c.values[1]).toBeCloseTo(shift / 900, 12);
  });
});
