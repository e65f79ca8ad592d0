/**
 * Where `greenwave run` and `greenwave report` write, and what they refuse
 * (issue 24, "Outputs"): files are replaced atomically and symbolic links in the
 * output directory are replaced, never followed; a scenario's outputs.dir stays
 * inside the scenario's directory; another scenario's directory is refused
 * unless --force, which removes only that run's files; report checks that a
 * directory holds one finished run; `report -o` never overwrites without
 * --force; a directory in the way, a full disk or /proc give exit 2 with no
 * half-written file; a SIGKILL while writing never leaves a broken summary.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ARGS, greenwave as run } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const greenwave = (...args: string[]) => run(args);

const SCENARIO = (name: string, outputs = '') => `name: ${name}
network: { generator: grid, rows: 2, cols: 2, spacingM: 200, attachLengthM: 100 }
demand:
  flows:
    - { id: f, from: w0, to: e1, vehPerHour: 300, beginS: 0, endS: 900 }
simulation: { endS: 1800, seed: 5 }
${outputs}`;

function scenario(file: string, text: string): string {
  const path = join(dir, file);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('greenwave run: the output directory', () => {
  it('replaces a symbolic link planted in the output directory instead of writing through it', () => {
    const out = join(dir, 'links');
    mkdirSync(out);
    const outside = join(dir, 'precious.txt');
    writeFileSync(outside, 'keep me\n');
    symlinkSync(outside, join(out, 'trips.csv'));
    const r = greenwave('run', scenario('a/tiny.yaml', SCENARIO('tiny')), '--out', out, '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n'); // before: overwritten through the link
    expect(statSync(join(out, 'trips.csv')).isFile()).toBe(true);
    expect(readFileSync(join(out, 'trips.csv'), 'utf8')).toMatch(/^id,depart_s,/);
    expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')).provenance).toMatch(/^greenwave .*; scenario tiny; seed 5$/);
  }, 180_000);

  it('resolves outputs.dir inside the scenario\'s directory and refuses one leading out of it, unless --out names the directory', () => {
    const escape = scenario('b/escape.yaml', SCENARIO('escape', 'outputs: { dir: ../../escaped }\n'));
    const r = greenwave('run', escape);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/escape\.yaml: outputs\.dir "\.\.\/\.\.\/escaped" leads out of the scenario's directory/);
    expect(existsSync(join(dir, '..', 'escaped'))).toBe(false);
    const absolute = scenario('b/absolute.yaml', SCENARIO('absolute', `outputs: { dir: ${join(dir, 'abs-out')} }\n`));
    expect(greenwave('run', absolute).stderr).toMatch(/outputs\.dir ".*abs-out" is an absolute path/);
    symlinkSync(tmpdir(), join(dir, 'b', 'linked'));
    const linked = scenario('b/linked.yaml', SCENARIO('linked', 'outputs: { dir: linked/x }\n'));
    expect(greenwave('run', linked).stderr).toMatch(/outputs\.dir "linked\/x" leads out of the scenario's directory through a symbolic link/);
    const named = greenwave('run', escape, '--out', join(dir, 'named'));
    expect(named.code, named.stderr).toBe(0);
    const inside = scenario('b/inside.yaml', SCENARIO('inside', 'outputs: { dir: results/am }\n'));
    expect(greenwave('run', inside).code).toBe(0);
    expect(existsSync(join(dir, 'b', 'results', 'am', 'summary.json'))).toBe(true);
  }, 180_000);

  it('refuses another scenario\'s directory; --force removes only the files that run recorded', () => {
    const out = join(dir, 'shared');
    expect(greenwave('run', scenario('c/one.yaml', SCENARIO('one')), '--out', out, '--report').code).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'my notes\n');
    const other = scenario('c/two.yaml', SCENARIO('two'));
    const refused = greenwave('run', other, '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/holds the outputs of scenario "one" .* add --force to replace them \(only the 12 file\(s\) that run recorded are removed\)/);
    const forced = greenwave('run', other, '--out', out, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['greenwave-manifest.json', 'junctions.csv', 'links.csv', 'metadata.json', 'network.geojson', 'notes.txt', 'summary.json', 'timeseries.csv', 'timing.csv', 'trips.csv']);
    // the run of "one" wrote corridor.json, report.html ...: all gone, so report shows "two" alone
    expect(greenwave('report', out).code).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/scenario two/);
  }, 180_000);

  it('refuses a directory where trips.csv belongs before simulating, and writes nothing', () => {
    const out = join(dir, 'blocked');
    mkdirSync(join(out, 'trips.csv'), { recursive: true });
    const r = greenwave('run', scenario('d/tiny.yaml', SCENARIO('tiny')), '--out', out);
    expect(r.code).toBe(2); // before: "internal error: EISDIR" after 5 of 6 files were written
    expect(r.stderr).toMatch(/trips\.csv: is a directory where greenwave writes a file/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(readdirSync(out)).toEqual(['trips.csv']);
  }, 180_000);

  it('--out /proc/x is a clean exit 2, not an endless loop', () => {
    const r = greenwave('run', scenario('e/tiny.yaml', SCENARIO('tiny')), '--out', '/proc/x/y');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/proc\/x\/y: cannot create the directory/);
  }, 180_000);

  it('a full disk: exit 2 and no half-written file (needs root to mount a small tmpfs)', (context) => {
    const mount = join(dir, 'full');
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48k', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      context.skip('not root, or no permission to mount a tmpfs here: a full disk cannot be made, so this case is not checked on this machine');
      return;
    }
    try {
      const r = greenwave('run', scenario('f/tiny.yaml', SCENARIO('tiny').replace('vehPerHour: 300', 'vehPerHour: 1200')), '--out', join(mount, 'out'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no space left on the device \(the disk is full\)/);
      expect(r.stderr).not.toMatch(/internal error/);
      // no temporary, partial file or manifest is left: the run's files are removed together
      expect(readdirSync(join(mount, 'out'))).toEqual([]);
    } finally {
      execFileSync('umount', [mount]);
    }
  }, 180_000);

  it('a run stopped after removing the earlier files but before writing its own: report says it did not finish writing (not "holds no outputs")', () => {
    const out = join(dir, 'stopped-early');
    expect(greenwave('run', scenario('s/early.yaml', SCENARIO('early')), '--out', out).code).toBe(0);
    // the state a SIGKILL leaves in that window: the manifest says writing, the earlier run's files are gone
    const manifestPath = join(out, 'greenwave-manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { state: string };
    for (const name of readdirSync(out)) if (name !== 'greenwave-manifest.json') rmSync(join(out, name), { recursive: true });
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, state: 'writing' }));
    const report = greenwave('report', out, '-o', join(dir, 'stopped-early.html'));
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/did not finish writing/); // before: "holds no greenwave outputs ... run greenwave run first"
  }, 120_000);

  it('SIGKILL while writing never leaves a 0-byte or mixed summary.json; report refuses the half-written directory', async () => {
    const file = scenario('g/busy.yaml', SCENARIO('busy').replace('rows: 2, cols: 2', 'rows: 8, cols: 8').replace('vehPerHour: 300', 'vehPerHour: 1800').replace('endS: 900', 'endS: 3600').replace('endS: 1800', 'endS: 5400'));
    const out = join(dir, 'killed');
    expect(greenwave('run', file, '--out', out).code).toBe(0);
    const complete = readFileSync(join(out, 'summary.json'), 'utf8');
    const started: number[] = [5]; // seeds of the runs so far: a run killed late may have finished writing before the next one starts
    for (const delay of [200, 600, 1200, 2000, 3000]) {
      started.push(delay);
      const child = spawn(process.execPath, [...CLI_ARGS, 'run', file, '--out', out, '--seed', String(delay)], { stdio: 'ignore' });
      await new Promise((resolve) => setTimeout(resolve, delay));
      // A run that finished before the delay has already exited: its 'exit' event will not come again.
      const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const names = readdirSync(out);
      if (names.includes('summary.json')) {
        const text = readFileSync(join(out, 'summary.json'), 'utf8');
        expect(text.length).toBeGreaterThan(0);
        const summary = JSON.parse(text) as { seed: number };
        expect(started).toContain(summary.seed); // an earlier run's or the new one's, whole (a fast machine finishes some)
        if (summary.seed === 5) expect(text).toBe(complete);
      }
      const manifest = JSON.parse(readFileSync(join(out, 'greenwave-manifest.json'), 'utf8')) as { state: string };
      const report = greenwave('report', out, '-o', join(dir, `killed-${delay}.html`));
      if (manifest.state === 'writing') {
        expect(report.code).toBe(2);
        expect(report.stderr).toMatch(/did not finish writing/);
      } else {
        expect(report.code, report.stderr).toBe(0);
      }
    }
  }, 240_000);
});

describe('greenwave report: one run, and no silent overwrite', () => {
  it('refuses files of two runs, -o onto an existing file without --force, and an unknown --junction', () => {
    const out = join(dir, 'rep');
    expect(greenwave('run', scenario('h/one.yaml', SCENARIO('one')), '--out', out, '--report').code).toBe(0);
    const page = join(dir, 'page.html');
    writeFileSync(page, 'mine\n');
    const over = greenwave('report', out, '-o', page);
    expect(over.code).toBe(2); // before: overwritten without a word
    expect(over.stderr).toMatch(/page\.html: already exists; add --force/);
    expect(readFileSync(page, 'utf8')).toBe('mine\n');
    expect(greenwave('report', out, '-o', page, '--force').code).toBe(0);
    expect(readFileSync(page, 'utf8')).toMatch(/^<!doctype html>/i);
    const junction = greenwave('report', out, '--junction', 'nope');
    expect(junction.code).toBe(2); // before: ignored
    expect(junction.stderr).toMatch(/--junction: no junction "nope" in .* \(its junctions include /);
    // a file of another run copied in
    const other = join(dir, 'rep-other');
    expect(greenwave('run', scenario('h/two.yaml', SCENARIO('two')), '--out', other, '--report').code).toBe(0);
    writeFileSync(join(out, 'corridor.json'), readFileSync(join(other, 'corridor.json')));
    const mixed = greenwave('report', out);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/corridor\.json changed after the run wrote it/);
    // without manifests (outputs of older versions, whose CSVs began with a `#` provenance line), the scenarios the files record are compared
    rmSync(join(out, 'greenwave-manifest.json'));
    writeFileSync(join(out, 'timeseries.csv'), `# greenwave 0.1.0; scenario two; seed 5\n${readFileSync(join(other, 'timeseries.csv'), 'utf8')}`);
    const legacy = greenwave('report', out, '--force');
    expect(legacy.code).toBe(2);
    expect(legacy.stderr).toMatch(/the files belong to different scenarios: .*timeseries\.csv: two/);
  }, 180_000);
});

describe('option bounds: a usage error with the allowed range', () => {
  const file = () => scenario('i/tiny.yaml', SCENARIO('tiny'));
  it.each([
    [['run', '--replications', '1e9'], /--replications must be an integer in \[1, 1,000\], got "1e9"/],
    [['run', '--seed', ''], /--seed must be an integer in \[0, 4,294,967,295\], got ""/],
    [['run', '--workers', '100000'], /--workers must be an integer in \[1, 256\]/],
    [['optimise', '--demand-scales', '1e308'], /--demand-scales must be factors in \(0, 10\]/],
    [['optimise', '--budget', '1e9'], /--budget must be an integer in \[2, 100,000\]/],
    [['optimise', '--time', '-1'], /--time must be a number of minutes in \[0, 10,080\]/],
    [['optimise', '--min-cycle', '1'], /--min-cycle must be a number of seconds in \[10, 600\]/],
  ])('%j', { timeout: 60_000 }, (args, message) => {
    const [command, ...rest] = args as string[];
    const r = greenwave(command, file(), ...rest);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

describe('Ctrl-C during a single-replication run', () => {
  it('stops the simulation, writes nothing and exits 130 (it used to be ignored until the run ended)', async () => {
    const zones = ['w0', 'w12', 'w23', 'e0', 'e12', 'e23', 'n0', 'n12', 'n23', 's0', 's12', 's23'];
    const matrix = zones.map((_, i) => zones.map((__, j) => (i === j ? 0 : 40)));
    const file = scenario('j/long.yaml', `name: long
network: { generator: grid, rows: 24, cols: 24, spacingM: 200, attachLengthM: 100 }
demand:
  od:
    - { zones: ${JSON.stringify(zones)}, vehPerHour: ${JSON.stringify(matrix)}, beginS: 0, endS: 57600 }
simulation: { endS: 61200, seed: 5 }
`);
    const out = join(dir, 'interrupted');
    const child = spawn(process.execPath, [...CLI_ARGS, 'run', file, '--out', out, '-q']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The output directory is checked (and created) just before the simulation starts.
    while (!existsSync(out)) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted — stopping/);
    expect(stderr).toMatch(/no replication finished, so nothing is reported and no files are written/);
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);
});
