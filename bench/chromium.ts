/**
 * Where a Chromium binary is, for the browser tests and the report benchmark:
 * `$CHROMIUM_PATH` if set, else Debian's /usr/bin/chromium (package `chromium`)
 * or the usual other names. playwright-core drives it; it never downloads a browser.
 */
import { existsSync } from 'node:fs';

/** Paths tried after `$CHROMIUM_PATH`, in order. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The first Chromium binary found, or undefined. */
export function findChromium(): string | undefined {
  const env = process.env.CHROMIUM_PATH;
  if (env) return existsSync(env) ? env : undefined;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}
