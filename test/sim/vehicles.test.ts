/**
 * Vehicles (the kernel's per-vehicle sub-state): routes copied into a growing
 * pool and positioned at their first link, earlier routes kept when the pool
 * grows, route copies, and the bytes of state per vehicle.
 */
import { describe, expect, it } from 'vitest';
import { VEHICLE_PENDING, Vehicles } from '../../engine/sim/vehicles.js';

describe('Vehicles', () => {
  it('starts every vehicle pending, on no link, outside every list', () => {
    const v = new Vehicles(3, 10, 42);
    expect(Array.from(v.state)).toEqual([VEHICLE_PENDING, VEHICLE_PENDING, VEHICLE_PENDING]);
    expect(Array.from(v.link)).toEqual([-1, -1, -1]);
    expect(Array.from(v.next)).toEqual([-1, -1, -1]);
    expect(v.lastMove).toBe(42);
    expect(v.routePool.length).toBe(1024);
  });

  it('setRoute copies the slice into the pool and positions the vehicle at its first link', () => {
    const v = new Vehicles(2, 0, 0);
    const links = Int32Array.of(9, 8, 7, 6, 5);
    v.setRoute(1, links, 1, 4);
    links[2] = 99; // the pool holds a copy
    expect(Array.from(v.route(1))).toEqual([8, 7, 6]);
    expect(v.routePos[1]).toBe(v.routeStart[1]);
    expect(v.routePool[v.routePos[1]]).toBe(8);
    expect(v.routeEnd[1] - v.routeStart[1]).toBe(3);
    expect(Array.from(v.route(0))).toEqual([]); // not departed
    const copy = v.route(1);
    copy[0] = -5;
    expect(v.route(1)[0]).toBe(8);
  });

  it('grows the pool by doubling and keeps earlier routes', () => {
    const v = new Vehicles(3, 0, 0);
    v.setRoute(0, Int32Array.from({ length: 1000 }, (_, i) => i), 0, 1000);
    v.setRoute(1, Int32Array.from({ length: 100 }, (_, i) => 5000 + i), 0, 100); // 1,100 > 1,024
    expect(v.routePool.length).toBe(2048);
    v.setRoute(2, Int32Array.from({ length: 5000 }, (_, i) => -i), 0, 5000); // more than doubling
    expect(v.routePool.length).toBe(6100);
    expect(v.route(0)[999]).toBe(999);
    expect(v.route(1)[0]).toBe(5000);
    expect(v.route(2)[4999]).toBe(-4999);
    expect(v.routePoolLength).toBe(6100);
  });

  it('counts 46 bytes per vehicle plus 4 per route link in use', () => {
    const v = new Vehicles(10, 0, 0);
    expect(v.byteLength).toBe(10 * (1 + 1 + 4 + 4 + 4 + 8 + 8 + 4 + 3 * 4)); // state and lane group: a byte each; speed factor and acceleration distance: Float32
    v.setRoute(0, Int32Array.of(1, 2, 3), 0, 3);
    expect(v.byteLength).toBe(460 + 12);
  });
});
