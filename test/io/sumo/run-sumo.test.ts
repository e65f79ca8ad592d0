/**
 * How greenwave starts SUMO: `sumoEnvironment()` finds the XML schemas of the
 * installation a binary belongs to (SUMO validates files that name a schema against
 * `$SUMO_HOME/data/xsd` and, with SUMO_HOME unset, fetches them from the web, which
 * fails on a machine without network: https://sumo.dlr.de/docs/XMLValidation.html).
 * `readTripinfo()` reads SUMO's tripinfo with the unfinished and undeparted
 * vehicles written (`--tripinfo-output.write-unfinished`, `.write-undeparted`:
 * https://sumo.dlr.de/docs/Simulation/Output/TripInfo.html), attributes as SUMO
 * 1.15 writes them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTripinfo, sumoArguments, sumoEnvironment } from '../../../engine/io/sumo/run-sumo.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const installation = (layout: 'debian' | 'source' | 'none'): string => {
  const prefix = tempDir('gw-sumo-home-');
  if (layout === 'debian') mkdirSync(path.join(prefix, 'share', 'sumo', 'data', 'xsd'), { recursive: true });
  if (layout === 'source') mkdirSync(path.join(prefix, 'data', 'xsd'), { recursive: true });
  mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  return prefix;
};

describe('sumoEnvironment', () => {
  it('keeps a SUMO_HOME that has the schemas', () => {
    const home = installation('source');
    const r = sumoEnvironment('/somewhere/bin/sumo', { SUMO_HOME: home, PATH: '/bin' });
    expect(r.env.SUMO_HOME).toBe(home);
    expect(r.args).toEqual([]);
  });

  it('sets SUMO_HOME from <prefix>/bin/sumo to <prefix>/share/sumo (Debian) when it is unset', () => {
    const prefix = installation('debian');
    const r = sumoEnvironment(path.join(prefix, 'bin', 'sumo'), { PATH: '/bin' });
    expect(r.env.SUMO_HOME).toBe(path.join(prefix, 'share', 'sumo'));
    expect(r.env.PATH).toBe('/bin');
    expect(r.args).toEqual([]);
  });

  it('sets SUMO_HOME to the prefix itself for a build tree (bin/ beside data/)', () => {
    const prefix = installation('source');
    expect(sumoEnvironment(path.join(prefix, 'bin', 'sumo'), {}).env.SUMO_HOME).toBe(prefix);
  });

  it('turns validation off, rather than depend on the web, when no schemas are found', () => {
    const prefix = installation('none');
    const r = sumoEnvironment(path.join(prefix, 'bin', 'sumo'), { SUMO_HOME: path.join(prefix, 'nothing') });
    expect(r.args).toEqual(['--xml-validation', 'never', '--xml-validation.routes', 'never']);
  });
});

describe('readTripinfo', () => {
  const file = (rows: string[]): string => {
    const f = path.join(tempDir('gw-tripinfo-'), 'tripinfo.xml');
    writeFileSync(f, ['<tripinfos>', ...rows, '</tripinfos>', ''].join('\n'));
    return f;
  };

  it('counts every vehicle due: arrived, still driving (to the end) and never inserted (its whole wait), with departure delays', async () => {
    const r = await readTripinfo(file([
      '<tripinfo id="a" depart="10.00" departDelay="2.00" arrival="110.00" duration="100.00" waitingTime="4.00" timeLoss="10.00"/>',
      '<tripinfo id="b" depart="20.00" departDelay="0.00" arrival="130.00" duration="110.00" waitingTime="6.00" timeLoss="20.00"/>',
      '<tripinfo id="c" depart="3500.00" departDelay="1.00" arrival="-1.00" duration="100.00" waitingTime="0.00" timeLoss="5.00" vaporized="end"/>',
      '<tripinfo id="d" depart="-1" departDelay="30.00" arrival="-1.00" duration="0.00" waitingTime="0.00" timeLoss="0.00" vaporized="end"/>',
      '<tripinfo id="e" depart="-1" departDelay="-5.00" arrival="-1.00" duration="0.00" waitingTime="0.00" timeLoss="0.00" vaporized="end"/>',
    ]));
    expect(r).toEqual({
      arrived: 2, unfinished: 2, notInserted: 1,
      meanTimeLoss: 15, meanTravelTime: 105, meanWaitingTime: 5,
      meanTimeLossAll: (12 + 20 + 6 + 30) / 4, // e departs after the end: not due
    });
  });

  it('refuses a tripinfo without a number where one is needed, at its line', async () => {
    await expect(readTripinfo(file(['<tripinfo id="x" depart="1" arrival="-1" timeLoss="abc"/>']))).rejects.toThrow(/tripinfo\.xml:2.*tripinfo "x": timeLoss must be a number, got "abc"/);
  });

  it('asks SUMO for the unfinished and the undeparted vehicles (the latter where SUMO knows the option)', () => {
    const args = sumoArguments({ net: 'n.net.xml', routes: [], additional: [], seed: 1, begin: 0, end: 100, tripinfo: 't.xml' }).join(' ');
    expect(args).toContain('--tripinfo-output.write-unfinished true');
    expect(args).toContain('--tripinfo-output.write-undeparted true');
    // A SUMO without the option (older releases) is not given it: it would refuse the run.
    expect(sumoArguments({ net: 'n.net.xml', routes: [], additional: [], seed: 1, begin: 0, end: 100, tripinfo: 't.xml', undeparted: false }).join(' ')).not.toContain('write-undeparted');
  });
});
