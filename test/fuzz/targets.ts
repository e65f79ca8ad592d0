/**
 * The fuzzer's entry points: for each, the valid inputs mutations start from
 * (the project's own fixtures and bundled scenarios), how a case runs in
 * process (the library calls the CLI makes, so a case costs milliseconds, not a
 * process start), and the command line that runs it through the real CLI for a
 * sample of cases.
 *
 * - scenario: YAML/JSON scenario files -> loadScenario, buildScenario, simulate
 *   (conservation of vehicles checked on the result);
 * - sumo, osm, cityflow: importer files -> import, the scenario document written,
 *   parsed and built as `greenwave import` checks it (an importer must never
 *   write what the loader rejects);
 * - checkpoint: an optimiser checkpoint -> parsed, checked, resumed for a few
 *   evaluations, as `greenwave optimise --resume` does;
 * - counts: traffic counts (CSV, SUMO edgeData XML) -> read and resolved against
 *   the checkpoint target's network, as `greenwave calibrate` does first (the
 *   CLI sample runs one calibration iteration).
 *
 * A case's outcome: `ok`; `user` (a GreenwaveError whose message names one of
 * the case's files: exit 2 with a located message); or a finding: `bug` (any
 * other error: the CLI's "internal error"), `unlocated` (a user error that does
 * not say where), `wrong` (a result that breaks an invariant).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { GreenwaveError } from '../../engine/errors.js';

/** Names of the entry points. */
export const TARGETS = ['scenario', 'sumo', 'osm', 'cityflow', 'checkpoint', 'counts'] as const;
export type TargetName = (typeof TARGETS)[number];

/** One valid input: its files (name in the case directory -> source file), the main one, and which may be mutated. */
export interface SeedInput {
  target: TargetName;
  name: string;
  files: Record<string, string>;
  /** The file given to the entry point. */
  main: string;
  /** Further files given on the command line (a CityFlow flow file). */
  extra?: string[];
  /** Files a case may mutate, with their syntax. */
  mutable: Array<{ file: string; kind: 'json' | 'yaml' | 'text' | 'binary' }>;
}

/** What a case came to. */
export type Outcome = 'ok' | 'user' | 'bug' | 'unlocated' | 'wrong' | 'timeout' | 'crash' | 'cli';

export interface CaseResult {
  outcome: Outcome;
  /** The error or invariant broken (first 500 characters). */
  message?: string;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

function kindOf(file: string): 'json' | 'yaml' | 'text' | 'binary' {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  if (/\.pbf$|\.gz$/i.test(file)) return 'binary';
  return 'text';
}

/** The valid inputs of every target except the checkpoint (made by the runner, see checkpointSeed). */
export function seedInputs(): SeedInput[] {
  const seeds: SeedInput[] = [];
  const scenario = (name: string, file: string, more: Record<string, string> = {}): void => {
    const main = path.basename(file);
    seeds.push({ target: 'scenario', name, files: { [main]: file, ...more }, main, mutable: [{ file: main, kind: kindOf(main) }, ...Object.keys(more).map((f) => ({ file: f, kind: kindOf(f) }))] });
  };
  scenario('grid-peak', path.join(FIXTURES, 'scenarios', 'grid-peak.yaml'));
  scenario('t-junction', path.join(FIXTURES, 'scenarios', 't-junction.json'));
  scenario('corridor', path.join(ROOT, 'scenarios', 'corridor', 'scenario.yaml'));
  scenario('grid-4x4', path.join(ROOT, 'scenarios', 'grid-4x4', 'scenario.yaml'));
  scenario('imported-sumo', path.join(ROOT, 'test', 'fuzz', 'seeds', 'imported-sumo.yaml'), { 'cross.net.xml': path.join(FIXTURES, 'sumo', 'cross.net.xml') });

  const sumo = path.join(FIXTURES, 'sumo');
  const cross = { 'cross.sumocfg': 'cross.sumocfg', 'cross.net.xml': 'cross.net.xml', 'cross.rou.xml': 'cross.rou.xml', 'cross.add.xml': 'cross.add.xml' };
  seeds.push({
    target: 'sumo', name: 'cross.sumocfg', main: 'cross.sumocfg',
    files: Object.fromEntries(Object.entries(cross).map(([k, v]) => [k, path.join(sumo, v)])),
    mutable: Object.keys(cross).map((file) => ({ file, kind: 'text' as const })),
  });
  for (const net of ['cross.net.xml', 'lefthand.net.xml']) {
    seeds.push({ target: 'sumo', name: net, main: net, files: { [net]: path.join(sumo, net) }, mutable: [{ file: net, kind: 'text' }] });
  }

  for (const file of readdirSync(path.join(FIXTURES, 'osm')).filter((f) => /\.osm(\.pbf)?$/.test(f) && f !== 'doctype.osm').sort()) {
    seeds.push({ target: 'osm', name: file, main: file, files: { [file]: path.join(FIXTURES, 'osm', file) }, mutable: [{ file, kind: kindOf(file) }] });
  }

  const cityflow = path.join(FIXTURES, 'cityflow');
  seeds.push({
    target: 'cityflow', name: 'corridor/config.json', main: 'config.json',
    // The config names "examples/" as its dir; the importer also looks beside the config.
    files: { 'config.json': path.join(cityflow, 'corridor', 'config.json'), 'roadnet.json': path.join(cityflow, 'corridor', 'roadnet.json'), 'flow.json': path.join(cityflow, 'corridor', 'flow.json') },
    mutable: ['config.json', 'roadnet.json', 'flow.json'].map((file) => ({ file, kind: 'json' as const })),
  });
  for (const set of ['tiny', 'rules']) {
    seeds.push({
      target: 'cityflow', name: `${set}/roadnet.json`, main: 'roadnet.json', extra: ['flow.json'],
      files: { 'roadnet.json': path.join(cityflow, set, 'roadnet.json'), 'flow.json': path.join(cityflow, set, 'flow.json') },
      mutable: ['roadnet.json', 'flow.json'].map((file) => ({ file, kind: 'json' as const })),
    });
  }
  const fuzzSeeds = path.join(ROOT, 'test', 'fuzz', 'seeds');
  for (const file of ['counts.csv', 'counts.edgedata.xml']) {
    seeds.push({ target: 'counts', name: file, main: file, files: { [file]: path.join(fuzzSeeds, file) }, mutable: [{ file, kind: 'text' }] });
  }
  return seeds;
}

/** The command line (after `greenwave`) that runs a case through the CLI, given its directory. */
export function cliArgs(seed: SeedInput, dir: string): string[] {
  const main = path.join(dir, seed.main);
  const extra = (seed.extra ?? []).map((f) => path.join(dir, f));
  switch (seed.target) {
    case 'scenario': return ['validate', main];
    case 'counts': return ['calibrate', path.join(dir, 'tiny.yaml'), '--counts', main, '--iterations', '1', '-o', path.join(dir, 'out', 'calibrated.json'), '-q'];
    case 'checkpoint': return ['optimise', path.join(dir, 'tiny.yaml'), ...CHECKPOINT_OPTIONS, '--budget', '12', '--out', path.join(dir, 'out'), '--resume', '--force', '-q'];
    default: return ['import', seed.target, main, ...extra, '-o', path.join(dir, 'imported.json'), '--force'];
  }
}

/** The optimisation whose checkpoint seeds the checkpoint target (small: 8 evaluations of a two-signal corridor). */
export const CHECKPOINT_OPTIONS = ['--control', 'fixed', '--seeds', '1', '--demand-scales', '1', '--workers', '1', '--no-compare'];

/** The scenario of the checkpoint target. */
export const CHECKPOINT_SCENARIO = `name: two-signals
network: { generator: corridor, junctions: 2, spacingM: 250, endLengthM: 250, sideLengthM: 150, lanes: 1 }
demand:
  flows:
    - { id: eb, from: west, to: east, vehPerHour: 500, beginS: 0, endS: 300, arrivals: poisson }
    - { id: side, from: n1, to: s1, vehPerHour: 150, beginS: 0, endS: 300, arrivals: poisson }
simulation: { endS: 900, seed: 3 }
`;

/**
 * Classify a thrown value: a GreenwaveError whose message names a case file is
 * the user's mistake (`user`); one that names none is `unlocated`; anything
 * else is `bug`.
 */
export function classify(error: unknown, files: readonly string[]): CaseResult {
  if (error instanceof GreenwaveError) {
    const located = files.some((f) => error.message.includes(path.basename(f)));
    return { outcome: located ? 'user' : 'unlocated', message: error.message.slice(0, 500) };
  }
  const e = error as Error;
  return { outcome: 'bug', message: `${e?.name ?? 'Error'}: ${String(e?.message ?? error).slice(0, 300)}\n${String(e?.stack ?? '').split('\n').slice(1, 6).join('\n')}` };
}

/** The text of a seed file (for the corpus summary). */
export function seedBytes(file: string): Buffer {
  return readFileSync(file);
}
