/**
 * countConsistency and tripEnds: contradictions in the counts themselves are
 * found before any calibration —
 *  - an inner junction with every link counted whose in and out differ by GEH > 5
 *    is a contradiction when trips may start and end only at the boundary, and a
 *    note (trips start or end there) when they may start anywhere;
 *  - turning counts out of a link that exceed its link count;
 *  - counts above the saturation flow of the location;
 *  - locations no trip can reach from a trip start, or from which no trip end can
 *    be reached (a network whose movements leave links stranded).
 */
import { describe, expect, it } from 'vitest';
import { grid } from '../../../engine/network/generators/index.js';
import { compile, RoadNetwork } from '../../../engine/network/index.js';
import { resolveCounts, type CountPlace, type CountRecord } from '../../../engine/demand/counts.js';
import { countConsistency } from '../../../engine/optimise/calibrate/consistency.js';
import { isBoundary, tripEnds } from '../../../engine/optimise/calibrate/trip-ends.js';

const net = compile(grid(2, 2, { attachLength: 100 }));
let line = 0;
const at = (text: string, vehicles: number, begin = 0, end = 3600): CountRecord => ({ place: { kind: 'text', text } as CountPlace, begin, end, vehicles, file: 'c.csv', line: ++line });

/** Every link in and out of junction r0c0 counted: in totals 300, out `out`. */
function r0c0(out: number): CountRecord[] {
  const ins = ['w0>r0c0', 's0>r0c0', 'r0c1>r0c0', 'r1c0>r0c0'];
  const outs = ['r0c0>w0', 'r0c0>s0', 'r0c0>r0c1', 'r0c0>r1c0'];
  return [...ins.map((id) => at(id, 75)), ...outs.map((id, i) => at(id, i === 0 ? out - 3 * Math.floor(out / 4) : Math.floor(out / 4)))];
}

describe('tripEnds', () => {
  it('puts trip ends at dead ends when the network has them, anywhere otherwise', () => {
    const boundary = tripEnds(net, 'auto');
    expect(boundary.policy).toBe('boundary');
    expect(Array.from(boundary.origins, (l) => net.linkKey(l)).sort()).toEqual(['e0>r0c1', 'e1>r1c1', 'n0>r1c0', 'n1>r1c1', 'r0c0>r0c1', 's0>r0c0', 's1>r0c1', 'w0>r0c0', 'w1>r1c0'].filter((id) => !id.startsWith('r')).sort());
    expect(boundary.destination[net.linkIndex('r0c0>w0')]).toBe(1);
    expect(boundary.destination[net.linkIndex('r0c0>r0c1')]).toBe(0);
    const plain = compile(grid(2, 3));
    expect(tripEnds(plain, 'auto').policy).toBe('any');
    expect(() => tripEnds(plain, 'boundary')).toThrow('no boundary junction');
    expect(isBoundary(net, net.junctionIndex('w0'))).toBe(true);
    expect(isBoundary(net, net.junctionIndex('r0c0'))).toBe(false);
  });
});

describe('countConsistency', () => {
  it('flags an inner junction whose counted in and out disagree, as a contradiction only where trips cannot start', () => {
    const counts = resolveCounts(net, r0c0(400));
    const boundary = countConsistency(net, counts, tripEnds(net, 'boundary'));
    expect(boundary.junctions).toEqual([expect.objectContaining({ junction: 'r0c0', in: 300, out: 400, contradiction: true })]);
    expect(boundary.junctions[0].geh).toBeCloseTo(Math.sqrt((2 * 100 * 100) / 700), 10);
    expect(boundary.problems).toEqual([expect.stringContaining('junction "r0c0", 00:00:00-01:00:00: 300 vehicles counted in, 400 out (GEH 5.3); trips cannot start here')]);
    const any = countConsistency(net, counts, tripEnds(net, 'any'));
    expect(any.problems).toEqual([]);
    expect(any.notes).toEqual([expect.stringContaining('about 100 trips start here')]);
  });

  it('accepts a balanced junction', () => {
    const c = countConsistency(net, resolveCounts(net, r0c0(310)), tripEnds(net, 'boundary'));
    expect(c.junctions[0].contradiction).toBe(false);
    expect(c.problems).toEqual([]);
  });

  it('flags turning counts above the link count they leave (GEH > 5 of the totals)', () => {
    const counts = resolveCounts(net, [at('w0>r0c0', 100), at('w0>r0c0>r0c0>r0c1', 90), at('w0>r0c0>r0c0>r1c0', 80)]);
    const c = countConsistency(net, counts, tripEnds(net, 'boundary'));
    expect(c.turns).toEqual([expect.objectContaining({ link: 'w0>r0c0', side: 'out', linkCount: 100, turns: 170, complete: false, contradiction: true })]);
    expect(c.turns[0].geh).toBeCloseTo(Math.sqrt((2 * 70 * 70) / 270), 10);
    expect(c.problems[0]).toContain('100 vehicles counted entering it, 170 counted turning out of it');
    // within GEH 5 the calibration can meet both, so it is not a contradiction
    const close = resolveCounts(net, [at('w0>r0c0', 100), at('w0>r0c0>r0c0>r0c1', 60), at('w0>r0c0>r0c0>r1c0', 60)]);
    expect(countConsistency(net, close, tripEnds(net, 'boundary')).problems).toEqual([]);
  });

  it('flags counts above saturation flow x lanes x duration', () => {
    // 2 lanes x 1,800 veh/h x 0.25 h = 900 vehicles
    const counts = resolveCounts(net, [at('w0>r0c0', 901, 0, 900), at('w0>r0c0', 899, 900, 1800)]);
    const c = countConsistency(net, counts, tripEnds(net, 'boundary'));
    expect(c.unservable).toEqual([expect.objectContaining({ location: 'w0>r0c0', begin: 0, end: 900, observed: 901, capacity: 900 })]);
    expect(c.problems[0]).toMatch(/^c\.csv:\d+ {2}"w0>r0c0", 00:00:00-00:15:00: 901 vehicles counted, more than its saturation flow allows \(2 lanes x 1800 veh\/h = 900 vehicles\)/);
  });

  it('flags counts no route from a trip start, or to a trip end, can serve', () => {
    const road = new RoadNetwork();
    for (const [id, x] of [['A', 0], ['B', 100], ['C', 200], ['D', 100], ['E', 100]] as const) road.addJunction({ id, x, y: id === 'D' ? 100 : id === 'E' ? 200 : 0 });
    for (const [a, b] of [['A', 'B'], ['B', 'C'], ['B', 'D'], ['D', 'E'], ['E', 'D'], ['D', 'B']]) road.addLink({ id: `${a}${b}`, from: a, to: b, speed: 10 });
    road.addMovement({ from: 'AB', to: 'BC' });
    road.addMovement({ from: 'ED', to: 'DB' }); // DB leads nowhere; BD is reached by no movement
    const stranded = compile(road);
    const counts = resolveCounts(stranded, [at('BD', 10), at('DB', 5), at('AB', 10), at('BC', 0)]);
    const c = countConsistency(stranded, counts, tripEnds(stranded, 'boundary'));
    expect(c.unservable.map((u) => [u.location, u.reason])).toEqual([
      ['BD', 'no trip start (--trip-ends boundary) reaches it'],
      ['DB', 'no trip end (--trip-ends boundary) can be reached from it'],
    ]);
    expect(countConsistency(stranded, counts, tripEnds(stranded, 'any')).unservable).toEqual([]);
  });
});
