/**
 * The search space of actuated (gap-out) control settings: the timings a
 * traffic engineer sets on an actuated controller, as a vector in [0, 1]^d, so
 * the same search methods that tune fixed-time plans tune them.
 *
 * Layout of x:
 *   - `gap`: the passage time (largest gap between detections that still
 *     extends the green, SUMO's `max-gap`), GAP_RANGE seconds;
 *   - `detectorGap`: the detector setback as free-flow travel time upstream of
 *     the stop line (SUMO's `detector-gap`), DETECTOR_RANGE seconds;
 *   - per junction and phase, the maximum green, from the phase's minimum green
 *     up to MAX_GREEN_CEILING seconds.
 * Gap and setback are one value for the whole network (SUMO sets them per
 * traffic light, so the export stays exact); maximum greens are per phase.
 *
 * What is not searched, on purpose: minimum greens, yellow and all-red are
 * safety settings (pedestrian crossing time, clearance of the junction) that an
 * optimiser must not trade against delay; phase order and movements are the
 * base program's. Offsets play no part: the controller here runs free, without
 * a background cycle.
 *
 * Values are rounded (gap and setback to 0.1 s, maximum greens to whole
 * seconds), and `encode` is the inverse of `decode` on plans with such values.
 *
 * Why the detector setback is searched: with SUMO's defaults (gap 3 s, detector
 * 2 s upstream) a vehicle between the detector and the stop line is still
 * served, but the green is held for every straggler up to 3 s apart. Planners
 * choose the setback with the passage time (the FHWA Signal Timing Manual sets
 * passage time from the detection layout); a gap shorter than the travel time
 * from detector to stop line strands vehicles, which the search learns from the
 * simulation rather than from a rule.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { PHASE_DEFAULTS, programToSpec, type SignalProgram, type SignalProgramSpec } from '../signals/program.js';
import { DEFAULT_ACTUATED_OPTIONS } from '../signals/actuated.js';
import type { CandidatePlan } from './evaluator.js';
import type { PlanSpace } from './space.js';

/** Passage time searched, s. */
export const GAP_RANGE: readonly [number, number] = [1, 6];
/** Detector setback searched, s of free-flow travel upstream of the stop line. */
export const DETECTOR_RANGE: readonly [number, number] = [0.5, 5];
/** Largest maximum green searched, s. */
export const MAX_GREEN_CEILING = 90;

/** One junction's place in the vector. */
export interface ActuatedJunctionGenes {
  junction: string;
  /** Index of the first phase's maximum-green gene; one per phase. */
  maxGreens: number;
  phases: number;
  /** Per phase: the range of its maximum green, s. */
  ranges: Array<readonly [number, number]>;
}

/** Actuated control settings <-> vector. */
export interface ActuatedSpace extends PlanSpace {
  readonly kind: 'actuated';
  readonly junctions: readonly ActuatedJunctionGenes[];
  /** Index of the gap gene (0) and the detector gene (1). */
  readonly gapGene: number;
  readonly detectorGene: number;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : Number.isFinite(v) ? v : 0.5);
const round1 = (v: number): number => Math.round(v * 10) / 10;
const lerp = ([lo, hi]: readonly [number, number], x: number): number => lo + clamp01(x) * (hi - lo);
const unlerp = ([lo, hi]: readonly [number, number], v: number): number => (hi > lo ? clamp01((v - lo) / (hi - lo)) : 0.5);

/** Build the actuated search space over `base` (every signalised junction's program; see `completePrograms`). */
export function createActuatedSpace(net: CompiledNetwork, base: readonly SignalProgram[]): ActuatedSpace {
  if (base.length === 0) throw new UsageError('search space: the network has no signalised junction, so there is no plan to optimise');
  const names = ['gap', 'detectorGap'];
  const junctions: ActuatedJunctionGenes[] = base.map((p) => {
    const junction = net.junctionKey(p.junction);
    const first = names.length;
    const ranges = p.phases.map((ph, k) => {
      names.push(`maxGreen[${junction}][${k}]`);
      const lo = Math.max(1, Math.ceil(ph.minGreen));
      return [lo, Math.max(lo, MAX_GREEN_CEILING)] as const;
    });
    return { junction, maxGreens: first, phases: p.phases.length, ranges };
  });
  // Without the optional cycle check: clamping a start green into [min, max] changes the sum of the phase times.
  const specs = base.map((p): SignalProgramSpec => {
    const { cycle: _cycle, ...spec } = programToSpec(net, p);
    void _cycle;
    return spec;
  });

  return {
    kind: 'actuated',
    dimension: names.length,
    names,
    junctions,
    gapGene: 0,
    detectorGene: 1,
    junctionGenes: junctions.map((g) => ({ junction: g.junction, genes: Array.from({ length: g.phases }, (_, k) => g.maxGreens + k) })),
    plan(x): CandidatePlan {
      if (x.length !== names.length) throw new UsageError(`search space: vector has ${x.length} genes, expected ${names.length}`);
      const programs = specs.map((spec, i): SignalProgramSpec => {
        const genes = junctions[i];
        return {
          ...spec,
          phases: spec.phases.map((ph, k) => {
            const maxGreen = Math.round(lerp(genes.ranges[k], x[genes.maxGreens + k]));
            // Keep the green the program starts with inside the new bounds (it is where SUMO starts, too).
            const minGreen = ph.minGreen ?? PHASE_DEFAULTS.minGreen;
            return { ...ph, maxGreen, duration: Math.min(Math.max(ph.duration, minGreen), maxGreen) };
          }),
        };
      });
      return { programs, control: { kind: 'actuated', gap: round1(lerp(GAP_RANGE, x[0])), detectorGap: round1(lerp(DETECTOR_RANGE, x[1])) } };
    },
    encodePlan(plan): Float64Array {
      const x = new Float64Array(names.length);
      const control = plan.control;
      if (control !== undefined && control.kind !== 'actuated') {
        throw new UsageError(`search space: an actuated space encodes actuated plans, got ${control.kind} control`);
      }
      if (control?.detectorDistance !== undefined) {
        throw new UsageError('search space: the actuated space searches the detector setback in seconds (detectorGap), not detectorDistance');
      }
      x[0] = unlerp(GAP_RANGE, control?.gap ?? DEFAULT_ACTUATED_OPTIONS.gap);
      x[1] = unlerp(DETECTOR_RANGE, control?.detectorGap ?? DEFAULT_ACTUATED_OPTIONS.detectorGap);
      const byId = new Map(plan.programs.map((p) => [p.junction, p]));
      for (const genes of junctions) {
        const p = byId.get(genes.junction);
        if (p === undefined) throw new UsageError(`search space: no program for signalised junction "${genes.junction}"`);
        if (p.phases.length !== genes.phases) {
          throw new UsageError(`search space: program of "${genes.junction}" has ${p.phases.length} phases, the base plan has ${genes.phases}`);
        }
        p.phases.forEach((ph, k) => {
          x[genes.maxGreens + k] = unlerp(genes.ranges[k], ph.maxGreen ?? PHASE_DEFAULTS.maxGreen);
        });
      }
      return x;
    },
  };
}
