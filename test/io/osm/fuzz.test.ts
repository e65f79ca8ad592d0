/**
 * A seeded mutation fuzzer over OSM files: the importer must end every case with
 * a network whose scenario document loads, or with a located `InputError`; never
 * another exception (an internal error) and never a document the scenario check
 * rejects (what `greenwave import` reported as "an importer bug").
 *
 * Inputs: the hand-written fixtures (every case) and, when present, the Monaco
 * extract in ../shared/data (a few cases: each import takes a second or two).
 * Mutations, one to three per case: a tag value replaced by a hostile value
 * (`walk`, `0`, `-1`, `1e308`, `NaN`, empty, a huge lane count, `yes;no`...), a
 * line deleted, duplicated or swapped with another, the file truncated, a
 * coordinate pushed out of range. Run longer with FUZZ_CASES=500.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../engine/demand/random.js';
import { InputError } from '../../../engine/errors.js';
import { importOsm } from '../../../engine/io/osm/index.js';
import { scenarioDocument } from '../../../engine/io/scenario-doc.js';
import { buildScenario, parseScenario } from '../../../engine/scenario/index.js';
import { SHARED_DATA } from '../../fixtures/shared-data.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/osm/${name}`, import.meta.url));
const FIXTURES = ['lanes-speeds.osm', 'topology.osm', 'signals.osm', 'restrictions.osm', 'turn-lanes.osm', 'oneway.osm', 'classes.osm', 'real-gaps.osm'];
const MONACO = join(SHARED_DATA, 'osm', 'monaco.osm');
const CASES = Number(process.env.FUZZ_CASES ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'greenwave-osm-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = ['walk', '0', '-1', '1e308', 'NaN', '', '999999', 'yes;no', '5 mph', 'none', 'reversible', '-5', '0.1', 'signals', 'traffic_signals', 'primary', 'no', '1.5', 'XX:urban', '<x>'];

/** One mutated copy of `text`, from the random stream `rnd`. */
function mutate(text: string, rnd: () => number): string {
  let lines = text.split('\n');
  const pick = (n: number): number => Math.floor(rnd() * n);
  const steps = 1 + pick(3);
  for (let s = 0; s < steps; s++) {
    const kind = pick(6);
    const i = pick(lines.length);
    if (kind === 0) {
      // A tag or attribute value replaced by a hostile one.
      const v = HOSTILE[pick(HOSTILE.length)].replace(/[<&"]/g, '');
      lines[i] = lines[i].replace(/(v|lat|lon|ref)="[^"]*"/, (_m, k: string) => `${k}="${v}"`);
    } else if (kind === 1) lines.splice(i, 1);
    else if (kind === 2) lines.splice(i, 0, lines[i]);
    else if (kind === 3) {
      const j = pick(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
    } else if (kind === 4) lines = lines.slice(0, Math.max(1, i));
    else lines[i] = lines[i].replace(/lat="[^"]*"/, `lat="${rnd() < 0.5 ? 91 : -1e6}"`);
  }
  return lines.join('\n');
}

/** Import `file`; the outcome is a loadable document or a located InputError. */
async function outcome(file: string): Promise<'ok' | 'input-error'> {
  let result;
  try {
    result = await importOsm(file, { components: 'all' });
  } catch (error) {
    if (error instanceof InputError && error.path.length > 0) return 'input-error';
    throw error;
  }
  if (result.network.linkCount === 0) return 'ok'; // an empty network: reported, nothing to write
  // Whatever the importer returns must load as a scenario: any error here is the importer's.
  buildScenario(parseScenario(JSON.stringify(scenarioDocument(result, { name: 'fuzz' })), 'fuzz.json'));
  return 'ok';
}

describe('importOsm fuzzing', () => {
  it(`ends ${CASES} mutated fixtures with a loadable scenario or a located InputError`, async () => {
    const rnd = createRandom(17);
    const tally = { ok: 0, 'input-error': 0 };
    for (let c = 0; c < CASES; c++) {
      const name = FIXTURES[c % FIXTURES.length];
      const file = join(dir, `case-${c}.osm`);
      writeFileSync(file, mutate(readFileSync(fixture(name), 'utf8'), () => rnd.next()));
      try {
        tally[await outcome(file)]++;
      } catch (error) {
        throw new Error(`case ${c} (${name} mutated, kept in ${file}): ${(error as Error).stack}`);
      }
    }
    console.log(`OSM fuzz: ${CASES} cases, ${tally.ok} imported, ${tally['input-error']} refused with a located InputError`);
    expect(tally.ok + tally['input-error']).toBe(CASES);
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally['input-error']).toBeGreaterThan(0);
  });

  const present = existsSync(MONACO);
  if (!present) console.log(`OSM fuzz on Monaco skipped: ${MONACO} is absent`);
  it.skipIf(!present)('ends mutated copies of the Monaco extract the same way', async () => {
    const rnd = createRandom(23);
    const text = readFileSync(MONACO, 'utf8');
    for (let c = 0; c < 4; c++) {
      const file = join(dir, `monaco-${c}.osm`);
      writeFileSync(file, mutate(text, () => rnd.next()));
      expect(['ok', 'input-error']).toContain(await outcome(file));
    }
  });
});
