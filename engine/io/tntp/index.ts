/** TNTP import (re-exports only). */
export { importTntp, tntpProfile, TNTP_DEFAULT_PERIOD } from './import.js';
export type { TntpFiles, TntpImportOptions } from './import.js';
export type { TntpCoordinates } from './build.js';
export type { TntpLengthUnit, TntpTimeUnit } from './net.js';
export { readTntpFlows } from './flow.js';
export type { TntpFlows } from './flow.js';
