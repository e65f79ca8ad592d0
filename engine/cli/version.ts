/** greenwave's version, read once from package.json (recorded in every output). */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // dist/engine/cli/version.js and engine/cli/version.ts both sit three levels below the package root.
  const url = new URL('../../package.json', import.meta.url);
  for (const candidate of [url, new URL('../../../package.json', import.meta.url)]) {
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'greenwave' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0-unknown';
}

/** The package version. */
export const VERSION: string = readVersion();
