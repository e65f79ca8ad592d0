/**
 * readSumoCounts: SUMO edgeData output (entered + departed, as sumo writes it),
 * routeSampler-style `count` attributes, edgeRelation turn counts, and located
 * errors for bad XML and bad values.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CountsError } from '../../../engine/demand/counts.js';
import { readSumoCounts } from '../../../engine/io/counts/index.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const dir = tempDir('greenwave-counts-xml-');
function file(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, name.endsWith('.gz') ? gzipSync(text) : text);
  return f;
}

async function problemsOf(f: string): Promise<CountsError> {
  const e = await readSumoCounts(f).then(() => undefined, (error: unknown) => error);
  expect(e).toBeInstanceOf(CountsError);
  return e as CountsError;
}

// The shape of sumo's edgeData output (attributes as SUMO 1.15 writes them).
const EDGE_DATA = `<?xml version="1.0" encoding="UTF-8"?>
<meandata xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://sumo.dlr.de/xsd/meandata_file.xsd">
    <interval begin="0.00" end="900.00" id="counts">
        <edge id="A0A1" sampledSeconds="992.22" traveltime="35.07" departed="9" arrived="1" entered="19" left="22"/>
        <edge id="A0B0" sampledSeconds="0.00" departed="0" arrived="0" entered="0" left="0"/>
    </interval>
    <interval begin="900.00" end="1800.00" id="counts">
        <edge id="A0A1" entered="12" left="10"/>
    </interval>
</meandata>
`;

describe('readSumoCounts', () => {
  it('counts a link as entered + departed in each interval', async () => {
    const f = file('edgedata.xml', EDGE_DATA);
    expect(await readSumoCounts(f)).toEqual([
      { place: { kind: 'link', id: 'A0A1' }, begin: 0, end: 900, vehicles: 28, file: f, line: 4 },
      { place: { kind: 'link', id: 'A0B0' }, begin: 0, end: 900, vehicles: 0, file: f, line: 5 },
      { place: { kind: 'link', id: 'A0A1' }, begin: 900, end: 1800, vehicles: 12, file: f, line: 8 },
    ]);
  });

  it('reads count attributes, edgeRelation turn counts, clock times and gzip', async () => {
    const f = file('turns.xml.gz', `<data>
  <interval id="x" begin="07:00:00" end="25300">
    <edgeRelation from="a" to="b" count="7"/>
    <edgeRelation from="a" to="c" entered="3"/>
    <edge id="a" count="10" entered="99"/>
    <tazRelation from="z1" to="z2" count="5"/>
  </interval>
</data>`);
    const records = await readSumoCounts(f);
    expect(records.map((r) => [r.place, r.begin, r.end, r.vehicles])).toEqual([
      [{ kind: 'movement', from: 'a', to: 'b' }, 25200, 25300, 7],
      [{ kind: 'movement', from: 'a', to: 'c' }, 25200, 25300, 3],
      [{ kind: 'link', id: 'a' }, 25200, 25300, 10],
    ]);
  });

  it('reports bad values with their line and attribute, all at once', async () => {
    const f = file('bad-values.xml', `<meandata>
  <interval begin="0" end="900">
    <edge id="a" entered="-2"/>
    <edge id="b" entered="many" departed="1"/>
    <edge id="c" left="3"/>
    <edgeRelation from="a" count="1"/>
  </interval>
  <interval begin="900" end="900">
    <edge id="a" entered="1"/>
  </interval>
</meandata>`);
    const e = await problemsOf(f);
    expect(e.problems.map((p) => [p.line, p.path])).toEqual([[3, 'entered'], [4, 'entered'], [5, 'count'], [6, 'to'], [8, 'end']]);
    expect(e.problems[0].message).toBe('expected a number of vehicles >= 0, found "-2"');
    expect(e.problems[2].message).toContain('expected a "count" attribute or SUMO\'s "entered" (+ "departed"), found neither');
    expect(e.problems[4].message).toContain('expected an end after begin 900');
  });

  it('locates malformed XML, a wrong root, lane-level data and counts outside an interval', async () => {
    const malformed = await problemsOf(file('malformed.xml', '<meandata>\n  <interval begin="0" end="900">\n    <edge id="a" entered="1">\n</meandata>\n'));
    expect(malformed.problems[0]).toMatchObject({ line: 4 });
    expect(malformed.problems[0].message).toMatch(/^malformed XML/);
    const root = await problemsOf(file('net.xml', '<net version="1.9"/>'));
    expect(root.problems[0].message).toContain('found <net>');
    const lanes = await problemsOf(file('lanes.xml', '<meandata>\n<interval begin="0" end="9">\n<edge id="a">\n<lane id="a_0" entered="1"/>\n</edge></interval></meandata>'));
    expect(lanes.problems[0]).toMatchObject({ line: 4 });
    expect(lanes.problems[0].message).toContain('lane-level counts');
    const entity = await problemsOf(file('entity.xml', '<!DOCTYPE d [<!ENTITY x "y">]>\n<data/>'));
    expect(entity.problems[0].message).toContain('DOCTYPE');
    const missing = await problemsOf(path.join(dir, 'none.xml'));
    expect(missing.problems[0].message).toBe('file not found');
  });
});
