/**
 * morningPeakDemand (engine/io/osm/demand.ts): zones are the fringe
 * junctions, spread by bearing when there are more than maxZones; every pair far
 * enough apart with a route gets an equal share; the morning profile has mean 1
 * over the period, so the expected number of vehicles is vehPerHour x hours
 * (checked against expandDemand's Poisson draw within 4 standard deviations).
 */
import { describe, expect, it } from 'vitest';
import { createProfile } from '../../../engine/demand/profile.js';
import { expandDemand } from '../../../engine/demand/expand.js';
import { createRandom } from '../../../engine/demand/random.js';
import { compile } from '../../../engine/network/compile.js';
import { grid } from '../../../engine/network/generators/grid.js';
import { morningPeakDemand } from '../../../engine/io/osm/index.js';

describe('morningPeakDemand', () => {
  const network = grid(3, 3, { attachLength: 200, spacing: 200 });

  it('uses the fringe junctions as zones, with equal shares between distant pairs', () => {
    const spec = morningPeakDemand(network);
    const od = spec.od?.[0];
    expect(od).toBeDefined();
    if (!od) return;
    // The 12 stub ends of a 3x3 grid with stubs.
    expect(od.zones).toHaveLength(12);
    for (const z of od.zones) expect(z).toMatch(/^[wens]\d$/);
    expect(od.begin).toBe(7 * 3600);
    expect(od.end).toBe(9 * 3600);
    const cells = od.trips.flat().filter((v) => v > 0);
    expect(new Set(cells).size).toBe(1);
    expect(cells.reduce((s, v) => s + v, 0)).toBeCloseTo(30 * 12, 9);
    od.trips.forEach((row, i) => expect(row[i]).toBe(0));
    // Neighbouring stubs on one side (200 m apart) are closer than minTripDistance (300 m).
    const net = compile(network);
    od.zones.forEach((a, i) => od.zones.forEach((b, k) => {
      const d = Math.hypot(net.junctionX[net.junctionIndex(a)] - net.junctionX[net.junctionIndex(b)], net.junctionY[net.junctionIndex(a)] - net.junctionY[net.junctionIndex(b)]);
      if (i !== k) expect(od.trips[i][k] > 0, `${a} -> ${b} (${d} m)`).toBe(d >= 300);
    }));
  });

  it('has a morning profile of mean 1, so vehPerHour x hours vehicles are expected', () => {
    const spec = morningPeakDemand(network, { vehPerHour: 1200, begin: 6 * 3600, end: 9 * 3600 });
    const od = spec.od?.[0];
    if (!od?.profile) throw new Error('no profile');
    const profile = createProfile(od.profile);
    expect(profile.integral(od.begin, od.end) / (od.end - od.begin)).toBeCloseTo(1, 12);
    expect(profile.factor(7.5 * 3600)).toBeGreaterThan(profile.factor(6 * 3600) * 2.9); // peak 1.5 vs 0.5
    const trips = expandDemand(compile(network), spec, createRandom(3));
    const expected = 1200 * 3;
    expect(Math.abs(trips.count - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it('picks at most maxZones, spread around the network', () => {
    const od = morningPeakDemand(network, { maxZones: 4 }).od?.[0];
    expect(od?.zones).toHaveLength(4);
    // One zone on each side of the grid.
    expect(new Set(od?.zones.map((z) => z[0]))).toEqual(new Set(['w', 'e', 'n', 's']));
  });

  it('rejects bad options', () => {
    expect(() => morningPeakDemand(network, { begin: 100, end: 50 })).toThrow(/options.end/);
    expect(() => morningPeakDemand(network, { vehPerHour: -1 })).toThrow(/options.vehPerHour/);
    expect(() => morningPeakDemand(network, { minTripDistance: 1e6 })).toThrow(/no two of the 12 zones/);
  });
});
