/**
 * importNetwork: the importer of a format is loaded only when an import of that
 * format is asked for. Checked in a fresh Node process with a module resolve
 * hook that logs every module resolved (synchronously, to a file), so what was
 * loaded is read after each step: nothing heavy after loading the dispatcher,
 * JSON only for CityFlow, saxes and the PBF parser once OpenStreetMap is asked for.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { importNetwork } from '../../engine/io/import-network.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

/** Run `script` (an ES module, from the project root) with every resolved module URL appended to a log file. */
async function withResolveLog(script: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'greenwave-lazy-'));
  dirs.push(dir);
  const log = join(dir, 'resolved.log');
  const hook = `import { appendFileSync } from 'node:fs';
    let log;
    export function initialize(data) { log = data.log; }
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      appendFileSync(log, r.url + '\\n');
      return r;
    }`;
  const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { log: ${JSON.stringify(log)} } });`;
  const prelude = `const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(${JSON.stringify(log)}, '');
    const heavy = () => { const t = readFileSync(${JSON.stringify(log)}, 'utf8'); return ['saxes', 'osm-pbf-parser-node', 'proj4'].filter((p) => t.includes('/node_modules/' + p + '/')).join(',') || 'none'; };`;
  const args = ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', `${prelude}\n${script}`];
  const { stdout } = await run(process.execPath, args, { cwd: process.cwd() });
  return stdout;
}

describe('importNetwork', () => {
  it('loads no XML parser, PBF parser or proj4 until an import of that format is asked for', async () => {
    const out = await withResolveLog(`
      const { importNetwork } = await import('./engine/io/import-network.ts');
      console.log('dispatcher loaded:', heavy());
      await import('./engine/scenario/index.ts');
      console.log('scenario loader loaded:', heavy());
      const cityflow = await importNetwork('cityflow', ['test/fixtures/cityflow/tiny/roadnet.json', 'test/fixtures/cityflow/tiny/flow.json']);
      console.log('after a CityFlow import of', cityflow.network.junctionCount, 'junctions:', heavy());
      const osm = await importNetwork('osm', ['test/fixtures/osm/signals.osm.pbf']);
      console.log('after an OSM import of', osm.network.junctionCount, 'junctions:', heavy());`);
    expect(out).toMatch(/^dispatcher loaded: none$/m);
    expect(out).toMatch(/^scenario loader loaded: none$/m);
    expect(out).toMatch(/^after a CityFlow import of [1-9]\d* junctions: none$/m);
    expect(out).toMatch(/^after an OSM import of [1-9]\d* junctions: saxes,osm-pbf-parser-node,proj4$/m);
  });

  it('the log does see them: greenwave/io (the static public API) loads the XML parser and proj4 at once, the PBF parser (optional) only for a PBF file', async () => {
    const out = await withResolveLog(`await import('./engine/io/index.ts'); console.log('io index loaded:', heavy());`);
    expect(out).toMatch(/^io index loaded: saxes,proj4$/m);
  });

  it('rejects an unknown format and a wrong number of files with a UsageError', async () => {
    await expect(importNetwork('shapefile' as 'osm', ['a.shp'])).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(/unknown import format "shapefile": expected sumo, cityflow, osm/) });
    await expect(importNetwork('osm', ['a.osm', 'b.osm'])).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(/one \.osm or \.osm\.pbf file; got 2 files/) });
    await expect(importNetwork('cityflow', [])).rejects.toMatchObject({ name: 'UsageError' });
  });
});
