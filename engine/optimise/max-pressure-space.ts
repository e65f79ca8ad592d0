/**
 * The search space of max-pressure control settings (Varaiya 2013, see
 * signals/max-pressure.ts): the third kind of plan beside fixed time and
 * actuated, through the same `PlanSpace`, so the same search methods tune it.
 *
 * Layout of x (every gene network-wide: max-pressure has no per-junction timing
 * to speak of, and a few settings are what an operator sets):
 *   - `interval`: the decision interval, INTERVAL_RANGE seconds, whole seconds;
 *   - `minGreen`: a floor on every phase's minimum green, MIN_GREEN_RANGE
 *     seconds (a phase keeps its own minimum green when that is higher: the
 *     program's minimum is a safety setting and is never lowered);
 *   - `useMaxGreen`: x >= 0.5 ends a green at its phase's maximum green;
 *   - `maxGreen`: that maximum, MAX_GREEN_RANGE seconds, every phase (never
 *     below the phase's minimum green);
 *   - `turnRatios`: the pressure's downstream weights, x >= 0.5 `uniform`
 *     (Varaiya's equal shares), else `demand` (turn ratios of the trips).
 *
 * Minimum and maximum greens are written into the programs (`minGreen`,
 * `maxGreen` of each phase); interval, the maximum-green switch and the turn
 * ratios into the control. Phase order and movements are the base program's.
 *
 * Not searched yet: the inter-green (yellow and all-red are safety settings
 * here) and the pressure definition (stop-line queues only); both become genes
 * once the controller offers them.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { PHASE_DEFAULTS, programToSpec, type SignalProgram, type SignalProgramSpec } from '../signals/program.js';
import { DEFAULT_MAX_PRESSURE_OPTIONS } from '../signals/max-pressure.js';
import type { CandidatePlan } from './evaluator.js';
import type { PlanSpace } from './space.js';

/** Decision interval searched, s. */
export const INTERVAL_RANGE: readonly [number, number] = [2, 20];
/** Floor on every phase's minimum green searched, s. */
export const MIN_GREEN_RANGE: readonly [number, number] = [0, 20];
/** Maximum green searched (when used), s. */
export const MAX_GREEN_RANGE: readonly [number, number] = [15, 90];

/** Max-pressure settings <-> vector. */
export interface MaxPressureSpace extends PlanSpace {
  readonly kind: 'max-pressure';
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : Number.isFinite(v) ? v : 0.5);
const lerp = ([lo, hi]: readonly [number, number], x: number): number => lo + clamp01(x) * (hi - lo);
const unlerp = ([lo, hi]: readonly [number, number], v: number): number => (hi > lo ? clamp01((v - lo) / (hi - lo)) : 0.5);

/** Gene names, in vector order. */
const NAMES = ['interval', 'minGreen', 'useMaxGreen', 'maxGreen', 'turnRatios'] as const;

/** Build the max-pressure search space over `base` (every signalised junction's program; see `completePrograms`). */
export function createMaxPressureSpace(net: CompiledNetwork, base: readonly SignalProgram[]): MaxPressureSpace {
  if (base.length === 0) throw new UsageError('search space: the network has no signalised junction, so there is no plan to optimise');
  const specs = base.map((p): SignalProgramSpec => {
    const { cycle: _cycle, ...spec } = programToSpec(net, p);
    void _cycle;
    return spec;
  });
  const safety = base.map((p) => p.phases.map((ph) => ph.minGreen));
  return {
    kind: 'max-pressure',
    dimension: NAMES.length,
    names: NAMES,
    plan(x): CandidatePlan {
      if (x.length !== NAMES.length) throw new UsageError(`search space: vector has ${x.length} genes, expected ${NAMES.length}`);
      const floor = Math.round(lerp(MIN_GREEN_RANGE, x[1]));
      const useMaxGreen = clamp01(x[2]) >= 0.5;
      const maxGreen = Math.round(lerp(MAX_GREEN_RANGE, x[3]));
      const programs = specs.map((spec, i): SignalProgramSpec => ({
        ...spec,
        phases: spec.phases.map((ph, k) => {
          const minGreen = Math.max(safety[i][k], floor);
          return { ...ph, minGreen, maxGreen: Math.max(minGreen, maxGreen), duration: Math.max(ph.duration, minGreen) };
        }),
      }));
      return {
        programs,
        control: { kind: 'max-pressure', interval: Math.round(lerp(INTERVAL_RANGE, x[0])), useMaxGreen, turnRatios: clamp01(x[4]) >= 0.5 ? 'uniform' : 'demand' },
      };
    },
    encodePlan(plan): Float64Array {
      const control = plan.control;
      if (control !== undefined && control.kind !== 'max-pressure') {
        throw new UsageError(`search space: a max-pressure space encodes max-pressure plans, got ${control.kind} control`);
      }
      const x = new Float64Array(NAMES.length);
      x[0] = unlerp(INTERVAL_RANGE, control?.interval ?? DEFAULT_MAX_PRESSURE_OPTIONS.interval);
      // The floor is the smallest phase minimum above the programs' own (0 when none is raised).
      const byId = new Map(plan.programs.map((p) => [p.junction, p]));
      let floor = 0;
      let maxGreen = -1;
      base.forEach((p, i) => {
        const given = byId.get(net.junctionKey(p.junction));
        if (given === undefined) throw new UsageError(`search space: no program for signalised junction "${net.junctionKey(p.junction)}"`);
        if (given.phases.length !== p.phases.length) {
          throw new UsageError(`search space: program of "${net.junctionKey(p.junction)}" has ${given.phases.length} phases, the base plan has ${p.phases.length}`);
        }
        given.phases.forEach((ph, k) => {
          const min = ph.minGreen ?? PHASE_DEFAULTS.minGreen;
          if (min > safety[i][k]) floor = floor === 0 ? min : Math.min(floor, min);
          maxGreen = Math.max(maxGreen, ph.maxGreen ?? PHASE_DEFAULTS.maxGreen);
        });
      });
      x[1] = unlerp(MIN_GREEN_RANGE, floor);
      x[2] = (control?.useMaxGreen ?? DEFAULT_MAX_PRESSURE_OPTIONS.useMaxGreen) ? 1 : 0;
      x[3] = unlerp(MAX_GREEN_RANGE, maxGreen < 0 ? PHASE_DEFAULTS.maxGreen : maxGreen);
      x[4] = control?.turnRatios === 'uniform' ? 1 : 0;
      return x;
    },
  };
}
