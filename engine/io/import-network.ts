/**
 * One entry point for every importer: `importNetwork(format, files, options)`
 * loads the importer of `format` only when it is asked for (a dynamic import),
 * so a caller that imports nothing, or only CityFlow's JSON, never loads an XML
 * parser (saxes), the OSM PBF parser or proj4. It maps a plain list of files —
 * what a command line or a scenario file gives — onto that importer's arguments.
 *
 * The scenario loader and `greenwave import` import through here; scripts that
 * want one importer's full options use it directly (`greenwave/io`).
 */
import { UsageError } from '../errors.js';
import type { DrivingSide } from '../network/types.js';
import type { ImportFormat, ImportResult } from './types.js';
import type { SumoImportOptions } from './sumo/import.js';

/** Options every importer understands (each may take more of its own). */
export interface ImportNetworkOptions {
  /** Driving side of the network (importers that cannot tell default to `right`). */
  drivingSide?: DrivingSide;
  /** End of the simulated period, s (CityFlow: the horizon, default 3600; SUMO: overrides the configuration's end). */
  end?: number;
  /** Further importer-specific options, passed on unchanged. */
  [option: string]: unknown;
}

/** Formats `importNetwork` accepts, with their names for messages. */
export const IMPORT_FORMAT_NAMES: Readonly<Record<ImportFormat, string>> = { sumo: 'SUMO', cityflow: 'CityFlow', osm: 'OpenStreetMap', tntp: 'TNTP' };

/**
 * Import `files` of `format`:
 *
 * - `cityflow`: a `config.json`, or a `roadnet.json` alone, or a roadnet and a
 *   flow file (in that order).
 * - `sumo`: a network, route files, additional files (their `tlLogic` programs
 *   replace the network's) and at most one configuration, in any order and
 *   under any names: each file is classified by its root element (`<net>`,
 *   `<routes>`, `<additional>`, `<configuration>`). A configuration supplies what
 *   the other files do not. `end` (s) overrides the configuration's end.
 * - `osm`: one `.osm`/`.osm.pbf` file.
 * - `tntp`: a `*_net.tntp` (its `*_node.tntp` and `*_trips.tntp` siblings are
 *   found by name) or a folder holding one, or the net file with the node and
 *   trip files in any order.
 *
 * Rejects with `UsageError` for an unknown format or a wrong number of files,
 * and with the importer's `InputError` for bad files.
 */
export async function importNetwork(format: ImportFormat, files: string[], options: ImportNetworkOptions = {}): Promise<ImportResult> {
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string' || f === '')) {
    throw new UsageError('importNetwork(format, files): files must be a non-empty array of file paths');
  }
  switch (format) {
    case 'cityflow': {
      if (files.length > 2) throw new UsageError(`cityflow import takes a config.json, or a roadnet.json and optionally a flow.json; got ${files.length} files`);
      const { importCityflow } = await import('./cityflow/import.js');
      return importCityflow(files.length === 1 ? files[0] : { roadnet: files[0], flow: files[1] }, options);
    }
    case 'sumo': {
      const { importSumo } = await import('./sumo/import.js');
      const { sumoFileKind } = await import('./sumo/classify.js');
      const sumoOptions = options as SumoImportOptions; // SUMO networks carry their own driving side; end (and begin) bound the period
      // Each file is read for what its root element says it is, whatever its name or position.
      const kinds = await Promise.all(files.map((f) => sumoFileKind(f)));
      const of = (kind: string): string[] => files.filter((_, i) => kinds[i] === kind);
      const [config, nets, routes, additional] = [of('config'), of('net'), of('routes'), of('additional')];
      if (config.length > 1) throw new UsageError(`sumo import takes at most one configuration (<configuration> root); got ${config.join(', ')}`);
      if (nets.length > 1) throw new UsageError(`sumo import takes one network (<net> root); got ${nets.join(', ')}`);
      if (nets.length === 0 && config.length === 0) {
        throw new UsageError(`sumo import needs a network (.net.xml, root <net>) or a configuration naming one (.sumocfg); got ${files.map((f, i) => `${f} (${kinds[i]})`).join(', ')}`);
      }
      return importSumo({
        ...(nets.length > 0 ? { net: nets[0] } : {}),
        ...(routes.length > 0 ? { routes } : {}),
        ...(additional.length > 0 ? { additional } : {}),
        ...(config.length > 0 ? { config: config[0] } : {}),
      }, sumoOptions);
    }
    case 'osm': {
      if (files.length !== 1) throw new UsageError(`osm import takes one .osm or .osm.pbf file; got ${files.length} files`);
      const { importOsm } = await import('./osm/import.js');
      const { end: _end, ...osmOptions } = options; // OSM has no simulated period
      return importOsm(files[0], osmOptions);
    }
    case 'tntp': {
      const { importTntp } = await import('./tntp/import.js');
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
