/**
 * Loading the heavy parts greenwave lists as optional dependencies (BullMQ and
 * ioredis for the Redis queue, the PBF parser for `.osm.pbf` files,
 * playwright-core for the browser benchmark) only when a feature needs them,
 * so `npm install --omit=optional` gives a working engine, and saying clearly
 * what to install when one is missing instead of Node's bare "Cannot find
 * package".
 */
import { UsageError } from './errors.js';

/** Whether `error` is Node's "package not found" for one of `packages` (not for something it imports in turn). */
export function isMissingPackage(error: unknown, packages: readonly string[]): boolean {
  const e = error as NodeJS.ErrnoException | undefined;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  const message = String(e.message);
  return packages.some((p) => message.includes(`'${p}'`) || message.includes(`"${p}"`) || message.includes(`/node_modules/${p}/`));
}

/**
 * `load()` (a dynamic `import()` of the module that needs `packages`); when one
 * of them is not installed, a `UsageError` saying which feature needs what and
 * the command that installs it.
 *
 * @param load      e.g. `() => import('./coordinator.js')`
 * @param packages  the optional packages behind it, e.g. `['bullmq', 'ioredis']`
 * @param feature   what needs them, e.g. `the Redis queue (--redis)`
 */
export async function importOptional<T>(load: () => Promise<T>, packages: readonly string[], feature: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissingPackage(error, packages)) throw error;
    throw new UsageError(
      `${feature} needs the optional package${packages.length > 1 ? 's' : ''} ${packages.join(', ')}, which ${packages.length > 1 ? 'are' : 'is'} not installed: run \`npm install ${packages.join(' ')}\` (they are left out by \`npm install --omit=optional\`)`,
    );
  }
}
