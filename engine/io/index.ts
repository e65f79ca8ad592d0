/**
 * Importers of other tools' files, behind one entry point: `importNetwork(format,
 * files, options)` loads the importer of `format` on demand (a dynamic import, so
 * a run that imports nothing never loads an XML or OSM parser) and maps a plain
 * list of files — what a command line gives — onto that importer's arguments.
 *
 * The importer modules are found by a computed path (`./<format>/index.js`): an
 * importer that is not part of this build (the SUMO and OSM importers are written
 * separately) fails with a `UsageError` saying so, instead of breaking the build
 * of the others. Each module exports its function under the name this file
 * expects (`importSumo`, `importCityflow`, `importOsm`) with the signature below.
 */
import { UsageError } from '../errors.js';
import type { DrivingSide } from '../network/types.js';
import type { ImportFormat, ImportResult } from './types.js';

export type { ImportCount, ImportFormat, ImportResult, ImportWarning } from './types.js';
export { scenarioDocument, scenarioName } from './scenario-doc.js';
export type { ScenarioDocumentOptions } from './scenario-doc.js';
export { importCityflow, cityflowAverageTravelTime, CITYFLOW_DEFAULT_HORIZON } from './cityflow/index.js';
export type { CityflowImportOptions } from './cityflow/index.js';
export { importTntp, readTntpFlows, tntpProfile, TNTP_DEFAULT_PERIOD } from './tntp/index.js';
export type { TntpFiles, TntpFlows, TntpImportOptions } from './tntp/index.js';

/** Options every importer understands (each may take more of its own). */
export interface ImportNetworkOptions {
  /** Driving side of the network (importers that cannot tell default to `right`). */
  drivingSide?: DrivingSide;
  /** End of the simulated period, s (CityFlow: the horizon; default 3600). */
  end?: number;
  /** Further importer-specific options, passed on unchanged. */
  [option: string]: unknown;
}

/** Formats `importNetwork` accepts. */
export const IMPORT_FORMAT_NAMES: Readonly<Record<ImportFormat, string>> = { sumo: 'SUMO', cityflow: 'CityFlow', osm: 'OpenStreetMap', tntp: 'TNTP' };

type SumoFiles = { net: string; routes?: string[]; config?: string } | string;
interface ImporterModules {
  sumo: { importSumo(files: SumoFiles, options?: object): Promise<ImportResult> };
  cityflow: { importCityflow(files: { roadnet: string; flow?: string } | string, options?: object): Promise<ImportResult> };
  osm: { importOsm(file: string, options?: object): Promise<ImportResult> };
  tntp: { importTntp(files: { net: string; nodes?: string; trips?: string } | string, options?: object): Promise<ImportResult> };
}

/** Load the importer module of `format`, or throw `UsageError` when this build does not have it. */
async function load<F extends ImportFormat>(format: F): Promise<ImporterModules[F]> {
  const specifier = `./${format}/index.js`;
  try {
    return (await import(specifier)) as ImporterModules[F];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(`${format}/index`);
    if (missing) throw new UsageError(`the ${IMPORT_FORMAT_NAMES[format]} importer is not installed in this build of greenwave`);
    throw error;
  }
}

/**
 * Import `files` of `format`:
 *
 * - `cityflow`: a `config.json`, or a `roadnet.json` alone, or a roadnet and a
 *   flow file (in that order).
 * - `sumo`: one file (a `.sumocfg`, or a `.net.xml` alone), or a `.net.xml` with
 *   route files (and optionally a `.sumocfg`), in any order.
 * - `osm`: one `.osm`/`.osm.pbf` file.
 * - `tntp`: a `*_net.tntp` (its `*_node.tntp` and `*_trips.tntp` siblings are
 *   found by name) or a folder holding one, or the net file with the node and
 *   trip files in any order.
 *
 * Rejects with `UsageError` for a wrong number of files or an importer missing
 * from this build, and with the importer's `InputError` for bad files.
 */
export async function importNetwork(format: ImportFormat, files: string[], options: ImportNetworkOptions = {}): Promise<ImportResult> {
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string' || f === '')) {
    throw new UsageError('importNetwork(format, files): files must be a non-empty array of file paths');
  }
  switch (format) {
    case 'cityflow': {
      if (files.length > 2) throw new UsageError(`cityflow import takes a config.json, or a roadnet.json and optionally a flow.json; got ${files.length} files`);
      const { importCityflow } = await load('cityflow');
      return importCityflow(files.length === 1 ? files[0] : { roadnet: files[0], flow: files[1] }, options);
    }
    case 'sumo': {
      const { importSumo } = await load('sumo');
      if (files.length === 1) return importSumo(files[0], options);
      const config = files.filter((f) => /\.sumocfg$/i.test(f));
      const nets = files.filter((f) => /\.net\.xml(\.gz)?$/i.test(f));
      if (config.length > 1) throw new UsageError(`sumo import takes at most one .sumocfg file; got ${config.join(', ')}`);
      if (nets.length !== 1) throw new UsageError(`sumo import with several files needs exactly one .net.xml network file; got ${nets.length === 0 ? 'none' : nets.join(', ')}`);
      const routes = files.filter((f) => !config.includes(f) && !nets.includes(f));
      return importSumo({ net: nets[0], ...(routes.length > 0 ? { routes } : {}), ...(config.length > 0 ? { config: config[0] } : {}) }, options);
    }
    case 'osm': {
      if (files.length !== 1) throw new UsageError(`osm import takes one .osm or .osm.pbf file; got ${files.length} files`);
      const { importOsm } = await load('osm');
      return importOsm(files[0], options);
    }
    case 'tntp': {
      const { importTntp } = await load('tntp');
      if (files.length === 1) return importTntp(files[0], options);
      const pick = (re: RegExp, what: string): string | undefined => {
        const found = files.filter((f) => re.test(f));
        if (found.length > 1) throw new UsageError(`tntp import takes one ${what} file; got ${found.join(', ')}`);
        return found[0];
      };
      const net = pick(/_net\.tntp$/i, '*_net.tntp');
      const nodes = pick(/_node\.tntp$/i, '*_node.tntp');
      const trips = pick(/_trips\.tntp$/i, '*_trips.tntp');
      const other = files.filter((f) => f !== net && f !== nodes && f !== trips);
      if (net === undefined || other.length > 0) throw new UsageError(`tntp import takes a *_net.tntp file, optionally with its *_node.tntp and *_trips.tntp; got ${files.join(', ')}`);
      return importTntp({ net, ...(nodes === undefined ? {} : { nodes }), ...(trips === undefined ? {} : { trips }) }, options);
    }
    default:
      throw new UsageError(`unknown import format ${JSON.stringify(format)}: expected ${Object.keys(IMPORT_FORMAT_NAMES).join(', ')}`);
  }
}
export { importSumo, importSumoAdditional, replacePrograms, movementOfKey, tlLogicXml, sumoNetXml, sumoSignalIndex } from './sumo/index.js';
export type { SumoFiles, SumoImportOptions, SumoAdditionalResult, TlLogicXmlOptions, SumoNetXmlOptions } from './sumo/index.js';
export { importOsm, morningPeakDemand, DEFAULT_OSM_OPTIONS, DEFAULT_MORNING_PEAK } from './osm/index.js';
export type { OsmImportOptions, MorningPeakOptions } from './osm/index.js';
