/**
 * The search space of max-pressure control settings (Varaiya 2013, see
 * signals/max-pressure.ts): the third kind of plan beside fixed time and
 * actuated, through the same `PlanSpace`, so the same search methods tune it.
 *
 * Every gene is a setting of the scenario format's `signals.maxPressure` block,
 * network-wide as that block is, so a tuned plan is written as a scenario that
 * `greenwave run` runs unchanged:
 *   - `intervalS`: the decision interval, INTERVAL_RANGE seconds, whole seconds;
 *   - `minGreenS`: the minimum green of every phase, whole seconds, from the
 *     largest minimum green of the programs (a program's minimum green is a
 *     safety setting: the search never lowers one) up to MIN_GREEN_RANGE[1]
 *     (or that largest minimum when it is higher); the bottom of the gene's
 *     range, one second below that, means no network-wide minimum: each phase
 *     keeps its program's own (the controller's default), so the default
 *     settings encode exactly where the programs' minimum greens differ (a
 *     city's pedestrian minima: one network-wide minimum at the largest of them
 *     cost the Paris extract 7 s of mean delay);
 *   - `pressure`: x >= 0.5 `lanes` (vehicles bound for each movement on its
 *     approach minus those on its exit link), else `queues` (Varaiya's
 *     capacity-weighted stop-line queues);
 *   - `ties`: x >= 0.5 `lowest` (the lowest phase index wins a tie), else
 *     `keep` (the phase showing keeps its green).
 *
 * The programs (phase order, movements, yellow and all-red) are the base
 * plan's. Not searched: `interGreen: none` (it drops the yellow and all-red, a
 * safety setting), `eligiblePhases` (one list for every signal of a city is no
 * setting an operator would use: phase skipping belongs to the programs) and
 * the controller's maximum-green cap and turn-ratio source, which the scenario
 * format does not carry.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { programToSpec, type SignalProgram, type SignalProgramSpec } from '../signals/program.js';
import { DEFAULT_MAX_PRESSURE_OPTIONS } from '../signals/max-pressure.js';
import type { CandidatePlan } from './evaluator.js';
import type { PlanSpace } from './space.js';

/** Decision interval searched, s. */
export const INTERVAL_RANGE: readonly [number, number] = [2, 20];
/** Minimum green searched, s (the lower end is raised to the programs' largest minimum green). */
export const MIN_GREEN_RANGE: readonly [number, number] = [0, 20];

/** Max-pressure settings <-> vector. */
export interface MaxPressureSpace extends PlanSpace {
  readonly kind: 'max-pressure';
  /** The minimum green range searched here, s: [largest program minimum green, upper end]. */
  readonly minGreenRange: readonly [number, number];
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : Number.isFinite(v) ? v : 0.5);
const lerp = ([lo, hi]: readonly [number, number], x: number): number => lo + clamp01(x) * (hi - lo);
const unlerp = ([lo, hi]: readonly [number, number], v: number): number => (hi > lo ? clamp01((v - lo) / (hi - lo)) : 0.5);

/** Gene names, in vector order: the keys of `signals.maxPressure` they set. */
const NAMES = ['intervalS', 'minGreenS', 'pressure', 'ties'] as const;

/** Build the max-pressure search space over `base` (every signalised junction's program; see `completePrograms`). */
export function createMaxPressureSpace(net: CompiledNetwork, base: readonly SignalProgram[]): MaxPressureSpace {
  if (base.length === 0) throw new UsageError('search space: the network has no signalised junction, so there is no plan to optimise');
  const programs = base.map((p): SignalProgramSpec => {
    const { cycle: _cycle, ...spec } = programToSpec(net, p);
    void _cycle;
    return spec;
  });
  const safety = Math.max(...base.flatMap((p) => p.phases.map((ph) => ph.minGreen)));
  const minGreenRange: readonly [number, number] = [Math.ceil(safety), Math.max(Math.ceil(safety), MIN_GREEN_RANGE[1])];
  // The gene: one second below the range stands for the programs' own minimum greens.
  const geneRange: readonly [number, number] = [minGreenRange[0] - 1, minGreenRange[1]];
  return {
    kind: 'max-pressure',
    dimension: NAMES.length,
    names: NAMES,
    minGreenRange,
    plan(x): CandidatePlan {
      if (x.length !== NAMES.length) throw new UsageError(`search space: vector has ${x.length} genes, expected ${NAMES.length}`);
      const minGreen = Math.round(lerp(geneRange, x[1]));
      return {
        programs,
        control: {
          kind: 'max-pressure',
          interval: Math.round(lerp(INTERVAL_RANGE, x[0])),
          ...(minGreen >= minGreenRange[0] ? { minGreen } : {}), // below the range: the programs' own
          pressure: clamp01(x[2]) >= 0.5 ? 'lanes' : 'queues',
          ties: clamp01(x[3]) >= 0.5 ? 'lowest' : 'keep',
        },
      };
    },
    encodePlan(plan): Float64Array {
      const control = plan.control;
      if (control !== undefined && control.kind !== 'max-pressure') {
        throw new UsageError(`search space: a max-pressure space encodes max-pressure plans, got ${control.kind} control`);
      }
      const x = new Float64Array(NAMES.length);
      x[0] = unlerp(INTERVAL_RANGE, control?.interval ?? DEFAULT_MAX_PRESSURE_OPTIONS.interval);
      // Without a minimum green of its own the controller runs the programs' (the bottom of the gene's range).
      x[1] = unlerp(geneRange, control?.minGreen ?? geneRange[0]);
      x[2] = (control?.pressure ?? DEFAULT_MAX_PRESSURE_OPTIONS.pressure) === 'lanes' ? 1 : 0;
      x[3] = (control?.ties ?? DEFAULT_MAX_PRESSURE_OPTIONS.ties) === 'lowest' ? 1 : 0;
      return x;
    },
  };
}
