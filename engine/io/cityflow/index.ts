/** CityFlow import (re-exports only). */
export { importCityflow, CITYFLOW_DEFAULT_HORIZON, CITYFLOW_MAX_HORIZON } from './import.js';
export type { CityflowImportOptions } from './import.js';
export { cityflowAverageTravelTime } from '../../sim/cityflow-travel-time.js';
