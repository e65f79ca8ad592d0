/**
 * How greenwave starts SUMO: `sumoEnvironment()` finds the XML schemas of the
 * installation a binary belongs to (SUMO validates files that name a schema against
 * `$SUMO_HOME/data/xsd` and, with SUMO_HOME unset, fetches them from the web, which
 * fails on a machine without network: https://sumo.dlr.de/docs/XMLValidation.html).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sumoEnvironment } from '../../../engine/io/sumo/run-sumo.js';
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
