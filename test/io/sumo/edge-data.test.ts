/**
 * SUMO's edgeData as greenwave's links (engine/io/sumo/edge-data.ts): the edge's
 * own figures plus those of the internal edges its connections cross, following
 * an internal junction (one crossing in two internal lanes), and the file read
 * back as SUMO writes it (`entered + departed` vehicles, `timeLoss` summed over
 * intervals).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeDataAdditional, internalApproaches, linkTotals, readEdgeData } from '../../../engine/io/sumo/edge-data.js';
import { tempDir } from '../../fixtures/temp-dir.js';

describe('SUMO edgeData as links', () => {
  // Junction J: A->B straight through :J_0_0; A->C a left turn through :J_1_0 then, past the internal junction, :J_4_0;
  // D->B through :J_2_0. :J_c0 is a pedestrian crossing (no vehicle connection).
  const net = {
    connections: [
      { from: 'A', to: 'B', fromLane: 0, toLane: 0, via: ':J_0_0' },
      { from: 'A', to: 'C', fromLane: 1, toLane: 0, via: ':J_1_0' },
      { from: 'D', to: 'B', fromLane: 0, toLane: 0, via: ':J_2_0' },
    ],
    internalNext: new Map([[':J_1_0', ':J_4_0']]),
  };

  it('maps every internal edge to the edge its connection comes from, across an internal junction', () => {
    expect([...internalApproaches(net)].sort()).toEqual([[':J_0', 'A'], [':J_1', 'A'], [':J_2', 'D'], [':J_4', 'A']]);
  });

  it('adds the internal edges\' time lost to their approach, not their vehicles; crossings are left out', async () => {
    const dir = tempDir('gw-edgedata-');
    const file = path.join(dir, 'edgedata.xml');
    writeFileSync(file, `<meandata>
  <interval begin="0.00" end="900.00" id="greenwave-links">
    <edge id="A" sampledSeconds="900" entered="10" departed="5" timeLoss="100.5"/>
    <edge id=":J_0" entered="8" timeLoss="2"/>
    <edge id=":J_1" entered="7" timeLoss="30"/>
    <edge id=":J_4" entered="7" timeLoss="4"/>
    <edge id=":J_2" entered="3" timeLoss="1.5"/>
    <edge id=":J_c0" entered="9" timeLoss="50"/>
    <edge id="D" entered="3" timeLoss="20"/>
  </interval>
  <interval begin="900.00" end="1800.00" id="greenwave-links">
    <edge id="A" entered="2" timeLoss="10"/>
    <edge id="B" entered="11" timeLoss="6"/>
  </interval>
</meandata>
`);
    const edges = await readEdgeData(file);
    expect(edges.get('A')).toEqual({ vehicles: 17, timeLoss: 110.5 });
    const links = linkTotals(edges, internalApproaches(net));
    expect(links.get('A')).toEqual({ vehicles: 17, timeLoss: 110.5 + 2 + 30 + 4 });
    expect(links.get('D')).toEqual({ vehicles: 3, timeLoss: 21.5 });
    expect(links.get('B')).toEqual({ vehicles: 11, timeLoss: 6 });
    expect([...links.keys()].sort()).toEqual(['A', 'B', 'D']);
  });

  it('asks SUMO for every edge, internal ones included, into the file named (escaped)', () => {
    expect(edgeDataAdditional('/tmp/a&b/edges.xml')).toBe('<additional>\n    <edgeData id="greenwave-links" file="/tmp/a&amp;b/edges.xml" withInternal="true" excludeEmpty="true"/>\n</additional>\n');
  });
});
