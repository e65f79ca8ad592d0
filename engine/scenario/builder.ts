/**
 * Building a loaded scenario into what the simulation takes: the `RoadNetwork`,
 * its `CompiledNetwork`, the expanded `TripTable`, compiled signal programs and
 * the run options. Before anything is built, the memory the run will need is
 * estimated (`budget.ts`) and a scenario above the limit is refused.
 *
 * The engine validates as it builds and throws at its first problem
 * (`NetworkError`, `InputError`, `UsageError`). Here every element is added on
 * its own, so one bad link does not hide the next, and each engine error is
 * re-thrown as a `ScenarioError` problem at the scenario path and line it came
 * from (a `NetworkError` on link "L3" field `length` becomes
 * `network.links[2].lengthM`, an `InputError` at `flows[2].rate` becomes
 * `demand.flows[2].vehPerHour`). Problems are collected phase by phase:
 * the network first (nothing else can be checked on a broken one), then demand
 * references, time-independent demand checks and signal programs together
 * (the checks that need the compiled network are in `build-checks.ts`).
 *
 * What only some scenarios need comes from the caller ({@link BuildParts}): the
 * network generators and Webster's method (with the router its flows need).
 * `buildScenario` (build.ts) gives every part up front; the CLI asks
 * {@link buildParts} for those its scenario uses, so validating or running an
 * inline network with fixed plans loads neither.
 */
import { GreenwaveError, InputError, NetworkError, ScenarioError, UsageError } from '../errors.js';
import { compile } from '../network/compile.js';
import { CONTROL_CODE, type CompiledNetwork } from '../network/compiled.js';
import type { corridor, grid, ring } from '../network/generators/index.js';
import { RoadNetwork } from '../network/road-network.js';
import type { TripTable } from '../demand/demand.js';
import { expandDemand } from '../demand/expand.js';
import { createRandom } from '../demand/random.js';
import { checkPlanSafety } from '../signals/safety.js';
import { applyNetworkChanges } from './network-changes.js';
import { compileProgram, type MovementRef, type SignalProgram, type SignalProgramSpec } from '../signals/program.js';
import type { ActuatedOptions } from '../signals/actuated.js';
import type { MaxPressureOptions } from '../signals/max-pressure.js';
import type { SignalControl } from '../signals/control.js';
import { DEFAULT_SIM_OPTIONS } from '../sim/options.js';
import { greenStartLoss } from '../sim/losses.js';
import type { websterForUnprogrammed } from './webster-plans.js';
import type { SimulateOptions } from '../sim/simulate.js';
import type { EquilibriumOptions } from '../optimise/equilibrium/equilibrium.js';
import { parsePath, type PathSegment } from '../text/position.js';
import { ownValue } from '../text/record.js';
import { DEFAULT_MAX_MEMORY_MIB, memoryProblem } from './budget.js';
import { timeKey, type LoadedScenario, type NetworkSource, type ScenarioMovementRef } from './convert.js';
import { checkDemandIds, checkLinkLengths, checkLinkPhysics, inputMessage, networkMessage, Problems, unknownId } from './build-checks.js';

/** A scenario ready to simulate: `simulate(built.compiled, built.trips, built.signals, built.options)`. */
export interface BuiltScenario {
  /** The loaded scenario this was built from. */
  scenario: LoadedScenario;
  /** The network, for analysis and reports. */
  network: RoadNetwork;
  /** The compiled network, for the kernel and workers. */
  compiled: CompiledNetwork;
  /** Demand expanded with the first replication's seed (`seeds[0]`). */
  trips: TripTable;
  /**
   * Compiled programs (with `signals.default: webster`, Webster plans for the
   * junctions without one; otherwise those get the kernel's default plan) and the
   * controller kind driving them (`signals.default`; with `actuated`, the options
   * of `signals.actuated` that the file gives).
   */
  signals: { programs: SignalProgram[]; control: SignalControl };
  /** Options of `simulate` (SI; seed of the first replication). */
  options: SimulateOptions;
  /** Number of replications. */
  replications: number;
  /** Seed of each replication: seed, seed + 1, ... */
  seeds: number[];
  /** Output directory (relative to the working directory unless absolute) and files to write. */
  outputs: LoadedScenario['outputs'];
  /** Demand expanded for `seed` (each replication has its own demand stream). */
  tripsFor(seed: number): TripTable;
  /** `simulation.routeChoice`: at departure (default), or dynamic user equilibrium (`equilibrate`, engine/optimise/equilibrium). */
  routeChoice: 'departure' | 'equilibrium';
  /** With `equilibrium`: the settings the file gives (`equilibrate`'s options; the rest default). */
  equilibrium: Partial<EquilibriumOptions>;
}

const JUNCTION_FIELDS: Readonly<Record<string, string>> = { x: 'xM', y: 'yM' };
const LINK_FIELDS: Readonly<Record<string, string>> = {
  length: 'lengthM', speed: 'speedKmh', saturationFlow: 'saturationVehPerHourPerLane', jamSpacing: 'jamSpacingM',
};
const GENERATOR_FIELDS: Readonly<Record<string, string>> = {
  ...LINK_FIELDS, spacing: 'spacingM', attachLength: 'attachLengthM', endLength: 'endLengthM', sideLength: 'sideLengthM',
  sideSpeed: 'sideSpeedKmh', spokeLength: 'spokeLengthM', radius: 'radiusM',
};
const PROGRAM_FIELDS: Readonly<Record<string, string>> = {
  duration: 'greenS', yellow: 'yellowS', allRed: 'allRedS', minGreen: 'minGreenS', maxGreen: 'maxGreenS', offset: 'offsetS', cycle: 'cycleS',
};
const IMPORT_NAMES = { sumo: 'SUMO', cityflow: 'CityFlow', osm: 'OpenStreetMap', tntp: 'TNTP' } as const;

function buildInline(source: Extract<NetworkSource, { kind: 'inline' }>, network: RoadNetwork, problems: Problems): void {
  const failed = new Set<string>();
  source.junctions.forEach((j, i) => {
    try {
      network.addJunction(j);
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
      if (e.field !== 'id') failed.add(j.id);
      problems.add(['network', 'junctions', i, ownValue(JUNCTION_FIELDS, e.field) ?? e.field], networkMessage(e));
    }
  });
  const badLinks = new Set<string>();
  source.links.forEach((l, i) => {
    let ok = true;
    for (const field of ['from', 'to'] as const) {
      if (network.graph.hasNode(l[field])) continue;
      ok = false;
      if (!failed.has(l[field])) problems.add(['network', 'links', i, field], unknownId('junction', l[field], () => network.graph.nodes()));
    }
    if (!ok) {
      badLinks.add(l.id);
      return;
    }
    try {
      network.addLink(l);
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
      if (e.field !== 'id') badLinks.add(l.id);
      problems.add(['network', 'links', i, ownValue(LINK_FIELDS, e.field) ?? e.field], networkMessage(e));
    }
  });
  if (source.movements === undefined) {
    if (problems.list.length === 0) network.addDefaultMovements();
    return;
  }
  source.movements.forEach((m, i) => {
    let ok = true;
    for (const field of ['from', 'to'] as const) {
      if (network.graph.hasEdge(m[field])) continue;
      ok = false;
      if (!badLinks.has(m[field])) problems.add(['network', 'movements', i, field], unknownId('link', m[field], () => network.graph.edges()));
    }
    if (!ok) return;
    try {
      network.addMovement(m);
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
      problems.add(e.field === '' ? ['network', 'movements', i] : ['network', 'movements', i, e.field], networkMessage(e));
    }
  });
}

/** Scenario path of a generator argument named in a `UsageError` (`grid.options.spacing must ...`). */
function generatorProblem(e: UsageError, problems: Problems): void {
  const m = /^(grid|corridor|ring)\.(options\.)?([A-Za-z]+)((?:\[\d+\])?)(?:\.([A-Za-z]+))? (.*)$/s.exec(e.message);
  if (m === null) {
    problems.add(['network'], e.message);
    return;
  }
  const [, fn, option, name, index, sub, rest] = m;
  // corridor(signals, spacing): the count argument is `junctions` in a scenario.
  const key = fn === 'corridor' && option === undefined && name === 'signals' ? 'junctions' : ownValue(GENERATOR_FIELDS, name) ?? name;
  const path: PathSegment[] = ['network', key, ...parsePath(index)];
  if (sub !== undefined) path.push(name === 'origin' ? `${sub}M` : sub);
  problems.add(path, rest);
}

function buildNetwork(loaded: LoadedScenario, problems: Problems, parts: BuildParts): RoadNetwork | undefined {
  const source = loaded.network;
  try {
    switch (source.kind) {
      case 'inline': {
        const network = new RoadNetwork({ drivingSide: loaded.drivingSide });
        buildInline(source, network, problems);
        return network;
      }
      case 'grid':
        return part(parts, 'grid')(source.rows, source.cols, source.options);
      case 'corridor':
        return part(parts, 'corridor')(source.junctions, source.spacing, source.options);
      case 'ring':
        return part(parts, 'ring')(source.junctions, source.radius, source.options);
      case 'import':
        if (loaded.imported === undefined) {
          problems.add(['network', 'import'], `the ${IMPORT_NAMES[source.format]} network ${source.file} was not imported: load the scenario with loadScenario (parseScenario does not read other files)`);
          return undefined;
        }
        return loaded.imported.network;
    }
  } catch (e) {
    if (e instanceof UsageError) generatorProblem(e, problems);
    else if (e instanceof NetworkError) problems.add(['network'], e.message);
    else throw e;
    return undefined;
  }
}

/** Scenario path of a demand `InputError` path (`flows[2].rate` -> `demand.flows[2].vehPerHour`). */
function demandPath(loaded: LoadedScenario, enginePath: string): PathSegment[] {
  const segs = parsePath(enginePath);
  if (segs[0] === 'demand' || segs.length === 0) return ['demand'];
  const [kind, index, field] = segs;
  const raw = (loaded.source.demand as Record<string, Array<Record<string, unknown>> | undefined>)[String(kind)]?.[Number(index)];
  const out: PathSegment[] = ['demand', ...segs];
  const timed = (name: string, at: number, record: object | undefined): void => {
    const key = record === undefined ? undefined : timeKey(record, name);
    if (key === undefined) out.splice(at); // defaulted: point at the element
    else out[at] = key;
  };
  if (field === 'rate') out[3] = 'vehPerHour';
  else if (field === 'trips' && kind === 'od') out[3] = 'vehPerHour';
  else if (field === 'depart' || field === 'begin' || field === 'end') timed(field, 3, raw);
  else if (field === 'profile' && segs[4] !== undefined && segs[5] === 'time') {
    timed('time', 5, (raw?.profile as object[] | undefined)?.[Number(segs[4])]);
  }
  return out;
}

/** `"fromLink>toLink"` resolved against the network: the split where both halves are links (and, if several, a movement). */
function resolveMovement(text: string, compiled: CompiledNetwork): MovementRef | string {
  const splits: MovementRef[] = [];
  for (let i = text.indexOf('>'); i >= 0; i = text.indexOf('>', i + 1)) {
    const from = text.slice(0, i).trim();
    const to = text.slice(i + 1).trim();
    if (compiled.linkIndex(from) >= 0 && compiled.linkIndex(to) >= 0) splits.push({ from, to });
  }
  if (splits.length === 1) return splits[0];
  if (splits.length > 1) {
    const permitted = splits.filter((s) => compiled.movementBetween(compiled.linkIndex(s.from), compiled.linkIndex(s.to)) >= 0);
    if (permitted.length === 1) return permitted[0];
    return `expected one way to read "fromLink>toLink", found ${splits.length} in ${JSON.stringify(text)}; write { from, to } instead`;
  }
  const cut = text.indexOf('>');
  const links = Array.from({ length: compiled.linkCount }, (_, l) => compiled.linkKey(l));
  if (text.indexOf('>', cut + 1) < 0) {
    const from = text.slice(0, cut).trim();
    const to = text.slice(cut + 1).trim();
    const bad = compiled.linkIndex(from) < 0 ? from : to;
    return `expected "fromLink>toLink" naming two links, found ${JSON.stringify(text)}: ${unknownId('link', bad, () => links)}`;
  }
  return `expected "fromLink>toLink" naming two links, found ${JSON.stringify(text)} (no split of it names two links; write { from, to } instead)`;
}

/** Scenario names of the phase times a safety issue points at. */
const SAFETY_FIELDS: Record<string, string> = { duration: 'greenS', yellow: 'yellowS', allRed: 'allRedS' };

function buildPrograms(loaded: LoadedScenario, compiled: CompiledNetwork, problems: Problems): SignalProgram[] {
  // signals.safety.junctions names signal-controlled junctions of the network.
  for (const id of Object.keys(loaded.signals.safety.junctions ?? {})) {
    const j = compiled.junctionIndex(id);
    const path: PathSegment[] = ['signals', 'safety', 'junctions', id];
    if (j < 0) problems.add(path, `expected a junction id of the network, found ${JSON.stringify(id)} (no such junction)`);
    else if (compiled.junctionControl[j] !== CONTROL_CODE.signal) problems.add(path, `expected a signal-controlled junction (the safety check covers signals), found ${JSON.stringify(id)} with control ${compiled.control(j)}`);
  }
  // signals.pinPhaseOrder names signal-controlled junctions of the network.
  const pins = loaded.signals.pinPhaseOrder;
  (Array.isArray(pins) ? pins : []).forEach((id, k) => {
    const j = compiled.junctionIndex(id);
    const path: PathSegment[] = ['signals', 'pinPhaseOrder', k];
    if (j < 0) problems.add(path, `expected a junction id of the network, found ${JSON.stringify(id)} (no such junction)`);
    else if (compiled.junctionControl[j] !== CONTROL_CODE.signal) problems.add(path, `expected a signal-controlled junction, found ${JSON.stringify(id)} with control ${compiled.control(j)}`);
  });
  const programs: SignalProgram[] = [];
  const byJunction = new Map<string, number>();
  loaded.signals.programs.forEach((p, i) => {
    const base: PathSegment[] = ['signals', 'programs', i];
    const before = byJunction.get(p.junction);
    if (before !== undefined) {
      problems.add([...base, 'junction'], `expected one program per junction, found a second for ${JSON.stringify(p.junction)} (the first is signals.programs[${before}])`);
      return;
    }
    byJunction.set(p.junction, i);
    let ok = true;
    const refs = (list: ScenarioMovementRef[] | undefined, key: 'green' | 'permissive', j: number): MovementRef[] | undefined =>
      list?.map((ref, k) => {
        if (typeof ref !== 'string') return ref;
        const resolved = resolveMovement(ref, compiled);
        if (typeof resolved === 'string') {
          ok = false;
          problems.add([...base, 'phases', j, key, k], resolved);
          return { from: '', to: '' };
        }
        return resolved;
      });
    const spec: SignalProgramSpec = {
      ...p,
      phases: p.phases.map((ph, j) => ({ ...ph, green: refs(ph.green, 'green', j) ?? [], permissive: refs(ph.permissive, 'permissive', j) })),
    };
    if (!ok) return;
    try {
      programs.push(compileProgram(compiled, spec, `signals.programs[${i}]`));
      // Plan safety (signals/safety.ts): conflicting protected movements, pedestrian minimum greens, ITE clearances.
      for (const issue of loaded.signals.safetyCheck ? checkPlanSafety(compiled, [spec], loaded.signals.safety) : []) {
        const m = /^phases\[(\d+)\]\.(green\[(\d+)\]|duration|yellow|allRed)$/.exec(issue.at);
        const field = m?.[2].startsWith('green') ? ['green', Number(m[3])] : [SAFETY_FIELDS[m?.[2] ?? 'duration']];
        problems.add([...base, 'phases', Number(m?.[1] ?? 0), ...field], issue.message);
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const path = parsePath(e.path);
      const last = path[path.length - 1];
      const field = typeof last === 'string' ? ownValue(PROGRAM_FIELDS, last) : undefined;
      if (field !== undefined) path[path.length - 1] = field;
      problems.add(path, inputMessage(e).replace("duration + yellow + allRed", 'greenS + yellowS + allRedS'));
    }
  });
  return programs;
}

/**
 * The controller options of `signals.actuated` (`gapS` -> `gap`, `detectorGapS` ->
 * `detectorGap`, `detectorDistanceM` -> `detectorDistance`; seconds and metres are
 * already SI, so only the names change), only the fields the file gives. They
 * apply to `default: actuated` only: with any other default they are a located
 * problem rather than silently ignored.
 */
function actuatedOptions(loaded: LoadedScenario, problems: Problems): ActuatedOptions {
  const given = loaded.source.signals?.actuated;
  if (given === undefined) return {};
  if (loaded.signals.default !== 'actuated') {
    problems.add(
      ['signals', 'actuated'],
      `signals.actuated only applies with default: actuated, but default is ${JSON.stringify(loaded.signals.default)}: set default: actuated or remove signals.actuated`,
    );
    return {};
  }
  const options: ActuatedOptions = {};
  if (given.gapS !== undefined) options.gap = given.gapS;
  if (given.detectorGapS !== undefined) options.detectorGap = given.detectorGapS;
  if (given.detectorDistanceM !== undefined) options.detectorDistance = given.detectorDistanceM;
  return options;
}

/** Max-pressure settings from `signals.maxPressure` (a problem unless default is max-pressure). */
function maxPressureOptions(loaded: LoadedScenario, problems: Problems): Omit<MaxPressureOptions, 'turnRatios'> {
  const given = loaded.source.signals?.maxPressure;
  if (given === undefined) return {};
  if (loaded.signals.default !== 'max-pressure') {
    problems.add(
      ['signals', 'maxPressure'],
      `signals.maxPressure only applies with default: max-pressure, but default is ${JSON.stringify(loaded.signals.default)}: set default: max-pressure or remove signals.maxPressure`,
    );
    return {};
  }
  const options: Omit<MaxPressureOptions, 'turnRatios'> = {};
  if (given.intervalS !== undefined) options.interval = given.intervalS;
  if (given.minGreenS !== undefined) options.minGreen = given.minGreenS;
  if (given.interGreen !== undefined) options.interGreen = given.interGreen;
  if (given.pressure !== undefined) options.pressure = given.pressure;
  if (given.ties !== undefined) options.ties = given.ties;
  if (given.eligiblePhases !== undefined) options.eligiblePhases = given.eligiblePhases;
  return options;
}

/**
 * What only some scenarios need, given by the caller of {@link buildScenarioWith}:
 * the network generators (a `grid`, `corridor` or `ring` network) and Webster's
 * method (`signals.default: webster`). A scenario that needs a part it was not
 * given is an internal error.
 */
export interface BuildParts {
  grid?: typeof grid;
  corridor?: typeof corridor;
  ring?: typeof ring;
  webster?: typeof websterForUnprogrammed;
}

/** The parts `loaded` needs, each module imported only then (the generators, Webster's method and the router). */
export async function buildParts(loaded: LoadedScenario): Promise<BuildParts> {
  const parts: BuildParts = {};
  const kind = loaded.network.kind;
  if (kind === 'grid' || kind === 'corridor' || kind === 'ring') {
    const { grid, corridor, ring } = await import('../network/generators/index.js');
    Object.assign(parts, { grid, corridor, ring });
  }
  if (loaded.signals.default === 'webster') parts.webster = (await import('./webster-plans.js')).websterForUnprogrammed;
  return parts;
}

/** A part `parts` must hold for this scenario. */
function part<K extends keyof BuildParts>(parts: BuildParts, name: K): NonNullable<BuildParts[K]> {
  const found = parts[name];
  if (found === undefined) throw new Error(`internal: the build of this scenario needs the ${name} part (see buildParts)`);
  return found as NonNullable<BuildParts[K]>;
}

/** Options of {@link buildScenarioWith} (and `buildScenario`). */
export interface BuildOptions {
  /** Memory the run may plan for, MiB (default {@link DEFAULT_MAX_MEMORY_MIB}); a larger estimate is refused before building. */
  maxMemoryMiB?: number;
  /** How a user raises that limit, named in the message. Default: the maxMemoryMiB option. */
  raiseMemoryWith?: string;
}

/**
 * Build `loaded` into a network, demand, signal programs and run options, with
 * the `parts` it needs ({@link buildParts}; `buildScenario` gives them all).
 * Throws `ScenarioError` with every problem found (see the file header for the
 * phases), located in the scenario file. A scenario that would need more memory
 * than `limits.maxMemoryMiB` is refused first, with the estimate.
 */
export function buildScenarioWith(loaded: LoadedScenario, limits: BuildOptions, parts: BuildParts): BuiltScenario {
  const tooBig = memoryProblem(loaded, limits.maxMemoryMiB ?? DEFAULT_MAX_MEMORY_MIB, limits.raiseMemoryWith ?? 'the maxMemoryMiB option');
  if (tooBig !== undefined) throw new ScenarioError([tooBig]);
  const problems = new Problems(loaded);
  const network = buildNetwork(loaded, problems, parts);
  if (network === undefined || problems.list.some((p) => p.path.startsWith('network'))) problems.throwIfAny();
  if (network === undefined) throw new Error('internal: no network and no problem');
  if (loaded.networkChanges !== undefined && loaded.networkChanges.length > 0) applyNetworkChanges(network, loaded.networkChanges);

  let compiled: CompiledNetwork;
  try {
    compiled = compile(network);
  } catch (e) {
    if (!(e instanceof GreenwaveError)) throw e;
    problems.add(['network'], e.message);
    problems.throwIfAny();
    throw e;
  }
  checkLinkPhysics(loaded, compiled, problems);
  checkLinkLengths(loaded, compiled, problems);
  if (loaded.imported?.noCrossings !== undefined && loaded.imported.noCrossings.length > 0) {
    // Where the source models no pedestrian crossing, no pedestrian minimum green (unless the scenario says otherwise).
    const junctions = { ...loaded.signals.safety.junctions };
    for (const id of loaded.imported.noCrossings) junctions[id] = { pedestrians: false, ...junctions[id] };
    loaded.signals.safety = { ...loaded.signals.safety, junctions };
  }
  if (loaded.signals.safety.clearances === 'program') {
    // clearances: program: the junctions whose program is read from the input (the scenario's, the import's) keep its yellow and all-red as their floor.
    const junctions = { ...loaded.signals.safety.junctions };
    for (const id of [...loaded.signals.programs.map((p) => p.junction), ...(loaded.imported?.programs ?? []).map((p) => p.junction)]) {
      const j = typeof id === 'string' ? compiled.junctionIndex(id) : -1;
      // (a program at an unknown or unsignalised junction is reported at the program, not here)
      if (j >= 0 && compiled.junctionControl[j] === CONTROL_CODE.signal) junctions[id as string] = { ...junctions[id as string], clearances: 'program' };
    }
    loaded.signals.safety = { ...loaded.signals.safety, junctions };
  }
  const programs = buildPrograms(loaded, compiled, problems);
  if (loaded.imported !== undefined) {
    // The source's own programs run where the scenario gives none.
    const given = new Set(programs.map((p) => p.junction));
    loaded.imported.programs.forEach((spec, i) => {
      const program = compileProgram(compiled, spec, `${loaded.imported!.format} programs[${i}]`);
      if (!given.has(program.junction)) programs.push(program);
    });
  }
  const actuated = actuatedOptions(loaded, problems);
  const maxPressure = maxPressureOptions(loaded, problems);
  const equilibrium = equilibriumOptions(loaded, problems);
  // Every unknown id of the demand at once (expansion stops at the first). Expansion looks
  // every id up anyway, so a sound scenario is not checked twice: only one with a problem.
  if (problems.list.length > 0) checkDemandIds(loaded, compiled, problems);
  problems.throwIfAny();

  const tripsFor = (seed: number): TripTable => {
    try {
      return expandDemand(compiled, loaded.demand, createRandom(seed).fork('demand'));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      checkDemandIds(loaded, compiled, problems);
      if (problems.list.length === 0) problems.add(demandPath(loaded, e.path), inputMessage(e));
      problems.throwIfAny();
      throw e;
    }
  };
  const sim = loaded.simulation;
  const trips = tripsFor(sim.seed);
  const kind = loaded.signals.default;
  const options: SimulateOptions = { start: sim.start, end: sim.end, seed: sim.seed };
  if (sim.gridlockTimeout !== undefined) options.gridlockTimeout = sim.gridlockTimeout;
  // Routing at departure: the scenario's settings over the imported source's (SUMO: its rerouting device's speeds and minor penalty).
  const routing = loaded.imported?.routing;
  const routingInterval = sim.routingInterval ?? routing?.interval;
  if (routingInterval !== undefined) options.routingInterval = routingInterval;
  const routingCosts = sim.routingCosts ?? routing?.costs;
  if (routingCosts !== undefined) options.routingCosts = routingCosts;
  const routingWindow = sim.routingWindow ?? routing?.window;
  if (routingWindow !== undefined) options.routingWindow = routingWindow;
  const minorPenalty = sim.minorPenalty ?? routing?.minorPenalty;
  if (minorPenalty !== undefined) options.minorPenalty = minorPenalty;
  if (sim.rerouteShare !== undefined) options.rerouteShare = sim.rerouteShare;
  if (sim.stopThreshold !== undefined) options.stopThreshold = sim.stopThreshold;
  const sharedLanes = sim.sharedLanes ?? loaded.imported?.sharedLanes;
  if (sharedLanes !== undefined) options.sharedLanes = sharedLanes;
  const arriveAtStopLine = sim.arriveAtStopLine ?? loaded.imported?.arriveAtStopLine;
  if (arriveAtStopLine !== undefined) options.arriveAtStopLine = arriveAtStopLine;
  // The vehicle class: the scenario's fields over the imported source's class over SUMO's default.
  const vehicle = loaded.imported?.vehicle;
  if (vehicle !== undefined || sim.vehicle !== undefined) options.vehicle = { ...DEFAULT_SIM_OPTIONS.vehicle, ...vehicle, ...sim.vehicle };
  if (sim.interval !== undefined) options.interval = sim.interval;
  if (kind === 'webster') programs.push(...part(parts, 'webster')(compiled, trips, programs, greenStartLoss(options.vehicle ?? DEFAULT_SIM_OPTIONS.vehicle)));
  const control: SignalControl = kind === 'actuated' ? { kind, ...actuated } : kind === 'max-pressure' ? { kind, ...maxPressure } : { kind: 'fixed' };
  return {
    scenario: loaded,
    network,
    compiled,
    trips,
    signals: { programs, control },
    options,
    replications: sim.replications,
    seeds: Array.from({ length: sim.replications }, (_, r) => sim.seed + r),
    outputs: loaded.outputs,
    tripsFor,
    routeChoice: sim.routeChoice ?? 'departure',
    equilibrium,
  };
}

/** Equilibrium settings from `simulation.equilibrium` (a problem unless routeChoice is equilibrium, or with en-route re-routing). */
function equilibriumOptions(loaded: LoadedScenario, problems: Problems): Partial<EquilibriumOptions> {
  const sim = loaded.simulation;
  if (sim.routeChoice === 'equilibrium' && sim.rerouteShare !== undefined && sim.rerouteShare > 0) {
    problems.add(
      ['simulation', 'rerouteShare'],
      `simulation.rerouteShare re-routes vehicles en route, which routeChoice: equilibrium does not model (its drivers keep the route they learnt): remove rerouteShare or set it to 0, found ${sim.rerouteShare}`,
    );
  }
  const given = sim.equilibrium;
  if (given === undefined) return {};
  if (sim.routeChoice !== 'equilibrium') {
    problems.add(
      ['simulation', 'equilibrium'],
      `simulation.equilibrium only applies with routeChoice: equilibrium, but routeChoice is ${JSON.stringify(sim.routeChoice ?? 'departure')}: set routeChoice: equilibrium or remove simulation.equilibrium`,
    );
    return {};
  }
  if (given.method === 'gawron') {
    for (const key of ['gapCosts', 'costSmoothing'] as const) {
      if (given[key] !== undefined) {
        problems.add(
          ['simulation', 'equilibrium', key],
          `simulation.equilibrium.${key} applies to method: swap only (method: gawron keeps each route's time with gawronBeta): remove ${key} or use method: swap`,
        );
      }
    }
  }
  return { ...given };
}
