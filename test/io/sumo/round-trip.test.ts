/**
 * The SUMO round trip a SUMO user follows: files read for what they are (root
 * element, not name or position), the period honoured, and plans written onto
 * the user's own network.
 *
 * Without SUMO: classification of the fixtures and of a file SUMO would not
 * read, importNetwork with the files in any order (the .add.xml's programs
 * used, not read as routes), --end counting what it leaves out, state-string
 * lengths taken from the network's connections (readTlLinkCounts) and padded
 * red, and SUMO ids for greenwave's `from>to` link ids in the plain XML.
 *
 * With SUMO on PATH (skipped otherwise): a network built by `netgenerate`,
 * imported, re-timed and written back with `tlLogicXml(..., signalIndex,
 * { linkCounts })` loads with its routes in `sumo` with no error and no warning,
 * and SUMO runs the written program (its tls-state dump names programID
 * `greenwave`); a greenwave grid written as plain XML builds with `netconvert`
 * (the command of `netconvertCommand`) and runs its plan in SUMO with no error,
 * no warning, no teleport and no collision.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/errors.js';
import { grid, compile } from '../../../engine/network/index.js';
import { defaultProgram, programToSpec, type SignalProgramSpec } from '../../../engine/signals/index.js';
import { importNetwork } from '../../../engine/io/import-network.js';
import { importSumo, netconvertCommand, plainSignalIndex, readTlLinkCounts, readTlLinks, sumoFileKind, sumoPlainXml, tlLogicXml } from '../../../engine/io/sumo/index.js';
import { runSumoTool, sumoOnPath } from '../../fixtures/sumo-on-path.js';
import { SHARED_DATA } from '../../fixtures/shared-data.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const GRID10 = path.join(SHARED_DATA, 'sumo-grid10');
const HAS_GRID10 = existsSync(path.join(GRID10, 'net.net.xml'));

const fixture = (name: string) => path.join(import.meta.dirname, '..', '..', 'fixtures', 'sumo', name);
const tmp = () => tempDir('gw-sumo-trip-');
const HAS_SUMO = sumoOnPath();

/** SUMO's error and warning lines, less the one about an unset SUMO_HOME (a property of the machine, not of the files). */
function problems(output: string): string[] {
  return output.split('\n').filter((l) => /^(Error|Warning):/.test(l) && !/SUMO_HOME/.test(l));
}

const run = runSumoTool;

describe('SUMO files are classified by their root element', () => {
  it('net, routes, additional and configuration, whatever their names', async () => {
    const dir = tmp();
    const renamed = path.join(dir, 'programs.xml');
    writeFileSync(renamed, readFileSync(fixture('cross.add.xml')));
    expect(await sumoFileKind(fixture('cross.net.xml'))).toBe('net');
    expect(await sumoFileKind(fixture('cross.rou.xml'))).toBe('routes');
    expect(await sumoFileKind(renamed)).toBe('additional');
    expect(await sumoFileKind(fixture('cross.sumocfg'))).toBe('config');
  });

  it('refuses a file SUMO would not read as input, at the root element\'s line', async () => {
    const file = path.join(tmp(), 'out.xml');
    writeFileSync(file, '<?xml version="1.0"?>\n<!-- tripinfo -->\n<tripinfos>\n</tripinfos>\n');
    const err = await sumoFileKind(file).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/out\.xml:3.*root element is <tripinfos>/);
  });

  it('importNetwork takes the files in any order: the additional file\'s programs run, not read as routes', async () => {
    const byRole = await importSumo({ net: fixture('cross.net.xml'), routes: [fixture('cross.rou.xml')], additional: [fixture('cross.add.xml')] });
    const shuffled = await importNetwork('sumo', [fixture('cross.add.xml'), fixture('cross.rou.xml'), fixture('cross.net.xml')]);
    expect(shuffled.programs).toEqual(byRole.programs);
    expect(shuffled.demand).toEqual(byRole.demand);
    const withoutAdd = await importNetwork('sumo', [fixture('cross.rou.xml'), fixture('cross.net.xml')]);
    expect(withoutAdd.programs).not.toEqual(byRole.programs); // the network's own program "0" differs from "b"
  });

  it('--end bounds the period and counts the vehicles it leaves out', async () => {
    const all = await importNetwork('sumo', [fixture('cross.net.xml'), fixture('cross.rou.xml')]);
    const departs = (all.demand.trips ?? []).map((t) => t.depart).sort((a, b) => a - b);
    const end = departs[Math.floor(departs.length / 2)]; // half the trips depart at or after it
    const cut = await importNetwork('sumo', [fixture('cross.net.xml'), fixture('cross.rou.xml')], { end });
    expect(cut.simulation?.end).toBe(end);
    const left = departs.filter((d) => d >= end).length;
    expect(left).toBeGreaterThan(0);
    expect(cut.demand.trips?.length).toBe(departs.length - left);
    expect(cut.counts).toContainEqual({ label: `skipped: vehicles departing at or after the simulation end (${end} s)`, count: left });
  });
});

describe('plans onto the original network', () => {
  it('state strings are as long as the network\'s link indices (crossings included), unknown links red', async () => {
    const r = await importSumo(fixture('cross.net.xml'));
    const counts = await readTlLinkCounts(fixture('cross.net.xml'));
    const longest = Math.max(...Object.values(r.signalIndex!.C.links).flat()) + 1;
    expect(counts.get('C')).toBeGreaterThanOrEqual(longest);
    const padded = new Map([['C', (counts.get('C') ?? 0) + 3]]);
    const xml = tlLogicXml(r.programs, r.network, r.signalIndex, { linkCounts: padded });
    const states = [...xml.matchAll(/state="([^"]+)"/g)].map((m) => m[1]);
    expect(states.length).toBeGreaterThan(0);
    for (const s of states) {
      expect(s).toHaveLength(padded.get('C')!);
      expect(s.slice(-3)).toBe('rrr');
    }
  });

  it('reads the links the network\'s programs show "s" (green after stopping) and never "g", per traffic light', async () => {
    const file = path.join(tmp(), 'stops.net.xml');
    writeFileSync(file, ['<net>',
      '  <tlLogic id="A" type="static" programID="0" offset="0"><phase duration="10" state="GsgrG"/><phase duration="10" state="sGsGr"/></tlLogic>',
      '  <tlLogic id="A" type="static" programID="1" offset="0"><phase duration="10" state="rrrrs"/></tlLogic>',
      '  <tlLogic id="B" type="static" programID="0" offset="0"><phase duration="10" state="GG"/></tlLogic>',
      '  <connection from="a" to="b" fromLane="0" toLane="0" tl="A" linkIndex="4"/>',
      '  <connection from="c" to="d" fromLane="0" toLane="0" tl="B" linkIndex="1"/>',
      '</net>', ''].join('\n'));
    const { counts, stopLinks } = await readTlLinks(file);
    expect(counts).toEqual(new Map([['A', 5], ['B', 2]]));
    // 0: s and G; 1: s and G; 2: g and s (a plain permissive green too: not a stop link); 4: s in another program of A.
    expect(stopLinks).toEqual(new Map([['A', new Set([0, 1, 4])]]));
  });

  it('plain XML names greenwave\'s from>to links with ids SUMO accepts, and the plan uses the same traffic-light ids', () => {
    const net = grid(2, 2, { attachLength: 100 });
    const plain = sumoPlainXml(net);
    expect(plain.edges).not.toMatch(/id="[^"]*>/);
    const compiled = compile(net, { shared: false });
    const programs: SignalProgramSpec[] = [];
    for (let j = 0; j < compiled.junctionCount; j++) if (compiled.control(j) === 'signal') programs.push(programToSpec(compiled, defaultProgram(compiled, j)));
    const tlIds = new Set([...plain.trafficLights.matchAll(/<tlLogic id="([^"]+)"/g)].map((m) => m[1]));
    const planIds = new Set([...tlLogicXml(programs, compiled, plainSignalIndex(compiled)).matchAll(/<tlLogic id="([^"]+)"/g)].map((m) => m[1]));
    expect(planIds).toEqual(tlIds);
  });
});

describe.skipIf(!HAS_SUMO)('in SUMO (skipped: sumo is not on PATH)', () => {
  it('a re-timed plan loads onto a netgenerate network with its routes: no error, no warning, and SUMO runs it', async () => {
    const dir = tmp();
    run('netgenerate', ['--grid', '--grid.number', '3', '--grid.length', '200', '--default.lanenumber', '2', '--tls.guess', 'true', '--no-turnarounds', '-o', 'net.net.xml'], dir);
    const routes = ['A1B1 B1C1', 'C1B1 B1A1', 'B0B1 B1B2', 'B2B1 B1B0', 'A1B1 B1B2', 'C1B1 B1B0'];
    const vehicles = Array.from({ length: 120 }, (_, i) => `  <vehicle id="v${i}" depart="${(i * 2.5).toFixed(1)}"><route edges="${routes[i % routes.length]}"/></vehicle>`);
    writeFileSync(path.join(dir, 'routes.rou.xml'), `<routes>\n${vehicles.join('\n')}\n</routes>\n`);
    const r = await importSumo({ net: path.join(dir, 'net.net.xml'), routes: [path.join(dir, 'routes.rou.xml')] });
    // Re-time every program (greens 7 s longer), so the written program differs from the network's.
    const programs = r.programs.map((p) => ({ ...p, phases: p.phases.map((ph) => ({ ...ph, duration: ph.duration + 7 })) }));
    const linkCounts = await readTlLinkCounts(path.join(dir, 'net.net.xml'));
    writeFileSync(path.join(dir, 'plan.add.xml'), tlLogicXml(programs, r.network, r.signalIndex, { programId: 'greenwave', linkCounts }));
    writeFileSync(path.join(dir, 'dump.add.xml'), '<additional>\n  <timedEvent type="SaveTLSStates" source="B1" dest="states.xml"/>\n</additional>\n');
    const out = run('sumo', ['-n', 'net.net.xml', '-r', 'routes.rou.xml', '-a', 'plan.add.xml,dump.add.xml', '--end', '600', '--no-step-log', 'true'], dir);
    expect(problems(out)).toEqual([]);
    const states = readFileSync(path.join(dir, 'states.xml'), 'utf8');
    expect(states).toContain('programID="greenwave"');
    expect(states).not.toContain('programID="0"');
  });

  it('a greenwave grid as plain XML builds with netconvert and runs its plan with no error, warning, teleport or collision', () => {
    const dir = tmp();
    const net = grid(2, 3, { attachLength: 150 });
    const compiled = compile(net, { shared: false });
    const plain = sumoPlainXml(net);
    for (const [ext, text] of [['nod', plain.nodes], ['edg', plain.edges], ['con', plain.connections], ['tll', plain.trafficLights]] as const) writeFileSync(path.join(dir, `network.${ext}.xml`), text);
    const [cmd, ...args] = netconvertCommand('network', net.drivingSide).split(' ');
    const built = run(cmd, args, dir);
    expect(built.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
    const programs: SignalProgramSpec[] = [];
    for (let j = 0; j < compiled.junctionCount; j++) if (compiled.control(j) === 'signal') programs.push(programToSpec(compiled, defaultProgram(compiled, j, { green: 20 + 3 * programs.length })));
    writeFileSync(path.join(dir, 'plan.add.xml'), tlLogicXml(programs, compiled, plainSignalIndex(compiled), { programId: 'greenwave' }));
    // Vehicles on every edge, on to the first exit the connections give (through a junction, signalised or not).
    const onward = new Map<string, string>();
    for (const m of plain.connections.matchAll(/<connection from="([^"]+)" to="([^"]+)"/g)) if (!onward.has(m[1])) onward.set(m[1], m[2]);
    const edges = [...plain.edges.matchAll(/<edge id="([^"]+)"/g)].map((m) => m[1]);
    const vehicles: string[] = [];
    edges.forEach((e, i) => {
      const route = onward.has(e) ? `${e} ${onward.get(e)}` : e;
      for (let k = 0; k < 5; k++) vehicles.push(`  <vehicle id="v${i}_${k}" depart="${i * 3 + k * 20}"><route edges="${route}"/></vehicle>`);
    });
    vehicles.sort((a, b) => Number(/depart="(\d+)"/.exec(a)![1]) - Number(/depart="(\d+)"/.exec(b)![1]));
    writeFileSync(path.join(dir, 'routes.rou.xml'), `<routes>\n${vehicles.join('\n')}\n</routes>\n`);
    const out = execFileSync('sumo', ['-n', 'network.net.xml', '-r', 'routes.rou.xml', '-a', 'plan.add.xml', '--end', '1200', '--no-step-log', 'true', '--duration-log.statistics', 'true'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(problems(out)).toEqual([]);
    // SUMO's statistics name teleports and collisions only when there were some; every vehicle was inserted and arrived.
    expect(out).not.toMatch(/Teleports: [1-9]|Collisions: [1-9]/);
    expect(out).toMatch(new RegExp(`Inserted: ${vehicles.length}\\b`));
    expect(out).toMatch(/Running: 0\b/);
  });
});

describe.skipIf(!HAS_SUMO || !HAS_GRID10)(`sumo-grid10 in SUMO (skipped without sumo on PATH or ${GRID10})`, () => {
  it('a re-timed plan written onto net.net.xml loads with routes.rou.xml: no error, no warning', async () => {
    if (!HAS_GRID10) return;
    const dir = tmp();
    const net = path.join(GRID10, 'net.net.xml');
    const r = await importSumo({ net });
    const programs = r.programs.map((p) => ({ ...p, offset: 13, phases: p.phases.map((ph) => ({ ...ph, duration: ph.duration - 10 })) }));
    writeFileSync(path.join(dir, 'plan.add.xml'), tlLogicXml(programs, r.network, r.signalIndex, { programId: 'greenwave', linkCounts: await readTlLinkCounts(net) }));
    const out = run('sumo', ['-n', net, '-r', path.join(GRID10, 'routes.rou.xml'), '-a', 'plan.add.xml', '--end', '60', '--no-step-log', 'true'], dir);
    expect(problems(out)).toEqual([]);
  });
});
