/**
 * The user's own SUMO files behind a scenario, so plans are written onto the
 * original network (its tlLogic ids, link indices and state-string lengths) and
 * checked there, never on a network greenwave re-exported.
 *
 * Where they come from: `--sumo <files...>` (a `.net.xml`, route files,
 * additional files, a `.sumocfg`, in any order: each is classified by its root
 * element), else a scenario whose network is `{ import: "sumo", file }` (the files
 * that import read). With `--sumo` the network is imported again to learn its
 * link indices, and refused (`UsageError`) unless every link of the scenario is
 * an edge of that network with the same ends: a plan's state strings are only
 * right on the network the scenario was imported from.
 */
import path from 'node:path';
import { UsageError } from '../engine/errors.js';
import type { BuiltScenario } from '../engine/scenario/index.js';
import type { ImportResult } from '../engine/io/types.js';
import type { TlTopology } from '../engine/io/sumo/detector-check.js';

/** The SUMO files of a scenario and what a plan needs to be written onto them. */
export interface SumoTarget {
  /** The original network file. */
  net: string;
  /** Route files (demand) SUMO runs; may be empty when only a plan is written. */
  routes: string[];
  /** Additional files of the scenario's own programs (e.g. a re-timed plan), loaded before a plan written here. */
  additional: string[];
  /** Simulated period of the configuration, s, if it gives one. */
  begin?: number;
  end?: number;
  /** greenwave movement -> SUMO link indices, per signalised junction. */
  signalIndex: NonNullable<ImportResult['signalIndex']>;
  /** Links per SUMO traffic light of the network (state-string length). */
  linkCounts: Map<string, number>;
  /** Per SUMO traffic light, the links its programs show "green after stopping" (`s`) and never `g`: written `s` where a plan shows them permissive. */
  stopLinks: Map<string, Set<number>>;
  /** Per SUMO traffic light, the lanes of its links: where SUMO's actuated programs put their loops. */
  topology: Map<string, TlTopology>;
}

/** Files by kind, read from their root elements; a configuration adds the files it names that are not given. */
async function classified(files: readonly string[]): Promise<{ net?: string; routes: string[]; additional: string[]; begin?: number; end?: number }> {
  const { sumoFileKind } = await import('../engine/io/sumo/classify.js');
  const out: { net?: string; routes: string[]; additional: string[]; begin?: number; end?: number } = { routes: [], additional: [] };
  let config: string | undefined;
  for (const file of files) {
    const kind = await sumoFileKind(file);
    if (kind === 'net') {
      if (out.net !== undefined) throw new UsageError(`--sumo: two networks (${out.net}, ${file}); give one`);
      out.net = file;
    } else if (kind === 'routes') out.routes.push(file);
    else if (kind === 'additional') out.additional.push(file);
    else {
      if (config !== undefined) throw new UsageError(`--sumo: two configurations (${config}, ${file}); give one`);
      config = file;
    }
  }
  if (config !== undefined) {
    const { readConfigFile } = await import('../engine/io/sumo/config-file.js');
    const c = await readConfigFile(config);
    out.net ??= c.net;
    if (out.routes.length === 0) out.routes.push(...c.routes);
    if (out.additional.length === 0) out.additional.push(...c.additional);
    if (c.begin !== undefined) out.begin = c.begin;
    if (c.end !== undefined) out.end = c.end;
  }
  return out;
}

/** Throws unless every link of the scenario is an edge of `imported` with the same ends. */
function checkSameNetwork(built: BuiltScenario, imported: ImportResult, net: string): void {
  const graph = imported.network.graph;
  let missing = 0;
  let example = '';
  for (const link of built.network.links()) {
    const same = graph.hasEdge(link.id) && graph.source(link.id) === link.from && graph.target(link.id) === link.to;
    if (!same) {
      missing++;
      example ||= link.id;
    }
  }
  if (missing > 0) {
    throw new UsageError(`--sumo: ${net} is not the network scenario "${built.scenario.name}" was imported from: ${missing} of its ${built.network.linkCount} links are not edges of it with the same junctions (e.g. "${example}")`);
  }
}

/**
 * The SUMO target of `built`: from `files` (`--sumo`) when given, else from the
 * scenario's own SUMO import; undefined when neither says (a network not from SUMO).
 */
export async function sumoTargetOf(built: BuiltScenario, files: readonly string[] | undefined): Promise<SumoTarget | undefined> {
  const { readTlLinks } = await import('../engine/io/sumo/tl-sizes.js');
  const links = async (net: string) => {
    const { counts, stopLinks, topology } = await readTlLinks(net);
    return { linkCounts: counts, stopLinks, topology };
  };
  const imported = built.scenario.imported;
  if (files !== undefined && files.length > 0) {
    const given = await classified(files);
    if (given.net === undefined) throw new UsageError(`--sumo: no network among ${files.join(', ')} (a file with root <net>, or a .sumocfg naming one)`);
    const { importSumo } = await import('../engine/io/sumo/import.js');
    const network = await importSumo({ net: given.net });
    checkSameNetwork(built, network, given.net);
    return { ...given, net: given.net, signalIndex: network.signalIndex ?? {}, ...(await links(given.net)) };
  }
  if (imported?.format !== 'sumo' || imported.signalIndex === undefined) return undefined;
  const given = await classified(imported.files.map((f) => path.resolve(f)));
  if (given.net === undefined) return undefined;
  return { ...given, net: given.net, signalIndex: imported.signalIndex, ...(await links(given.net)) };
}

/** True when the scenario says it was imported from SUMO files but names no SUMO network to write onto. */
export function importedFromSumoInline(built: BuiltScenario): boolean {
  return built.scenario.imported === undefined && /^Imported from sumo files/.test(built.scenario.source.description ?? '');
}
