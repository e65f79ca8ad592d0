/**
 * resolveCounts: records checked against a network — link ids, movements
 * "fromLink>toLink" (link ids that themselves contain ">" included), unknown
 * places with suggestions, overlapping intervals located at both records.
 */
import { describe, expect, it } from 'vitest';
import { grid } from '../../engine/network/generators/index.js';
import { compile } from '../../engine/network/index.js';
import { CountsError, resolveCounts, type CountPlace, type CountRecord } from '../../engine/demand/counts.js';

const net = compile(grid(2, 2, { attachLength: 100 }));
let line = 1;
const rec = (place: CountPlace, begin: number, end: number, vehicles: number, file = 'c.csv'): CountRecord => ({ place, begin, end, vehicles, file, line: ++line });
const text = (t: string): CountPlace => ({ kind: 'text', text: t });

function error(records: CountRecord[]): CountsError {
  try {
    resolveCounts(net, records);
  } catch (e) {
    expect(e).toBeInstanceOf(CountsError);
    return e as CountsError;
  }
  throw new Error('expected a CountsError');
}

describe('resolveCounts', () => {
  it('groups counts by location, sorted by time, and resolves movements between links named with ">"', () => {
    const set = resolveCounts(net, [
      rec(text('r0c0>r0c1'), 900, 1800, 5),
      rec(text('r0c0>r0c1>r0c1>r1c1'), 0, 900, 2),
      rec({ kind: 'link', id: 'r0c0>r0c1' }, 0, 900, 7),
      rec({ kind: 'movement', from: 'w0>r0c0', to: 'r0c0>r0c1' }, 0, 900, 3),
    ]);
    expect(set.locations.map((l) => [l.key, l.kind])).toEqual([['r0c0>r0c1', 'link'], ['r0c0>r0c1>r0c1>r1c1', 'movement'], ['w0>r0c0>r0c0>r0c1', 'movement']]);
    const m = set.locations[1];
    expect(net.movementFrom[m.movement]).toBe(net.linkIndex('r0c0>r0c1'));
    expect(net.movementTo[m.movement]).toBe(net.linkIndex('r0c1>r1c1'));
    expect(Array.from(set.rowOffsets)).toEqual([0, 2, 3, 4]);
    expect(set.rows.slice(0, 2).map((r) => [r.begin, r.observed])).toEqual([[0, 7], [900, 5]]);
    expect([set.begin, set.end]).toEqual([0, 1800]);
  });

  it('reports unknown links with a suggestion, and turns the network does not permit', () => {
    const e = error([
      rec(text('r0c0>r0c9'), 0, 900, 1),
      rec(text('northbound>southbound'), 0, 900, 1),
      rec({ kind: 'link', id: 'r0c1>r0c0 ' }, 0, 900, 1),
      rec({ kind: 'movement', from: 'w0>r0c0', to: 'r0c0>w0' }, 0, 900, 1),
      rec({ kind: 'movement', from: 'w0>r0c0', to: 'r1c1>r0c1' }, 0, 900, 1),
    ]);
    expect(e.problems.map((p) => p.path)).toEqual(['location', 'location', 'location', 'location', 'location']);
    expect(e.problems[0].message).toBe('expected a link id or a movement "fromLink>toLink", found "r0c0>r0c9" (no such link; did you mean "r0c0>r0c1"?)');
    expect(e.problems[1].message).toContain('expected a movement "fromLink>toLink" of two links: expected a link id of the network, found "northbound" (no such link');
    expect(e.problems[2].message).toContain('did you mean "r0c1>r0c0"?');
    expect(e.problems[3].message).toContain('expected a permitted turn from link "w0>r0c0" to link "r0c0>w0", found none (turns from "w0>r0c0" go to');
    expect(e.problems[4].message).toContain('the links do not meet');
  });

  it('refuses overlapping intervals of one location, naming the other record', () => {
    const e = error([
      rec(text('r0c0>r0c1'), 0, 900, 1, 'a.csv'),
      rec(text('r0c0>r0c1'), 600, 1500, 1, 'b.xml'),
      rec(text('r0c1>r0c0'), 0, 900, 1, 'a.csv'),
      rec(text('r0c1>r0c0'), 0, 900, 1, 'b.xml'),
    ]);
    expect(e.problems).toHaveLength(2);
    expect(e.problems[0]).toMatchObject({ file: 'b.xml', path: 'begin' });
    expect(e.problems[0].message).toMatch(/00:10:00-00:25:00: an interval overlapping 00:00:00-00:15:00 counted at a\.csv:\d+/);
    expect(e.problems[1].message).toContain('the same interval counted at a.csv');
  });
});
