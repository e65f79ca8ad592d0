/**
 * Traffic-count files: CSV (`location,begin,end,vehicles`) and SUMO XML
 * (`edgeData`, `edgeRelation`). `readCounts(files)` reads any mix of them, picked
 * by extension, and reports the problems of every file together; resolve the
 * records against a network with `resolveCounts` (`engine/demand/counts.ts`).
 */
import { GreenwaveError, type ScenarioProblem } from '../../errors.js';
import { CountsError, type CountRecord } from '../../demand/counts.js';
import { readCountsCsv } from './csv.js';
import { readSumoCounts } from './sumo.js';

export { parseCountsCsv, readCountsCsv } from './csv.js';
export { readSumoCounts } from './sumo.js';

/** Read count `files` (`.csv`, or SUMO `.xml` / `.xml.gz`). Rejects with `CountsError` listing the problems of all files. */
export async function readCounts(files: readonly string[]): Promise<CountRecord[]> {
  const records: CountRecord[] = [];
  const problems: ScenarioProblem[] = [];
  for (const file of files) {
    try {
      if (/\.csv$/i.test(file)) records.push(...await readCountsCsv(file));
      else if (/\.xml(\.gz)?$/i.test(file)) records.push(...await readSumoCounts(file));
      else problems.push({ file, path: '', message: 'expected a counts file ending in .csv (location,begin,end,vehicles) or .xml (SUMO edgeData or edgeRelation)' });
    } catch (error) {
      if (error instanceof CountsError) problems.push(...error.problems);
      else if (error instanceof GreenwaveError) problems.push({ file, path: '', message: error.message });
      else throw error;
    }
  }
  if (problems.length > 0) throw new CountsError(problems);
  return records;
}
