/**
 * The calibration section's data: calibration.csv and calibration.json read
 * back from an output directory and checked. Apart from the section's drawing
 * (calibration.ts), so the report's data model (data.ts) can name it without
 * importing the charts and the map.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import type { FitRow } from '../../optimise/calibrate/fit.js';

/** Files the section reads. */
export const CALIBRATION_FILES = ['calibration.csv', 'calibration.json'] as const;

const Location = z.object({ location: z.string(), observed: z.number(), simulated: z.number(), duration: z.number(), geh: z.number() });
export const Fit = z.object({
  locations: z.number(), counts: z.number(), countsWithTraffic: z.number(),
  shareGehBelow5: z.number().nullable(), shareGehBelow5WithTraffic: z.number().nullable(), periodShareGehBelow5: z.number().nullable(),
  shareFlowCriterion: z.number().nullable(), r2: z.number().nullable(), slope: z.number().nullable(), intercept: z.number().nullable(),
  rmse: z.number().nullable(), percentRmse: z.number().nullable(),
  totals: z.object({ observed: z.number(), simulated: z.number(), ratio: z.number().nullable() }),
  worst: z.array(Location),
}).loose();
const CalibrationJson = z.object({
  scenario: z.string(),
  seed: z.number(),
  tripEnds: z.string(),
  stopReason: z.string(),
  interrupted: z.boolean(),
  trips: z.number(),
  bestIteration: z.number(),
  fit: Fit,
  before: Fit.nullable(),
  consistency: z.object({ problems: z.array(z.string()), notes: z.array(z.string()) }).loose(),
  iterations: z.array(z.object({ iteration: z.number(), shareGehBelow5: z.number().nullable(), sumSquaredGeh: z.number() }).loose()),
}).loose();

/** One count of calibration.csv (times in s since midnight): a row of the fit. */
export type CalibrationCount = FitRow;

/** What the calibration section shows. */
export interface CalibrationReport {
  summary?: z.infer<typeof CalibrationJson>;
  counts?: CalibrationCount[];
}

const seconds = (text: string): number => {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(text);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number(text);
};

/** Read calibration.csv and calibration.json from `dir` when present; undefined when neither is. */
export async function readCalibration(dir: string): Promise<CalibrationReport | undefined> {
  const read = (name: string): Promise<string | undefined> => readFile(join(dir, name), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
    throw e;
  });
  const [csv, json] = await Promise.all(CALIBRATION_FILES.map(read));
  if (csv === undefined && json === undefined) return undefined;
  const out: CalibrationReport = {};
  if (json !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new InputError('calibration.json', `not valid JSON: ${(error as Error).message}`);
    }
    const parsed = CalibrationJson.safeParse(value);
    if (!parsed.success) throw new InputError(`calibration.json ${parsed.error.issues[0].path.join('.')}`, parsed.error.issues[0].message);
    out.summary = parsed.data;
  }
  if (csv !== undefined) {
    let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
    try {
      records = parse(csv, { columns: true, info: true, skip_empty_lines: true }) as unknown as typeof records;
    } catch (error) {
      throw new InputError(`calibration.csv${(error as { lines?: number }).lines ? `:${(error as { lines: number }).lines}` : ''}`, `not valid CSV: ${(error as Error).message}`);
    }
    out.counts = records.map(({ record, info }) => {
      const row = { location: record.location, begin: seconds(record.begin), end: seconds(record.end), observed: Number(record.observed), simulated: Number(record.simulated), geh: Number(record.geh) };
      for (const [key, value] of Object.entries(row)) {
        if (key !== 'location' && !Number.isFinite(value)) throw new InputError(`calibration.csv:${info.lines} ${key}`, `expected a number, found ${JSON.stringify(record[key])}`);
      }
      return row;
    });
  }
  return out;
}

