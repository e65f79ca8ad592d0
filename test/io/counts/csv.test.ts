/**
 * parseCountsCsv / readCountsCsv / readCounts: the CSV counts format and its
 * located errors (file, line, column name, what was expected and found).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CountsError } from '../../../engine/demand/counts.js';
import { parseCountsCsv, readCounts, readCountsCsv } from '../../../engine/io/counts/index.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const dir = tempDir('greenwave-counts-csv-');

function problems(text: string): CountsError {
  try {
    parseCountsCsv(text, 'counts.csv');
  } catch (error) {
    expect(error).toBeInstanceOf(CountsError);
    return error as CountsError;
  }
  throw new Error('expected a CountsError');
}

describe('parseCountsCsv', () => {
  it('reads clock times, seconds and both column namings, skipping comments and blank lines', () => {
    const records = parseCountsCsv([
      '# greenwave 0.1.0; scenario x; seed 1',
      'Location,Begin,End,Vehicles,notes',
      'A>B,07:00,07:15,112,morning',
      '',
      '"r0c0>r0c1",25200,26100,12.5,',
      'X,7:15:30,07:30,0,',
    ].join('\n'), 'counts.csv');
    expect(records).toEqual([
      { place: { kind: 'text', text: 'A>B' }, begin: 25200, end: 26100, vehicles: 112, file: 'counts.csv', line: 3 },
      { place: { kind: 'text', text: 'r0c0>r0c1' }, begin: 25200, end: 26100, vehicles: 12.5, file: 'counts.csv', line: 5 },
      { place: { kind: 'text', text: 'X' }, begin: 26130, end: 27000, vehicles: 0, file: 'counts.csv', line: 6 },
    ]);
    const seconds = parseCountsCsv('location,begin_s,end_s,count\nL1,0,900,4\n', 'c.csv');
    expect(seconds[0]).toMatchObject({ begin: 0, end: 900, vehicles: 4, line: 2 });
  });

  it('refuses a clock time in a seconds column, naming the column', () => {
    const e = problems('location,begin_s,end_s,vehicles\nL1,07:00,900,4\n');
    expect(e.problems).toEqual([expect.objectContaining({ file: 'counts.csv', line: 2, path: 'begin_s', message: expect.stringContaining('seconds since midnight') })]);
  });

  it('reports every bad value at once, each with its line and column', () => {
    const e = problems([
      'location,begin,end,vehicles',
      'L1,07:00,07:15,-3',
      'L2,07:00,07:15,lots',
      'L3,7h,07:15,4',
      'L4,07:15,07:00,4',
      ',07:00,07:15,4',
      'L6,07:00,07:15',
    ].join('\n'));
    const at = e.problems.map((p) => [p.line, p.path]);
    expect(at).toEqual([[2, 'vehicles'], [3, 'vehicles'], [4, 'begin'], [5, 'end'], [6, 'location'], [7, 'vehicles']]);
    expect(e.problems[0].message).toBe('expected a number of vehicles >= 0, found "-3"');
    expect(e.problems[1].message).toBe('expected a number of vehicles >= 0, found "lots"');
    expect(e.problems[2].message).toContain('expected a clock time such as "07:15" or seconds since midnight, found "7h"');
    expect(e.problems[3].message).toContain('expected an end after begin 07:15');
    expect(e.problems[5].message).toContain('found an empty field');
    expect(e.message).toMatch(/^6 problems in counts counts\.csv:\n {2}counts\.csv:2 {2}vehicles {2}expected/);
  });

  it('names a missing column and suggests the close one', () => {
    const e = problems('location,begin,end,vehicels\nL1,07:00,07:15,3\n');
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ line: 1, path: 'vehicles' });
    expect(e.problems[0].message).toContain('did you mean "vehicles" for "vehicels"?');
    const both = problems('location,begin,begin_s,end,vehicles\nL1,07:00,0,07:15,3\n');
    expect(both.problems[0].message).toBe('expected either "begin" or "begin_s", found both');
  });

  it('locates a CSV syntax error and an empty file', () => {
    const e = problems('location,begin,end,vehicles\n"L1,07:00,07:15,3\n');
    expect(e.problems[0].message).toMatch(/^CSV syntax error: Quote Not Closed/);
    expect(problems('').problems[0].message).toContain('found an empty file');
  });
});

describe('readCounts', () => {
  it('reads CSV and SUMO XML files together and reports a missing file and an unknown extension', async () => {
    const csv = path.join(dir, 'a.csv');
    writeFileSync(csv, 'location,begin,end,vehicles\nL1,0,900,4\n');
    const xml = path.join(dir, 'b.xml');
    writeFileSync(xml, '<data><interval begin="0" end="900"><edge id="L2" count="7"/></interval></data>');
    const records = await readCounts([csv, xml]);
    expect(records.map((r) => [r.place, r.vehicles])).toEqual([[{ kind: 'text', text: 'L1' }, 4], [{ kind: 'link', id: 'L2' }, 7]]);
    const err = await readCounts([path.join(dir, 'missing.csv'), path.join(dir, 'counts.txt')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CountsError);
    expect((err as CountsError).problems.map((p) => [path.basename(p.file), p.message])).toEqual([
      ['counts.txt', expect.stringContaining('expected a counts file ending in .csv')],
      ['missing.csv', 'file not found'],
    ]);
    await expect(readCountsCsv(dir)).rejects.toThrow('is a directory');
  });
});
