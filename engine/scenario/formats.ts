/**
 * The named choices of the scenario format, as plain constants (the zod schema
 * in `schema.ts` builds its enums from them; code that only needs the names
 * need not load zod).
 */

/** Signal control families a scenario may name. */
export const SIGNAL_DEFAULTS = ['fixed', 'webster', 'actuated', 'max-pressure'] as const;
/** Network file formats a scenario may import. */
export const IMPORT_FORMATS = ['sumo', 'cityflow', 'osm', 'tntp'] as const;
/** Files a run may write into `outputs.dir` (the report's list, engine/report/files.ts). */
export { OUTPUT_FILE_NAMES as OUTPUT_FILES } from '../report/files.js';
