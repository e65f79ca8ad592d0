/**
 * importTntp never writes a value the scenario loader rejects (engine/limits.ts
 * ranges): a free-flow time rounded down on a short link (Chicago Sketch's
 * line 601 gives 503 km/h) is capped to the scenario's 250 km/h with a warning,
 * and the scenario written loads.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioDocument } from '../../../engine/io/scenario-doc.js';
import { importTntp } from '../../../engine/io/tntp/index.js';
import { buildScenario } from '../../../engine/scenario/build.js';
import { parseScenario } from '../../../engine/scenario/parse.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const SQUARE = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'tntp', 'square');

describe('importTntp: speeds above the scenario range', () => {
  it('caps a link of 1 mile in 0.1 min (965 km/h) to 250 km/h with a warning at its line; the scenario loads', async () => {
    const dir = tempDir('greenwave-tntp-ranges-');
    cpSync(SQUARE, dir, { recursive: true });
    const net = path.join(dir, 'Square_net.tntp');
    const row = '\t3\t4\t3600\t1\t1\t';
    const text = readFileSync(net, 'utf8');
    expect(text).toContain(row);
    writeFileSync(net, text.replace(row, '\t3\t4\t3600\t1\t0.1\t'));
    const line = text.split('\n').findIndex((l) => l.includes(row)) + 1;
    const result = await importTntp(net);
    expect(result.network.link('3-4').speed * 3.6).toBeCloseTo(250, 9);
    const warning = result.warnings.find((w) => /capped/.test(w.message));
    expect(warning?.where).toBe(`${net}:${line}`);
    expect(warning?.message).toMatch(/1 link\(s\) whose length and free-flow time give a speed above 250 km\/h .*capped to it/);
    expect(() => buildScenario(parseScenario(JSON.stringify(scenarioDocument(result)), 'imported.json'))).not.toThrow();
  });
});
