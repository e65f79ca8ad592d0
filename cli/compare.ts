/**
 * `greenwave compare <base> <variant>...`: test changes to the roads before
 * touching the street. Each scenario file (the base as it is today; each variant
 * a copy with a lane closed, a link added, a signal re-timed, more demand ...)
 * runs on the same seeds (the base's seed and the next ones), in this process;
 * the variants are compared with the base by paired differences with 95%
 * intervals (engine/report/what-if.ts) for network, junction and link figures.
 *
 * Files in --out (default `out/compare-<base>` beside the base scenario):
 * what-if.json (every figure), report.html (tables and a difference map per
 * variant), metadata.json; a manifest as for every command.
 *
 * A variant is a whole scenario file or a `changes:` overlay of one (a base
 * and a list of changes: engine/scenario/overlay.ts), loaded like any scenario.
 */
import path from 'node:path';
import { GreenwaveError, UsageError } from '../engine/errors.js';
import { buildScenario, loadScenario, type BuiltScenario } from '../engine/scenario/index.js';
import { simulate } from '../engine/sim/simulate.js';
import { compareScenarios, type ScenarioRuns, type WhatIfComparison } from '../engine/report/what-if.js';
import { renderReportHtml } from '../engine/report/html/render.js';
import { prepareOutputDir } from '../engine/report/output-dir.js';
import { METADATA_FILE, outputMetadata } from '../engine/report/metadata.js';
import { outputFailure } from './outputs.js';
import { VERSION } from './version.js';
import { formatNumber } from '../engine/text/numbers.js';

/** Options of `greenwave compare`. */
export interface CompareCommandOptions {
  out?: string;
  /** Seeds per scenario (replications), default 10. */
  seeds?: number;
  json?: boolean;
  quiet?: boolean;
  force?: boolean;
  debug?: boolean;
}

const fmt = (v: number, digits = 1): string => formatNumber(v, digits);

/** `greenwave compare`; resolves to the exit code. */
export async function compareCommand(baseFile: string, variantFiles: readonly string[], options: CompareCommandOptions): Promise<number> {
  const log = (text: string): void => { if (options.quiet !== true) process.stderr.write(`${text}\n`); };
  let built: BuiltScenario[];
  let seeds: number[];
  let out: string;
  try {
    if (variantFiles.length === 0) throw new UsageError('compare: give a base scenario and at least one variant scenario');
    const n = options.seeds ?? 10;
    if (!Number.isInteger(n) || n < 2 || n > 1000) throw new UsageError(`--seeds must be an integer from 2 to 1,000 (an interval needs two), got ${n}`);
    built = [];
    for (const file of [baseFile, ...variantFiles]) built.push(buildScenario(await loadScenario(file)));
    const names = built.map((b) => b.scenario.name);
    const dup = names.find((name, i) => names.indexOf(name) !== i);
    if (dup !== undefined) throw new UsageError(`compare: two scenarios are named "${dup}"; give each variant its own name`);
    seeds = Array.from({ length: n }, (_, i) => built[0].seeds[0] + i);
    out = options.out ?? path.join(path.dirname(baseFile), 'out', `compare-${built[0].scenario.name}`);
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (options.debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
  let comparison: WhatIfComparison;
  try {
    const runs: ScenarioRuns[] = built.map((b) => {
      const map = new Map<number, { trips: ReturnType<BuiltScenario['tripsFor']>; result: ReturnType<typeof simulate> }>();
      for (const seed of seeds) {
        log(`  ${b.scenario.name}: seed ${seed}`);
        const trips = seed === b.seeds[0] ? b.trips : b.tripsFor(seed);
        map.set(seed, { trips, result: simulate(b.compiled, trips, b.signals, { ...b.options, seed }) });
      }
      return { name: b.scenario.name, net: b.compiled, runs: map };
    });
    comparison = compareScenarios(runs[0], runs.slice(1), seeds);
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    return 2;
  }
  const files: string[] = [];
  try {
    const prepared = await prepareOutputDir(out, { kind: 'run', scenario: `compare ${built[0].scenario.name}`, scenarioFile: baseFile, seed: seeds[0], version: VERSION }, { names: ['what-if.json', 'report.html', METADATA_FILE], force: options.force === true });
    const dir = await prepared.open();
    files.push(await dir.write('what-if.json', `${JSON.stringify(comparison, null, 2)}\n`));
    const page = renderReportHtml({ provenance: {}, geographic: comparison.geometry.geographic, whatIf: comparison }, { title: `greenwave compare — ${[built[0].scenario.name, ...built.slice(1).map((b) => b.scenario.name)].join(' vs ')}` });
    files.push(await dir.write('report.html', page));
    files.push(await dir.write(METADATA_FILE, `${JSON.stringify(outputMetadata(built[0].compiled, { scenario: built[0].scenario.name, seed: seeds[0], version: VERSION }, 'compare', ['what-if.json', 'report.html']), null, 2)}\n`));
    await dir.commit('complete');
  } catch (error) {
    return outputFailure(error, options.debug === true);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ greenwave: VERSION, base: comparison.base, seeds, variants: comparison.variants.map(({ junctions: _j, links: _l, ...v }) => v), outputs: files }, null, 2)}\n`);
  } else {
    const lines = [`greenwave ${VERSION} — compare on seeds ${seeds[0]}..${seeds[seeds.length - 1]} (${seeds.length}), variant minus ${comparison.base.name}, 95% paired intervals:`];
    for (const v of comparison.variants) {
      const d = v.difference;
      lines.push(`  ${v.name}: ${v.verdict} (${v.verdictReason}); gridlocked ${v.gridlockedSeeds.length} of ${seeds.length}; unfinished ${fmt(d.unfinished.mean, 0)} ± ${fmt(d.unfinished.halfWidth, 0)}; no route ${fmt(d.unroutable.mean, 0)} ± ${fmt(d.unroutable.halfWidth, 0)}; mean delay all trips ${fmt(d.meanDelayAllTrips.mean)} ± ${fmt(d.meanDelayAllTrips.halfWidth)} s`);
    }
    lines.push('', 'outputs:', ...files.map((f) => `  ${f}`));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}
