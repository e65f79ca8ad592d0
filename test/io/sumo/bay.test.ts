/**
 * A SUMO turn bay reaches greenwave as its own short link (needs `netconvert`;
 * skips with a message otherwise). In SUMO a bay is written as an edge whose lane
 * count grows before the junction (`<split>` in the plain edge file, or two
 * edges); netconvert splits the edge there, and the importer keeps both parts:
 * the bay link's turn lane is a lane group of its own whose storage is the bay's
 * length / jam spacing, so a full bay blocks the road behind it
 * (test/sim/lane-groups.test.ts shows that effect).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSumo } from '../../../engine/io/sumo/index.js';
import { bayGroups } from '../../fixtures/bay.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const HAS_NETCONVERT = spawnSync('netconvert', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!HAS_NETCONVERT)('a SUMO left-turn bay (edge split where a third lane starts; needs netconvert)', () => {
  if (!HAS_NETCONVERT) return; // vitest still runs a skipped suite's body to collect its tests
  it('imports as a short link after the 2-lane road, its left lane a group of bay length / jam spacing', async () => {
    const dir = tempDir('gw-sumo-bay-');
    const file = (name: string) => path.join(dir, name);
    writeFileSync(file('n.nod.xml'), `<nodes>
  <node id="a" x="-400" y="0" type="priority"/>
  <node id="J" x="0" y="0" type="traffic_light"/>
  <node id="e" x="300" y="0" type="priority"/>
  <node id="n" x="0" y="300" type="priority"/>
  <node id="s" x="0" y="-300" type="priority"/>
</nodes>
`);
    // 355 m into the 400 m edge a third lane starts: a 45 m left-turn bay (less the junction's inset).
    writeFileSync(file('n.edg.xml'), `<edges>
  <edge id="aJ" from="a" to="J" numLanes="3" speed="13.89">
    <split pos="355" lanes="0 1 2"/>
    <split pos="0" lanes="0 1"/>
  </edge>
  <edge id="Je" from="J" to="e" numLanes="2" speed="13.89"/>
  <edge id="Jn" from="J" to="n" numLanes="1" speed="13.89"/>
  <edge id="Js" from="J" to="s" numLanes="1" speed="13.89"/>
</edges>
`);
    writeFileSync(file('n.con.xml'), `<connections>
  <connection from="aJ.355" to="Jn" fromLane="2" toLane="0"/>
  <connection from="aJ.355" to="Je" fromLane="0" toLane="0"/>
  <connection from="aJ.355" to="Je" fromLane="1" toLane="1"/>
  <connection from="aJ.355" to="Js" fromLane="0" toLane="0"/>
</connections>
`);
    execFileSync('netconvert', ['-n', file('n.nod.xml'), '-e', file('n.edg.xml'), '-x', file('n.con.xml'), '-o', file('n.net.xml'), '--no-turnarounds', '--xml-validation', 'never'], { stdio: 'ignore' });
    const r = await importSumo({ net: file('n.net.xml') });
    expect(r.network.link('aJ').lanes).toBe(2);
    expect(r.network.link('aJ.355').lanes).toBe(3);
    expect(r.network.movementsFrom('aJ').map((m) => m.to)).toEqual(['aJ.355']);
    const g = bayGroups(r.network, 'aJ.355', 'Jn', 'Je');
    expect(g.separate).toBe(true);
    expect(g.length).toBeLessThan(60); // the bay's lanes plus the crossing of J
    expect(g.turn).toEqual({ lanes: 1, storage: Math.floor(g.length / g.jamSpacing) });
    expect(g.through.lanes).toBe(2);
  });
});
