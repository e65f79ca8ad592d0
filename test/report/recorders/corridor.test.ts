/**
 * Corridors of the time-space diagram: the default choice, the plan of a path
 * (reverse direction, signalised movements) and a corridor named FROM:TO.
 */
import { describe, expect, it } from 'vitest';
import { compile, corridor, grid } from '../../../engine/network/index.js';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { corridorPlan, corridorRoute, defaultCorridor } from '../../../engine/report/index.js';

describe('defaultCorridor', () => {
  it('prefers a straight route through several signals over a busier pair with fewer', () => {
    const net = compile(grid(3, 4, { spacing: 200, attachLength: 100 }));
    const trips = expandDemand(net, {
      flows: [
        { id: 'across', from: 'w1', to: 'e1', rate: 0.05, begin: 0, end: 600, arrivals: 'uniform' },
        { id: 'corner', from: 'w0', to: 's0', rate: 0.08, begin: 0, end: 600, arrivals: 'uniform' },
      ],
    }, createRandom(1));
    const path = Array.from(defaultCorridor(net, trips), (l) => net.linkKey(l));
    expect(net.junctionKey(net.linkFrom[net.linkIndex(path[0])])).toBe('w1');
    expect(net.junctionKey(net.linkTo[net.linkIndex(path[path.length - 1])])).toBe('e1');
  });

  it('throws a UsageError naming the links when a path turns where no movement is permitted', () => {
    const net = compile(corridor(2, 200));
    expect(() => corridorPlan(net, [net.linkIndex(net.linkKey(0)), net.linkIndex(net.linkKey(0))])).toThrow(/corridor|turn/);
  });
});

describe('corridorRoute', () => {
  const net = compile(corridor(3, 250));

  it('is the free-flow shortest route from FROM to TO, in driving order', () => {
    expect(Array.from(corridorRoute(net, 'west:east'), (l) => net.linkKey(l))).toEqual(['west>j0', 'j0>j1', 'j1>j2', 'j2>east']);
  });

  it('refuses a malformed spec, an unknown junction and FROM = TO with a UsageError led by the option\'s name', () => {
    expect(() => corridorRoute(net, 'west', '--corridor')).toThrow(/^--corridor: expected FROM:TO \(two junction ids\), got "west"$/);
    expect(() => corridorRoute(net, 'west:nowhere')).toThrow(/^corridor: no junction "nowhere" in the network$/);
    expect(() => corridorRoute(net, 'west:west')).toThrow(/^corridor: "west" and "west" are the same junction$/);
    expect(() => corridorRoute(net, ':east')).toThrow(expect.objectContaining({ name: 'UsageError' }));
  });
});
