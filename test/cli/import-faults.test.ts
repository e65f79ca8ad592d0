/**
 * `greenwave import` on the inputs of issue 24 that an importer used to blame on
 * itself (exit 1, "an importer bug") or that exhausted memory: each now either
 * writes a scenario that loads (normalised, with a warning or a count) or exits 2
 * with a located message that quotes nothing of the input's content.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwave as run } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-import-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const greenwave = (...args: string[]) => run(args);

const SUMO = resolve('test/fixtures/sumo');
const CITYFLOW = 'test/fixtures/cityflow';

/** A scenario written by an import loads: `validate` accepts it. */
function expectLoads(file: string): void {
  const v = greenwave('validate', file);
  expect(v.stderr).toBe('');
  expect(v.code).toBe(0);
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('greenwave import sumo normalises what the loader would reject', () => {
  it('the project\'s own cross.sumocfg: flows from 0 s (before the 60 s begin) are cut to the period, no negative begin', () => {
    const out = join(dir, 'cross.json');
    const r = greenwave('import', 'sumo', join(SUMO, 'cross.sumocfg'), '-o', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/skipped: vehicles departing before the simulation begin \(60 s; SUMO does not load them\)\s+6/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { demand: { flows: Array<{ beginS: number }> } };
    for (const f of doc.demand.flows) expect(f.beginS).toBeGreaterThanOrEqual(60);
    expectLoads(out);
  });

  it('a vehicle departing before the .sumocfg begin is not loaded (as in SUMO), and duplicate vehicle ids are renamed', () => {
    write('dup.rou.xml', `<routes>
  <vehicle id="early" depart="10"><route edges="NC CS"/></vehicle>
  <vehicle id="a" depart="100"><route edges="NC CS"/></vehicle>
  <vehicle id="a" depart="200"><route edges="WC CE"/></vehicle>
  <vehicle id="f.1" depart="300"><route edges="WC CE"/></vehicle>
  <flow id="f" begin="60" end="400" period="20" route="r"/>
  <route id="r" edges="NC CS"/>
</routes>
`);
    const cfg = write('dup.sumocfg', `<configuration><input><net-file value="${join(SUMO, 'cross.net.xml')}"/><route-files value="dup.rou.xml"/></input><time><begin value="60"/><end value="900"/></time></configuration>\n`);
    const out = join(dir, 'dup.json');
    const r = greenwave('import', 'sumo', cfg, '-o', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/skipped: vehicles departing before the simulation begin \(60 s; SUMO does not load them\)\s+1/);
    expect(r.stdout).toMatch(/2 vehicle or flow id\(s\) used twice .* renamed: "a" -> "a~2", "f\.1" -> "f\.1~2"/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { demand: { trips: Array<{ id: string; departS: number }> } };
    expect(doc.demand.trips.map((t) => t.id)).toEqual(['a', 'a~2', 'f.1~2', 'f.first']);
    expectLoads(out);
  });

  it('a network with no edges is refused at the file, not called an importer bug', () => {
    const net = write('empty.net.xml', '<net version="1.9"><location netOffset="0,0" convBoundary="0,0,1,1" origBoundary="0,0,1,1" projParameter="!"/></net>\n');
    const r = greenwave('import', 'sumo', net, '-o', join(dir, 'empty.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/empty\.net\.xml: the network has no edges/);
    expect(r.stderr).not.toMatch(/internal error|importer bug|\n\s+at /);
  });

  it('a directory, a FIFO or a 100,000-character file name as input: exit 2 with a short message', () => {
    const folder = join(dir, 'folder.net.xml');
    mkdirSync(folder);
    const d = greenwave('import', 'sumo', folder, '-o', join(dir, 'd.json'));
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/folder\.net\.xml: is a directory, not a file/);
    const fifo = join(dir, 'pipe.net.xml');
    execFileSync('mkfifo', [fifo]);
    const f = greenwave('import', 'sumo', fifo, '-o', join(dir, 'f.json'));
    expect(f.code).toBe(2); // before: blocked for ever waiting for a writer
    expect(f.stderr).toMatch(/pipe\.net\.xml: is not a regular file \(a FIFO\)/);
    for (const format of ['sumo', 'cityflow']) {
      const long = greenwave('import', format, 'x'.repeat(100_000), '-o', join(dir, 'l.json'));
      expect(long.code).toBe(2); // before: "internal error: ENAMETOOLONG" (sumo) with the whole name echoed
      expect(long.stderr).toMatch(/a name of 100,000 characters/);
      expect(long.stderr.length).toBeLessThan(1000);
    }
  });
});

describe('greenwave import cityflow bounds', () => {
  it('--end 1e12 is a usage error with the range (it used to end in a V8 fatal out-of-memory error)', () => {
    const r = greenwave('import', 'cityflow', `${CITYFLOW}/corridor/config.json`, '-o', join(dir, 'big.json'), '--end', '1e12');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--end must be a number of seconds in \(0, 604,800\], got "1e12"/);
  });

  it('a file that is not JSON is located at the offending character and its text is not echoed', () => {
    const secret = write('passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n');
    const r = greenwave('import', 'cityflow', secret, '-o', join(dir, 'p.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/passwd:1:1: the CityFlow file is not valid JSON: expected a value .*, found "r"/); // one character quoted, never a line
    expect(r.stderr).not.toMatch(/root|daemon|bash/);
    const late = write('late.json', '{\n  "intersections": [],\n  "roads": [1, 2,, 3]\n}\n');
    const l = greenwave('import', 'cityflow', late, '-o', join(dir, 'q.json'));
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/late\.json:3:18: /); // not the end of the file (5:1)
  });
});
