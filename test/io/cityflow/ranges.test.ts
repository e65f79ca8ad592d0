/**
 * importCityflow never writes a value the scenario loader rejects
 * (engine/limits.ts ranges): the fuzzer's findings on the tiny fixture, each a
 * mutated number, refused with an InputError at the file, line and JSON path
 * that holds it, with the range.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/errors.js';
import { importCityflow } from '../../../engine/io/cityflow/index.js';
import { tempDir } from '../../fixtures/temp-dir.js';

const TINY = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'cityflow', 'tiny');

/** The tiny fixture in a fresh directory, its roadnet and flow documents changed by `change`. */
function mutated(change: (roadnet: any, flow: any) => void): { roadnet: string; flow: string } {
  const dir = tempDir('greenwave-cityflow-ranges-');
  const roadnet = JSON.parse(readFileSync(path.join(TINY, 'roadnet.json'), 'utf8'));
  const flow = JSON.parse(readFileSync(path.join(TINY, 'flow.json'), 'utf8'));
  change(roadnet, flow);
  const files = { roadnet: path.join(dir, 'roadnet.json'), flow: path.join(dir, 'flow.json') };
  writeFileSync(files.roadnet, JSON.stringify(roadnet, null, 2));
  writeFileSync(files.flow, JSON.stringify(flow, null, 2));
  return files;
}

async function refusal(files: { roadnet: string; flow: string }): Promise<InputError> {
  const error = await importCityflow(files).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('importCityflow: values out of the scenario ranges', () => {
  it('refuses a vehicle 4,294,967,296 m long at its flow entry, with the jam spacing range (fuzz case cityflow-1083)', async () => {
    const e = await refusal(mutated((_r, flow) => { flow[0].vehicle.length = 4294967296; }));
    expect(e.path).toMatch(/flow\.json:\d+:\d+: \[0\]\.vehicle$/);
    expect(e.message).toMatch(/jam spacing \(m\).* expected a number from 2 to 50 \(a stopped vehicle .*\), found 4294967298\.5/);
  });

  it('refuses a light phase of 4,294,967,296 s at its intersection, with the green range (fuzz case cityflow-1095)', async () => {
    const e = await refusal(mutated((roadnet) => {
      const lit = roadnet.intersections.find((i: any) => i.trafficLight?.lightphases?.length > 0);
      lit.trafficLight.lightphases[0].time = 4294967296;
    }));
    expect(e.path).toMatch(/roadnet\.json:\d+:\d+: intersections\[\d+\]\.trafficLight$/);
    expect(e.message).toMatch(/green \(s\) expected a number from 1 to 3600 \(a green lasts from 1 s to an hour.*\), found 4294967296/);
  });
});
