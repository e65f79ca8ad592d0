/** greenwave's version, read once from package.json (recorded in every output). */
import { existsSync, readFileSync } from 'node:fs';

function readVersion(): string {
  // engine/version.ts sits one level below the package root, dist/engine/version.js two
  // (looked for first: a missing file's exception costs every command's start-up a millisecond).
  for (const candidate of [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)]) {
    if (!existsSync(candidate)) continue;
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'greenwave' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0-unknown';
}

/** The package version (`greenwave --version`; recorded in every output file). */
export const VERSION: string = readVersion();
