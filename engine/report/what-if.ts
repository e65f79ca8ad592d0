/**
 * What-if comparison of scenarios: a base and one or more variants (a lane
 * closed, a link added, a signal re-timed, more demand ...), each run on the
 * same seeds, compared by paired differences (variant minus base, seed by
 * seed, common random numbers: the same seed draws the same demand wherever the
 * networks allow) with Student-t 95% intervals (`stats.ts`) for:
 *  - network figures (gridlocked runs, unfinished trips and trips a change
 *    left with no route first, then the all-trips means, then the
 *    finished-only means);
 *  - every junction and link present in both, by id (a link that exists in
 *    only one of them is listed as added or removed, never compared).
 * A variant whose runs gridlock on more seeds than the base's is "worse"
 * whatever its means (`judge` in compare.ts).
 */
import type { CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import { isGeographic, linkPolyline } from '../network/labels.js';
import type { SimulationResult } from '../sim/simulate.js';
import { summarise, type Summary } from './stats.js';
import { judge, type Verdict } from './compare.js';

/** Network figures compared, in table order. */
export const WHAT_IF_METRICS = [
  'unfinished', 'unroutable', 'meanDelayAllTrips', 'meanTravelTimeAllTrips', 'meanDelay', 'meanTravelTime', 'vehicleHours', 'vehicleKm', 'arrived',
] as const;
export type WhatIfMetric = (typeof WHAT_IF_METRICS)[number];

/** One scenario's runs: its network and, per seed, the result. */
export interface ScenarioRuns {
  name: string;
  net: CompiledNetwork;
  runs: ReadonlyMap<number, { trips?: TripTable | undefined; result: SimulationResult }>;
}

/** A junction or link compared: the base's mean, the variant's, and the paired difference. */
export interface ElementDifference {
  id: string;
  name?: string;
  base: Summary;
  variant: Summary;
  difference: Summary;
}

/** One variant against the base. */
export interface VariantComparison {
  name: string;
  gridlockedSeeds: number[];
  verdict: Verdict;
  verdictReason: string;
  metrics: Record<WhatIfMetric, Summary>;
  difference: Record<WhatIfMetric, Summary>;
  /** Control delay (s) per junction in both. */
  junctions: ElementDifference[];
  /** Mean travel time (s) per link in both. */
  links: ElementDifference[];
  /** Link ids only the variant has (added) or only the base has (removed). */
  addedLinks: string[];
  removedLinks: string[];
}

/** The whole comparison (written as what-if.json). */
export interface WhatIfComparison {
  base: { name: string; gridlockedSeeds: number[]; metrics: Record<WhatIfMetric, Summary> };
  seeds: number[];
  level: number;
  variants: VariantComparison[];
  /** The base's link geometry for the difference map: [x, y] metres, or [lon, lat] when geographic. */
  geometry: { geographic: boolean; drivingSide: 'left' | 'right'; links: Array<{ id: string; coordinates: Array<[number, number]> }> };
}

function networkValues(r: SimulationResult): Record<WhatIfMetric, number> {
  const n = r.network;
  return {
    unfinished: n.unfinished, unroutable: n.unroutable, meanDelayAllTrips: n.meanDelayAllTrips, meanTravelTimeAllTrips: n.meanTravelTimeAllTrips, meanDelay: n.meanDelay,
    meanTravelTime: n.meanTravelTime, vehicleHours: n.vehicleHours, vehicleKm: n.vehicleKm, arrived: n.arrived,
  };
}

/** Per seed, a value per element id (junction control delay or link mean travel time). */
function perElement(s: ScenarioRuns, seeds: readonly number[], kind: 'junction' | 'link'): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const count = kind === 'junction' ? s.net.junctionCount : s.net.linkCount;
  for (let i = 0; i < count; i++) {
    const id = kind === 'junction' ? s.net.junctionKey(i) : s.net.linkKey(i);
    out.set(id, seeds.map((seed) => {
      const r = s.runs.get(seed)?.result;
      if (r === undefined) return NaN;
      return kind === 'junction' ? r.junctions.controlDelay[i] : r.links.meanTravelTime[i];
    }));
  }
  return out;
}

function compareElements(base: Map<string, number[]>, variant: Map<string, number[]>, level: number, names: (id: string) => string | undefined): ElementDifference[] {
  const out: ElementDifference[] = [];
  for (const [id, b] of base) {
    const v = variant.get(id);
    if (v === undefined) continue;
    const name = names(id);
    out.push({ id, ...(name ? { name } : {}), base: summarise(b, level), variant: summarise(v, level), difference: summarise(b.map((x, k) => v[k] - x), level) });
  }
  return out;
}

/** Compare `variants` with `base`, all run on `seeds` (see the file header). */
export function compareScenarios(base: ScenarioRuns, variants: readonly ScenarioRuns[], seeds: readonly number[], level = 0.95): WhatIfComparison {
  const gridlocked = (s: ScenarioRuns): number[] => seeds.filter((seed) => s.runs.get(seed)?.result.gridlock !== undefined);
  const values = (s: ScenarioRuns): Map<number, Record<WhatIfMetric, number>> => new Map(seeds.flatMap((seed) => {
    const r = s.runs.get(seed);
    return r ? [[seed, networkValues(r.result)] as const] : [];
  }));
  const summaries = (vals: Map<number, Record<WhatIfMetric, number>>): Record<WhatIfMetric, Summary> =>
    Object.fromEntries(WHAT_IF_METRICS.map((m) => [m, summarise([...vals.values()].map((v) => v[m]), level)])) as Record<WhatIfMetric, Summary>;
  const baseValues = values(base);
  const baseJunctions = perElement(base, seeds, 'junction');
  const baseLinks = perElement(base, seeds, 'link');
  const baseGridlock = gridlocked(base);
  const linkName = (net: CompiledNetwork) => (id: string): string | undefined => { const l = net.linkIndex(id); return l >= 0 ? net.linkName(l) : undefined; };
  const out: VariantComparison[] = variants.map((v) => {
    const vals = values(v);
    const difference = Object.fromEntries(WHAT_IF_METRICS.map((m) => [m, summarise(seeds.flatMap((seed) => {
      const a = vals.get(seed);
      const b = baseValues.get(seed);
      return a && b ? [a[m] - b[m]] : [];
    }), level)])) as Record<WhatIfMetric, Summary>;
    const g = gridlocked(v);
    const objectiveDiff = { objective: difference.meanDelayAllTrips } as unknown as Parameters<typeof judge>[0]['difference'];
    const { verdict, verdictReason } = judge({ gridlockedSeeds: g, difference: objectiveDiff }, { plan: base.name, gridlockedSeeds: baseGridlock }, seeds.length);
    const vLinks = new Set(Array.from({ length: v.net.linkCount }, (_, l) => v.net.linkKey(l)));
    const bLinks = new Set(baseLinks.keys());
    return {
      name: v.name, gridlockedSeeds: g, verdict, verdictReason: verdictReason.replace('objective', 'mean delay of all trips'),
      metrics: summaries(vals), difference,
      junctions: compareElements(baseJunctions, perElement(v, seeds, 'junction'), level, () => undefined),
      links: compareElements(baseLinks, perElement(v, seeds, 'link'), level, linkName(base.net)),
      addedLinks: [...vLinks].filter((id) => !bLinks.has(id)).sort(),
      removedLinks: [...bLinks].filter((id) => !vLinks.has(id)).sort(),
    };
  });
  const geographic = isGeographic(base.net);
  return {
    base: { name: base.name, gridlockedSeeds: baseGridlock, metrics: summaries(baseValues) },
    seeds: [...seeds],
    level,
    variants: out,
    geometry: { geographic, drivingSide: base.net.drivingSide, links: Array.from({ length: base.net.linkCount }, (_, l) => ({ id: base.net.linkKey(l), coordinates: linkPolyline(base.net, l, geographic) })) },
  };
}
