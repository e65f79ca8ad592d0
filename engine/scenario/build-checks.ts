/**
 * The checks `buildScenario` makes on a compiled network that the schema
 * cannot (they need the network), and the located-problem collector they
 * share: link physics (saturation flow against speed and jam spacing), link
 * lengths made by coordinates or generators, and the ids the demand names.
 * Each problem is located at the scenario path and line it came from.
 */
import { ScenarioError, type InputError, type NetworkError, type ScenarioProblem } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { formatPath, type PathSegment } from '../text/position.js';
import type { LoadedScenario } from './convert.js';
import { suggest } from './suggest.js';

/** Collects located problems for one scenario. */
export class Problems {
  readonly list: ScenarioProblem[] = [];
  constructor(private readonly loaded: LoadedScenario) {}

  add(path: readonly PathSegment[], message: string): void {
    const elsewhere = this.loaded.relocate?.(path);
    if (elsewhere !== undefined) {
      this.list.push({ ...elsewhere, message });
      return;
    }
    const at = this.loaded.locate(path);
    this.list.push({ file: this.loaded.file, ...(at ? { line: at.line, column: at.column } : {}), path: formatPath(path), message });
  }

  /** Throw a `ScenarioError` if any problem was found. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ScenarioError(this.list);
  }
}

/** The text of a `NetworkError` after its `element "id": field` prefix. */
export function networkMessage(e: NetworkError): string {
  const where = e.id === '' ? e.element : `${e.element} "${e.id}"`;
  const prefix = e.field === '' ? `${where}: ` : `${where}: ${e.field} `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/** The text of an `InputError` after its `path: ` prefix. */
export function inputMessage(e: InputError): string {
  return e.message.startsWith(`${e.path}: `) ? e.message.slice(e.path.length + 2) : e.message;
}

/** "unknown junction \"X\"" with a guess, or the first ids of the network. */
export function unknownId(kind: 'junction' | 'link', id: string, known: () => string[]): string {
  const ids = known();
  const guess = suggest(id, ids);
  if (guess !== undefined) return `unknown ${kind} ${JSON.stringify(id)}; did you mean ${JSON.stringify(guess)}?`;
  const some = ids.slice(0, 8).map((k) => JSON.stringify(k)).join(', ');
  return `unknown ${kind} ${JSON.stringify(id)} (the network has ${ids.length} ${kind}s${ids.length > 0 ? `: ${some}${ids.length > 8 ? ', ...' : ''}` : ''})`;
}

/**
 * A link discharges at most speed / jamSpacing vehicles per second per lane (the
 * triangular fundamental diagram needs a positive backward wave speed); the
 * kernel refuses anything else, so say so here, at the field.
 */
export function checkLinkPhysics(loaded: LoadedScenario, compiled: CompiledNetwork, problems: Problems): void {
  const source = loaded.network;
  const inlineIndex = new Map<string, number>();
  if (source.kind === 'inline') source.links.forEach((l, i) => inlineIndex.set(l.id, i));
  const reported = new Set<string>();
  for (let l = 0; l < compiled.linkCount; l++) {
    const s = compiled.linkSaturationFlow[l];
    const v = compiled.linkSpeed[l];
    const jam = compiled.linkJamSpacing[l];
    if (s < v / jam) continue;
    const id = compiled.linkKey(l);
    const i = inlineIndex.get(id);
    // Point at the saturation flow if the file gives one, else at the speed that is too low for the default.
    const given = source.kind === 'inline' ? source.links[i ?? 0]?.saturationFlow : source.kind !== 'import' ? source.options.saturationFlow : undefined;
    const field = given === undefined ? 'speedKmh' : 'saturationVehPerHourPerLane';
    const path: PathSegment[] = i === undefined ? ['network', field] : ['network', 'links', i, field];
    const key = formatPath(path);
    if (reported.has(key)) continue;
    reported.add(key);
    const r = (x: number): number => Math.round(x * 10) / 10;
    problems.add(
      path,
      `expected speed / jam spacing (${r((v / jam) * 3600)} veh/h per lane at ${r(v * 3.6)} km/h and ${jam} m) above the saturation flow ` +
        `(${r(s * 3600)} veh/h per lane) on link ${JSON.stringify(id)}: raise speedKmh or lower saturationVehPerHourPerLane`,
    );
  }
}

/**
 * Links made longer than the documented range by their junctions' coordinates
 * (an inline link without lengthM) or by a generator's geometry (a wide ring):
 * the range of lengthM holds for every link, given or computed.
 */
export function checkLinkLengths(loaded: LoadedScenario, compiled: CompiledNetwork, problems: Problems): void {
  const max = LIMITS.lengthM.max;
  const source = loaded.network;
  for (let l = 0; l < compiled.linkCount; l++) {
    const length = compiled.linkLength[l];
    if (length <= max) continue;
    const id = compiled.linkKey(l);
    const message = `expected links of at most ${max.toLocaleString('en')} m (${LIMITS.lengthM.whyMax}), found link ${JSON.stringify(id)} of ${Math.round(length).toLocaleString('en')} m`;
    if (source.kind === 'inline') {
      const i = source.links.findIndex((x) => x.id === id);
      problems.add(['network', 'links', i, 'lengthM'], `${message}: its junctions are that far apart; check their xM and yM`);
    } else {
      problems.add(['network'], message);
      return; // one is enough for a generated or imported network
    }
  }
}

/** Every junction and link id the demand names must exist: all unknown ids are reported at once. */
export function checkDemandIds(loaded: LoadedScenario, compiled: CompiledNetwork, problems: Problems): void {
  const junctions = (): string[] => Array.from({ length: compiled.junctionCount }, (_, j) => compiled.junctionKey(j));
  const links = (): string[] => Array.from({ length: compiled.linkCount }, (_, l) => compiled.linkKey(l));
  const junction = (id: string | undefined, path: PathSegment[]): void => {
    if (id !== undefined && compiled.junctionIndex(id) < 0) problems.add(path, unknownId('junction', id, junctions));
  };
  const link = (id: string | undefined, path: PathSegment[]): void => {
    if (id !== undefined && compiled.linkIndex(id) < 0) problems.add(path, unknownId('link', id, links));
  };
  const { trips, flows, od } = loaded.demand;
  for (const [kind, list] of [['trips', trips], ['flows', flows]] as const) {
    list?.forEach((t, i) => {
      const base: PathSegment[] = ['demand', kind, i];
      junction(t.from, [...base, 'from']);
      junction(t.to, [...base, 'to']);
      link(t.fromLink, [...base, 'fromLink']);
      link(t.toLink, [...base, 'toLink']);
      t.route?.forEach((r, k) => link(r, [...base, 'route', k]));
    });
  }
  od?.forEach((m, i) => m.zones.forEach((z, k) => junction(z, ['demand', 'od', i, 'zones', k])));
}

