/**
 * laneCount: the number of lanes in a movement's lane mask (its population
 * count), and that it matches the lanes compile() gives movements.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import { laneCount } from '../../engine/network/lanes.js';

describe('laneCount', () => {
  it('counts the set bits of a 32-bit lane mask', () => {
    expect(laneCount(0)).toBe(0);
    expect(laneCount(0b1)).toBe(1);
    expect(laneCount(0b1011)).toBe(3);
    expect(laneCount(0x80000000)).toBe(1);
    expect(laneCount(0xffffffff)).toBe(32);
    expect(laneCount(-1)).toBe(32); // read as unsigned
  });

  it('gives the lanes a compiled movement uses', () => {
    const rn = new RoadNetwork();
    rn.addJunction({ id: 'a', x: 0, y: 0 });
    rn.addJunction({ id: 'b', x: 100, y: 0 });
    rn.addJunction({ id: 'c', x: 200, y: 0 });
    rn.addLink({ id: 'ab', from: 'a', to: 'b', speed: 10, lanes: 4 });
    rn.addLink({ id: 'bc', from: 'b', to: 'c', speed: 10 });
    rn.addMovement({ from: 'ab', to: 'bc', lanes: [1, 3] });
    const net = compile(rn);
    expect(laneCount(net.movementLaneMask[0])).toBe(2);
  });
});
