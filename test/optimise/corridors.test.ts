/**
 * Cycle groups from demand (corridors.ts): on a 3-signal arterial, through
 * traffic both ways links every signal into one corridor (one shared cycle);
 * with only the side street's traffic nothing links them (each its own cycle);
 * a platoon that is a small share of what the next signal serves does not link
 * it (CORRIDOR_SHARE), and the groups decode to a search space with one cycle
 * gene per corridor.
 */
import { describe, expect, it } from 'vitest';
import { compile, corridor } from '../../engine/network/index.js';
import { createRandom, expandDemand } from '../../engine/demand/index.js';
import { movementFlows } from '../../engine/signals/flows.js';
import { completePrograms, createSearchSpace } from '../../engine/optimise/space.js';
import { CORRIDOR_SHARE, corridorGroups } from '../../engine/optimise/corridors.js';
import { CONTROL_CODE } from '../../engine/network/index.js';

const net = compile(corridor(3, [250, 300], { endLength: 300, sideLength: 150, lanes: 1 }));
const signals = Array.from({ length: net.junctionCount }, (_, j) => j).filter((j) => net.junctionControl[j] === CONTROL_CODE.signal);
const flowsOf = (flows: Array<{ id: string; from: string; to: string; rate: number }>) =>
  movementFlows(net, expandDemand(net, { flows: flows.map((f) => ({ ...f, begin: 0, end: 3600 })) }, createRandom(1)));

describe('corridorGroups', () => {
  it('links the signals of an arterial carrying through traffic into one group', () => {
    expect(signals).toHaveLength(3);
    const groups = corridorGroups(net, signals, flowsOf([
      { id: 'eb', from: 'west', to: 'east', rate: 500 / 3600 },
      { id: 'wb', from: 'east', to: 'west', rate: 400 / 3600 },
      { id: 'side', from: 'n1', to: 's1', rate: 150 / 3600 },
    ]));
    expect(groups).toEqual([signals.map((j) => net.junctionKey(j)).sort()]);
    const space = createSearchSpace(net, completePrograms(net, []), { cycles: groups });
    expect(space.groups).toHaveLength(1);
    expect(space.groups[0].junctions).toHaveLength(3);
  });

  it('leaves signals alone when no platoon runs between them', () => {
    expect(corridorGroups(net, signals, flowsOf([{ id: 'side', from: 'n1', to: 's1', rate: 600 / 3600 }]))).toEqual([]);
  });

  it('does not link a signal whose arrivals the platoon from the last one is a small share of', () => {
    // 300 veh/h along the arterial into signal 2, whose side street brings 1,200 veh/h: 300 / 1,500 < CORRIDOR_SHARE
    expect(300 / 1500).toBeLessThan(CORRIDOR_SHARE);
    const groups = corridorGroups(net, signals, flowsOf([
      { id: 'eb', from: 'west', to: 'east', rate: 300 / 3600 },
      { id: 'side', from: 'n2', to: 's2', rate: 1200 / 3600 },
    ]));
    const ids = signals.map((j) => net.junctionKey(j)).sort();
    expect(groups.length).toBeLessThanOrEqual(1);
    const linked = new Set(groups.flat());
    expect(linked.size).toBe(2); // the first two signals (eb is all their arrivals), not the third
    const busy = Array.from({ length: net.linkCount }, (_, l) => l).find((l) => net.junctionKey(net.linkFrom[l]) === 'n2')!;
    expect(ids.filter((id) => !linked.has(id))).toEqual([net.junctionKey(net.linkTo[busy])]); // the signal the side street enters
  });
});
