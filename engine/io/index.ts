/**
 * Public API of `greenwave/io`: the importers of other tools' files (SUMO,
 * CityFlow, OpenStreetMap, TNTP), SUMO export, and the scenario document an import
 * becomes. Importing this module loads every importer and its parsers; a
 * caller that wants one loaded only when it is used goes through
 * `importNetwork` (`./import-network.ts`), which is re-exported here too.
 */
export type { ImportCount, ImportFormat, ImportResult, ImportWarning } from './types.js';
export { importNetwork, IMPORT_FORMAT_NAMES } from './import-network.js';
export type { ImportNetworkOptions } from './import-network.js';
export { scenarioDocument, scenarioName } from './scenario-doc.js';
export type { ScenarioDocumentOptions } from './scenario-doc.js';
export { importCityflow, cityflowAverageTravelTime, CITYFLOW_DEFAULT_HORIZON } from './cityflow/index.js';
export type { CityflowImportOptions } from './cityflow/index.js';
export { importTntp, readTntpFlows, tntpProfile, TNTP_DEFAULT_PERIOD } from './tntp/index.js';
export type { TntpFiles, TntpFlows, TntpImportOptions } from './tntp/index.js';
export { importSumo, importSumoAdditional, replacePrograms, movementOfKey, tlLogicXml, sumoNetXml, sumoSignalIndex } from './sumo/index.js';
export type { SumoFiles, SumoImportOptions, SumoAdditionalResult, TlLogicXmlOptions, SumoNetXmlOptions } from './sumo/index.js';
export { importOsm, morningPeakDemand, DEFAULT_OSM_OPTIONS, DEFAULT_MORNING_PEAK } from './osm/index.js';
export type { OsmImportOptions, MorningPeakOptions } from './osm/index.js';
export { readCounts, readCountsCsv, parseCountsCsv, readSumoCounts } from './counts/index.js';
