/**
 * The output directory's manifest as read back: the schema that checks it is
 * made on first use (zod is loaded only when a manifest is read), and it still
 * accepts what `prepareOutputDir` wrote and refuses a manifest that is not one.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../engine/errors.js';
import { MANIFEST_FILE, prepareOutputDir, readManifest } from '../../engine/report/output-dir.js';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

async function written(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'greenwave-manifest-'));
  dirs.push(dir);
  const prepared = await prepareOutputDir(dir, { kind: 'run', scenario: 'grid', seed: 3, version: '0.1.0' }, { names: ['trips.csv'] });
  expect(prepared.previous).toBeUndefined();
  const out = await prepared.open();
  await out.write('trips.csv', 'id\n1\n');
  await out.commit();
  return dir;
}

describe('readManifest', () => {
  it('reads back the manifest a run wrote, and its owner is recognised', async () => {
    const dir = await written();
    const manifest = await readManifest(dir);
    expect(manifest?.state).toBe('complete');
    expect(manifest?.scenario).toBe('grid');
    expect(Object.keys(manifest?.files ?? {})).toEqual(['trips.csv']);
    const again = await prepareOutputDir(dir, { kind: 'run', scenario: 'grid', seed: 4, version: '0.1.0' }, { names: ['trips.csv'] });
    expect(again.own).toBe(true);
  });

  it('refuses a manifest whose fields do not match, naming the field', async () => {
    const dir = await written();
    const file = join(dir, MANIFEST_FILE);
    const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...manifest, state: 'half-done' }));
    const error = await readManifest(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toMatch(/is not a greenwave manifest \(state: /);
  });
});
