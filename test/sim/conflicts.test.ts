/**
 * buildConflicts (engine/sim/conflicts.ts): who yields to whom at a priority
 * junction — the major road by link priority first, lanes x speed second, and a
 * movement's stated right of way above both.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork, type CompiledNetwork, type RightOfWay } from '../../engine/network/index.js';
import { buildConflicts } from '../../engine/sim/conflicts.js';

/**
 * A cross C: W-E with 2 lanes (the higher lanes x speed), N-S with 1 lane;
 * `priority` ranks per arm, `stated` right of way per movement "from>to".
 */
function cross(priority: { we?: number; ns?: number } = {}, stated: Record<string, RightOfWay> = {}): CompiledNetwork {
  const network = new RoadNetwork();
  for (const [id, x, y] of [['W', -300, 0], ['E', 300, 0], ['N', 0, 300], ['S', 0, -300]] as const) network.addJunction({ id, x, y });
  network.addJunction({ id: 'C', x: 0, y: 0, control: 'priority' });
  for (const [a, b] of [['W', 'C'], ['C', 'E'], ['E', 'C'], ['C', 'W'], ['N', 'C'], ['C', 'N'], ['S', 'C'], ['C', 'S']] as const) {
    const we = a === 'W' || a === 'E' || b === 'W' || b === 'E';
    const rank = we ? priority.we : priority.ns;
    network.addLink({ id: `${a}${b}`, from: a, to: b, lanes: we ? 2 : 1, speed: 13.9, ...(rank === undefined ? {} : { priority: rank }) });
  }
  for (const a of ['WC', 'EC', 'NC', 'SC']) {
    for (const b of ['CE', 'CW', 'CN', 'CS']) {
      if (a[0] === b[1]) continue; // no U-turns
      const rightOfWay = stated[`${a}>${b}`];
      network.addMovement({ from: a, to: b, ...(rightOfWay ? { rightOfWay } : {}) });
    }
  }
  return compile(network);
}

function yieldsTo(net: CompiledNetwork, from: string, to: string): string[] {
  const t = buildConflicts(net);
  const e = net.movementBetween(net.linkIndex(from), net.linkIndex(to));
  const out: string[] = [];
  for (let i = t.conflictOffsets[e]; i < t.conflictOffsets[e + 1]; i++) out.push(`${net.linkKey(net.movementFrom[t.conflicts[i]])}>${net.linkKey(net.movementTo[t.conflicts[i]])}`);
  return out.sort();
}

describe('buildConflicts at a priority junction', () => {
  it('makes the road with more lanes x speed major when no priority is given (HCM gaps: minor through 6.5 s / 4.0 s)', () => {
    const net = cross();
    expect(yieldsTo(net, 'WC', 'CE')).toEqual([]);
    expect(yieldsTo(net, 'SC', 'CN')).toEqual(['EC>CN', 'EC>CS', 'EC>CW', 'WC>CE', 'WC>CN', 'WC>CS']);
    const t = buildConflicts(net);
    const e = net.movementBetween(net.linkIndex('SC'), net.linkIndex('CN'));
    expect([t.criticalGap[e], t.followUp[e], t.alwaysYields[e]]).toEqual([6.5, 4.0, 1]);
  });

  it('makes the road of higher link priority major even against lanes x speed', () => {
    const net = cross({ we: 1, ns: 3 });
    expect(yieldsTo(net, 'SC', 'CN')).toEqual([]);
    expect(yieldsTo(net, 'WC', 'CE')).toEqual(['NC>CE', 'NC>CS', 'NC>CW', 'SC>CE', 'SC>CN', 'SC>CW']);
    // A left turn off the (now major) N-S road yields to the opposing major movements only.
    expect(yieldsTo(net, 'SC', 'CW')).toEqual(['NC>CS', 'NC>CW']);
  });

  it('follows stated right of way above priorities and lanes x speed', () => {
    const stated: Record<string, RightOfWay> = {};
    for (const m of ['NC>CS', 'NC>CW', 'SC>CN', 'SC>CE']) stated[m] = 'major';
    for (const m of ['NC>CE', 'SC>CW', 'WC>CE', 'WC>CN', 'WC>CS', 'EC>CW', 'EC>CS', 'EC>CN']) stated[m] = 'minor';
    const net = cross({ we: 5, ns: 1 }, stated);
    expect(yieldsTo(net, 'SC', 'CN')).toEqual([]);
    expect(yieldsTo(net, 'SC', 'CW')).toEqual(['NC>CS', 'NC>CW']);
    expect(yieldsTo(net, 'WC', 'CE')).toEqual(['NC>CE', 'NC>CS', 'NC>CW', 'SC>CE', 'SC>CN', 'SC>CW']);
  });
});
