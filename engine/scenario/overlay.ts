/**
 * What-if overlays: a scenario written as a list of changes to another.
 *
 *     name: lane-closed
 *     base: today.yaml              # the scenario changed (path relative to this file)
 *     changes:
 *       - closeLink: WC             # a road closed: the link and its turns go
 *       - link: NC                  # a lane closed, a new speed limit
 *         lanes: 1
 *         speedKmh: 30
 *       - addLink: { id: NE, from: N, to: E, speedKmh: 40 }   # a new road, with every turn into and out of it
 *       - retime: { junction: C, phases: [...] }              # a signal re-timed: the junction's program replaced
 *       - scaleDemand: 1.1          # demand +10%
 *       - addFlows:                 # new demand, as demand.flows writes it
 *           - { from: N, to: E, vehPerHour: 200, begin: "07:30", end: "08:30" }
 *
 * The base loads as it would on its own (its problems located in its file);
 * the changes apply in order, demand and signal changes at load, network
 * changes when the scenario is built (they need the network: network-changes.ts),
 * each problem located in the overlay file at the change. A closed link's
 * movements leave the programs that showed them; a phase left with no movement,
 * and a program left with no phase, go with them.
 *
 * A run of the overlay writes its files beside the base's output directory,
 * under the overlay's name (`out/today` -> `out/lane-closed`).
 *
 * Added flows are checked like the base's (their period inside the run here,
 * their junction and link ids when the network is built), every problem located
 * at the flow in the overlay file. Changes apply in order: `scaleDemand` after
 * `addFlows` scales the added flows too.
 */
import path from 'node:path';
import { z } from 'zod';
import { ScenarioError, type ScenarioProblem } from '../errors.js';
import { scaleDemand } from '../demand/scale.js';
import { LIMITS } from '../limits.js';
import { formatPath, type Locator, type PathSegment } from '../text/position.js';
import { flowSpecs, periodProblem, programOf, timeKey, type LoadedScenario, type ScenarioMovementRef, type ScenarioProgram } from './convert.js';
import { issueMessage, issuesToProblems } from './issues.js';
import { FlowSchema, ProgramSchema } from './schema.js';
import type { NetworkChange } from './network-changes.js';

const num = (limit: { min?: number; max?: number; minExclusive?: boolean; integer?: boolean }) => {
  let s = z.number();
  if (limit.integer) s = s.int();
  if (limit.min !== undefined) s = limit.minExclusive ? s.gt(limit.min) : s.min(limit.min);
  if (limit.max !== undefined) s = s.max(limit.max);
  return s;
};

const ChangeSchema = z.union([
  z.strictObject({ closeLink: z.string().min(1).describe('Link id: the link and every turn into or out of it are removed.') }),
  z.strictObject({
    link: z.string().min(1).describe('Link id.'),
    lanes: num(LIMITS.lanes).optional().describe('New number of lanes.'),
    speedKmh: num(LIMITS.speedKmh).optional().describe('New free-flow speed, km/h.'),
  }).refine((c) => c.lanes !== undefined || c.speedKmh !== undefined, { message: 'expected lanes or speedKmh to change' }),
  z.strictObject({
    addLink: z.strictObject({
      id: z.string().min(1), from: z.string().min(1), to: z.string().min(1),
      lengthM: num(LIMITS.lengthM).optional(), lanes: num(LIMITS.lanes).optional(), speedKmh: num(LIMITS.speedKmh),
    }).describe('A new link between two junctions of the network, with every turn into and out of it (no U-turns).'),
  }),
  z.strictObject({ retime: ProgramSchema.describe('The junction\'s new program (as in signals.programs); it replaces the old one.') }),
  z.strictObject({ scaleDemand: num(LIMITS.demandScale).describe('Factor on the whole demand.') }),
  z.strictObject({ addFlows: z.array(FlowSchema).min(1).describe('Flows added to the demand, written as in demand.flows.') }),
]);

/** An overlay file. */
export const OverlaySchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1).describe('Name of the variant (each scenario of a comparison has its own).'),
  description: z.string().optional(),
  base: z.string().min(1).describe('The scenario file changed, relative to this file.'),
  changes: z.array(ChangeSchema).min(1).describe('Changes, applied in order.'),
});
export type OverlayFile = z.output<typeof OverlaySchema>;
type Change = OverlayFile['changes'][number];

/** True when parsed scenario data is an overlay (it names a `base`). */
export function isOverlay(data: unknown): boolean {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && Object.prototype.hasOwnProperty.call(data, 'base');
}

/** Validate overlay `data` read from `file`; throws `ScenarioError` with every problem, located. */
export function checkOverlay(data: unknown, file: string, locate: Locator): OverlayFile {
  const parsed = OverlaySchema.safeParse(data, { error: (iss) => issueMessage(iss as Parameters<typeof issueMessage>[0]) });
  if (parsed.success) return parsed.data;
  throw new ScenarioError(issuesToProblems(parsed.error.issues, { file, data, schema: OverlaySchema, locate }));
}

/** The base scenario's path: `overlay.base` resolved against the overlay file's directory. */
export function basePath(overlay: OverlayFile, file: string): string {
  return path.resolve(path.dirname(path.resolve(file)), overlay.base);
}

/** True when movement `ref` ("from>to", link ids that may hold ">" themselves, or { from, to }) uses link `link`. */
const usesLink = (ref: ScenarioMovementRef, link: string): boolean =>
  (typeof ref === 'string' ? ref.startsWith(`${link}>`) || ref.endsWith(`>${link}`) : ref.from === link || ref.to === link);

/** `programs` without the movements of link `closed`; empty phases and programs dropped. */
function withoutLink(programs: readonly ScenarioProgram[], closed: string): ScenarioProgram[] {
  const keep = (refs: ScenarioMovementRef[] | undefined): ScenarioMovementRef[] | undefined => refs?.filter((r) => !usesLink(r, closed));
  return programs
    .map((p) => ({ ...p, cycle: undefined, phases: p.phases.map((ph) => ({ ...ph, green: keep(ph.green) ?? [], permissive: keep(ph.permissive) })).filter((ph) => ph.green.length + (ph.permissive?.length ?? 0) > 0) }))
    .filter((p) => p.phases.length > 0)
    .map(({ cycle: _c, ...p }) => p);
}

/**
 * The base scenario with the overlay's changes: its name and description, the
 * demand and signal changes made, the network changes left for the builder
 * (`networkChanges`). `file` and `locate` are the overlay's.
 */
export function applyOverlay(base: LoadedScenario, overlay: OverlayFile, file: string, locate: Locator): LoadedScenario {
  const at = (p: readonly PathSegment[]): ScenarioProblem => {
    const pos = locate(p);
    return { file, ...(pos ? { line: pos.line, column: pos.column } : {}), path: formatPath(p), message: '' };
  };
  let demand = base.demand;
  let programs = [...base.signals.programs];
  const network: NetworkChange[] = [...(base.networkChanges ?? [])];
  // Added flows: where each was written (change index, index in its list), by its index in demand.flows.
  const added = new Map<number, { change: number; k: number }>();
  const problems: ScenarioProblem[] = [];
  const { start, end } = base.simulation;
  overlay.changes.forEach((c: Change, i) => {
    if ('closeLink' in c) {
      network.push({ kind: 'close', link: c.closeLink, at: at(['changes', i, 'closeLink']) });
      programs = withoutLink(programs, c.closeLink);
    } else if ('link' in c) {
      network.push({ kind: 'update', link: c.link, ...(c.lanes === undefined ? {} : { lanes: c.lanes }), ...(c.speedKmh === undefined ? {} : { speed: c.speedKmh / 3.6 }), at: at(['changes', i, 'link']) });
    } else if ('addLink' in c) {
      const a = c.addLink;
      network.push({ kind: 'add', id: a.id, from: a.from, to: a.to, ...(a.lengthM === undefined ? {} : { length: a.lengthM }), ...(a.lanes === undefined ? {} : { lanes: a.lanes }), speed: a.speedKmh / 3.6, at: at(['changes', i, 'addLink']) });
    } else if ('retime' in c) {
      const program = programOf(c.retime);
      programs = [...programs.filter((p) => p.junction !== program.junction), program];
    } else if ('addFlows' in c) {
      const specs = flowSpecs(c.addFlows, start, end);
      specs.forEach((f, k) => {
        const found = periodProblem(f, start, end); // the check the base's own flows had (convert.ts)
        if (found !== undefined) {
          const key = timeKey(c.addFlows[k], found.key);
          problems.push({ ...at(['changes', i, 'addFlows', k, ...(key === undefined ? [] : [key])]), message: found.message });
        }
        added.set((demand.flows?.length ?? 0) + k, { change: i, k });
      });
      demand = { ...demand, flows: [...(demand.flows ?? []), ...specs] };
    } else {
      demand = scaleDemand(demand, c.scaleDemand);
    }
  });
  if (problems.length > 0) throw new ScenarioError(problems);
  // Problems the builder finds in an added flow (an unknown junction) point into the overlay file.
  const relocate = (p: readonly PathSegment[]): Omit<ScenarioProblem, 'message'> | undefined => {
    const source = p[0] === 'demand' && p[1] === 'flows' && typeof p[2] === 'number' ? added.get(p[2]) : undefined;
    return source === undefined ? base.relocate?.(p) : at(['changes', source.change, 'addFlows', source.k, ...p.slice(3)]);
  };
  return {
    ...base,
    name: overlay.name,
    ...(overlay.description === undefined ? {} : { description: overlay.description }),
    demand,
    signals: { ...base.signals, programs },
    // Beside the base's output directory, under the variant's name: a variant never writes over its base's files.
    outputs: { ...base.outputs, dir: path.join(path.dirname(base.outputs.dir), overlay.name) },
    networkChanges: network,
    ...(added.size > 0 || base.relocate !== undefined ? { relocate } : {}),
  };
}
