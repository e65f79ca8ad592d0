/**
 * `tableSpecs` (engine/optimise/calibrate/prior.ts): the trip specs calibration
 * rebuilds from an expanded prior keep what the simulation reads from each trip,
 * so the prior simulated inside calibration is the prior the scenario states.
 */
import { describe, expect, it } from 'vitest';
import { grid } from '../../../engine/network/generators/index.js';
import { compile } from '../../../engine/network/index.js';
import { createRandom, expandDemand } from '../../../engine/demand/index.js';
import { tableSpecs } from '../../../engine/optimise/calibrate/prior.js';

describe('tableSpecs', () => {
  const net = compile(grid(3, 3, { spacing: 200 }));
  const junction = (i: number) => net.junctionKey(i);

  it('keeps ids, departures, endpoints and departure speeds ("max" as written; standstill stays absent)', () => {
    const spec = {
      trips: [
        { id: 'a', depart: 5, from: junction(0), to: junction(8), departSpeed: 'max' as const },
        { id: 'b', depart: 0, from: junction(2), to: junction(6), departSpeed: 7.5 },
        { id: 'c', depart: 9, from: junction(6), to: junction(2) },
      ],
    };
    const table = expandDemand(net, spec, createRandom(1));
    const specs = tableSpecs(net, table);
    expect(specs.map((s) => [s.id, s.depart, s.from, s.to, s.departSpeed])).toEqual([
      ['b', 0, junction(2), junction(6), 7.5],
      ['a', 5, junction(0), junction(8), 'max'],
      ['c', 9, junction(6), junction(2), undefined],
    ]);
    // Expanding the rebuilt specs gives the same departure speeds.
    expect(Array.from(expandDemand(net, { trips: specs }, createRandom(1)).departSpeed!)).toEqual(Array.from(table.departSpeed!));
  });
});
