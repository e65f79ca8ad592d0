/** greenwave: public library API (re-exports only). */
export * from './errors.js';
export * from './network/index.js';
export * from './routing/index.js';
