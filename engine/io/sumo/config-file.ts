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
}

const KEYS: Readonly<Record<string, 'net' | 'routes' | 'additional' | 'begin' | 'end'>> = {
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
};

/** Read a `.sumocfg`; file paths come back resolved against its directory. */
export async function readConfigFile(file: string): Promise<SumoConfig> {
  const config: SumoConfig = { routes: [], additional: [] };
  const dir = path.dirname(file);
  const files = (value: string) => value.split(',').map((f) => f.trim()).filter((f) => f !== '').map((f) => path.resolve(dir, f));
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
      if (key === undefined || value === undefined) return;
      if (key === 'net') config.net = files(value)[0];
      else if (key === 'routes') config.routes.push(...files(value));
      else if (key === 'additional') config.additional.push(...files(value));
      else {
        const t = parseSumoTime(value);
        if (!Number.isFinite(t)) throw new InputError(`${file}:${element.line}`, `${element.name}: expected a time in seconds, got ${JSON.stringify(value)}`);
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
