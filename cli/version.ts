/** greenwave's version for the command (the engine reads it from package.json). */
export { VERSION } from '../engine/version.js';
