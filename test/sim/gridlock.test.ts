/**
 * GridlockWatch: declared only when vehicles remain and none has moved for the
 * timeout; otherwise the next check is a quarter timeout later; the report
 * names the junctions where a movement with a queue waits for a full exit link.
 */
import { describe, expect, it } from 'vitest';
import { CMD_CHECK } from '../../engine/sim/commands.js';
import { GridlockWatch } from '../../engine/sim/gridlock.js';
import { drain, merge, mergeIds, run, subStates } from '../fixtures/kernel.js';

describe('GridlockWatch', () => {
  const net = merge('uncontrolled');
  const { A, S, B } = mergeIds(net);

  it('checks every quarter timeout and declares only after the timeout without movement while vehicles remain', () => {
    const k = subStates(net, 0);
    const watch = new GridlockWatch(net, k.movements, k.vehicles, k.scheduler, 100);
    watch.start(0);
    expect(drain(k.scheduler)).toEqual([[25, CMD_CHECK, 0]]);
    expect(watch.check(500)).toBe(false); // nobody in the network
    expect(drain(k.scheduler)).toEqual([[525, CMD_CHECK, 0]]);
    k.vehicles.inNetwork = 3;
    k.vehicles.lastMove = 450;
    expect(watch.check(549.9)).toBe(false);
    expect(watch.check(550)).toBe(true);
  });

  it('reports the junctions of blocked movements that have a queue, and the vehicles in the network', () => {
    const k = subStates(net, 4);
    const watch = new GridlockWatch(net, k.movements, k.vehicles, k.scheduler, 100);
    for (const [v, from] of [[0, A], [1, S], [2, A], [3, S]] as const) {
      k.vehicles.setRoute(v, Int32Array.of(from, B), 0, 2);
      k.links.enter(v, from, 0, 0);
    }
    run(k, 14); // nothing reaches a stop line: stop-line commands are not acted on
    expect(watch.report(14)).toEqual({ time: 14, junctions: [], vehicles: 0 });
    for (const v of [0, 1, 2, 3]) {
      k.links.reachStopLine(v);
      k.movements.join(v, k.vehicles.link[v], 20);
    }
    k.vehicles.inNetwork = 4;
    run(k, 21); // B (storage 2) took two; the other two wait a headway (2 s): queued, not yet blocked
    expect(watch.report(21).junctions).toEqual([]);
    run(k, 30); // now they wait for space on B
    expect(watch.report(30)).toEqual({ time: 30, junctions: ['J'], vehicles: 4 });
  });
});
