/**
 * Reading a SUMO configuration (`.sumocfg`) and additional files (`.add.xml`).
 *
 * From a configuration: `net-file`, `route-files`, `additional-files` (comma
 * separated lists, paths relative to the configuration file) and `begin`/`end`
 * (https://sumo.dlr.de/docs/Basics/Using_the_Command_Line_Applications.html#configuration_files).
 * From an additional file: its `tlLogic` programs; other elements (detectors,
 * rerouters, ...) are counted and skipped.
 */
import path from 'node:path';
import { InputError } from '../../errors.js';
import { shortName } from '../../text/read.js';
import { readXml } from '../xml.js';
import { readTlElement, type SumoTlLogic } from './net-file.js';
import { parseSumoTime } from './route-file.js';

/** What a configuration names. */
export interface SumoConfig {
  net?: string;
  routes: string[];
  additional: string[];
  /** s */
  begin?: number;
  /** s */
  end?: number;
  /** `step-length`, s (SUMO's default 1). */
  step?: number;
  /** Each file named (resolved path) -> where the configuration names it (`file:line`). */
  namedAt: Map<string, string>;
}

const KEYS: Readonly<Record<string, 'net' | 'routes' | 'additional' | 'begin' | 'end' | 'step'>> = {
  'net-file': 'net',
  n: 'net',
  'route-files': 'routes',
  r: 'routes',
  'additional-files': 'additional',
  a: 'additional',
  begin: 'begin',
  b: 'begin',
  end: 'end',
  e: 'end',
  'step-length': 'step',
};

/** Read a `.sumocfg`; file paths come back resolved against its directory. */
export async function readConfigFile(file: string): Promise<SumoConfig> {
  const config: SumoConfig = { routes: [], additional: [], namedAt: new Map() };
  const dir = path.dirname(file);
  let line = 0;
  const files = (value: string) => value.split(',').map((f) => f.trim()).filter((f) => f !== '').map((f) => {
    const resolved = path.resolve(dir, f);
    if (!config.namedAt.has(resolved)) config.namedAt.set(resolved, `${file}:${line}`);
    return resolved;
  });
  await readXml(file, {
    open(element) {
      if (element.parents.length === 0) {
        if (element.name !== 'configuration' && !element.name.endsWith('Configuration')) {
          throw new InputError(`${file}:${element.line}`, `not a SUMO configuration: the root element is <${element.name}>, expected <configuration>`);
        }
        return;
      }
      const key = KEYS[element.name];
      const value = element.attributes.value;
      line = element.line;
      if (key === undefined || value === undefined) return;
      if (key === 'net') config.net = files(value)[0];
      else if (key === 'routes') config.routes.push(...files(value));
      else if (key === 'additional') config.additional.push(...files(value));
      else {
        const t = parseSumoTime(value);
        if (!Number.isFinite(t)) throw new InputError(`${file}:${element.line}`, `${element.name}: expected a time in seconds, got ${JSON.stringify(value)}`);
        if (key === 'step' && !(t > 0 && t <= 10)) throw new InputError(`${file}:${element.line}`, `${element.name}: expected a step of more than 0 and at most 10 s, got ${JSON.stringify(value)}`);
        config[key] = t;
      }
    },
  });
  return config;
}

/** Read the `tlLogic` programs of an additional file; `skipped` counts its other top-level elements by name. */
export async function readAdditionalFile(file: string, skipped: Map<string, number>): Promise<SumoTlLogic[]> {
  const logics: SumoTlLogic[] = [];
  await readXml(file, {
    open(element) {
      const depth = element.parents.length;
      if (depth === 0) {
        if (element.name !== 'additional' && element.name !== 'add') {
          throw new InputError(`${file}:${element.line}`, `not a SUMO additional file: the root element is <${element.name}>, expected <additional>`);
        }
        return;
      }
      if (readTlElement(file, element, logics)) return;
      if (depth === 1) skipped.set(element.name, (skipped.get(element.name) ?? 0) + 1);
    },
  });
  return logics;
}

/**
 * Run `read` on files the configuration may have named: an error about one of
 * them as a whole (missing, unreadable, a name too long) is located at the
 * configuration line that names it as well.
 */
export async function namedBy<T>(config: SumoConfig | undefined, files: readonly string[], read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof InputError) || config === undefined) throw error;
    const file = files.find((f) => error.path === f || error.path === shortName(f));
    const where = file === undefined ? undefined : config.namedAt.get(path.resolve(file));
    if (where === undefined) throw error;
    throw new InputError(where, `the file named here, ${error.message}`);
  }
}
