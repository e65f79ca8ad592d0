/** greenwave: public library API (re-exports only). */
export * from './errors.js';
export * from './network/index.js';
export * from './routing/index.js';
export * from './demand/index.js';
export * from './signals/index.js';
export * from './sim/index.js';
export * from './scenario/index.js';
export * from './report/index.js';
export * from './optimise/index.js';
