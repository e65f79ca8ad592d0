/**
 * SUMO interoperability: import a SUMO scenario (`.sumocfg`, `.net.xml`,
 * `.rou.xml`, `.add.xml`) and write greenwave plans and networks back as SUMO
 * files. Re-exports only; see import.ts and export.ts.
 */
export { importSumo, importSumoAdditional, replacePrograms, movementOfKey } from './import.js';
export type { SumoFiles, SumoImportOptions, SumoAdditionalResult } from './import.js';
export { tlLogicXml, sumoNetXml, sumoSignalIndex } from './export.js';
export type { TlLogicXmlOptions, SumoNetXmlOptions } from './export.js';
export { parseSumoTime } from './route-file.js';
export { plainTopology, sumoPlainXml, netconvertCommand, plainSignalIndex, sumoIds } from './plain.js';
export type { SumoPlainXml, SumoPlainXmlOptions } from './plain.js';
export { sumoFileKind } from './classify.js';
export type { SumoFileKind } from './classify.js';
export { readTlLinkCounts, readTlLinks } from './tl-sizes.js';
export { checkLoops, type CheckedPhase, type LoopCheck, type TlLink, type TlTopology } from './detector-check.js';
export type { TlLinks } from './tl-sizes.js';
