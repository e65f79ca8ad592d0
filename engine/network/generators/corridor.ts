/**
 * `corridor(signals, spacing)`: a signalised arterial with side streets, the
 * textbook network for green-wave (offset) coordination.
 *
 * The arterial runs west to east along y = 0 (plus `origin`): fringe junction
 * `west` at x = -endLength, signals `j0` (x = 0) ... `j<n-1>`, fringe junction
 * `east` endLength beyond the last signal; every piece is a two-way street named
 * `arterial`. At each signal `j<i>` a two-way side street named `side <i>` runs
 * north to fringe junction `n<i>` (y = +sideLength) and south to `s<i>`
 * (y = -sideLength). The fringe junctions are dead ends where demand enters and
 * leaves. Link ids are `from>to`, for example `west>j0`, `j0>n0`.
 *
 * Movements: every turn but U-turns; see `common.ts` (`deadEndUTurns`). The
 * network is then acyclic (every trip runs fringe to fringe, no link can be
 * revisited), so its link graph has no strongly connected core; `deadEndUTurns`
 * makes it one strongly connected piece.
 */
import { UsageError } from '../../errors.js';
import type { RoadNetwork } from '../road-network.js';
import {
  checkCount,
  checkPositive,
  NetworkPlan,
  resolveOptions,
  SIDE_STREET_KEYS,
  type GeneratorOptions,
  type SideStreetOptions,
} from './common.js';

/** Default length of each side street (signal to its fringe junction), m. */
export const DEFAULT_SIDE_LENGTH = 150;

/** Options of {@link corridor}. Side streets take `sideLanes` (default 1) and `sideSpeed` (default `speed`). */
export interface CorridorOptions extends GeneratorOptions, SideStreetOptions {
  /**
   * Length of the arterial beyond each end signal, to the `west`/`east` fringe
   * junction, m. Default: the spacing of the adjacent gap (`spacing` when it is a
   * number); required when `spacing` is an empty array (one signal).
   */
  endLength?: number;
  /** Length of each side street, signal to fringe junction, m. Default 150. */
  sideLength?: number;
}

/**
 * An arterial with `signals` signalised junctions, each with a side street north
 * and south. By default (`signals: 'intersections'`) every arterial junction is a
 * signal (four neighbours) and the fringe junctions are uncontrolled.
 *
 * Counts: 3*signals + 2 junctions, 6*signals + 2 links, 12*signals movements.
 *
 * @param signals Number of signalised junctions on the arterial, integer >= 1.
 * @param spacing Distance between consecutive signals, m: one number, or an array
 *   of the signals-1 gaps from west to east.
 * @throws UsageError naming the argument, for example `corridor.spacing[2]`.
 */
export function corridor(signals: number, spacing: number | readonly number[], options?: CorridorOptions): RoadNetwork {
  checkCount('corridor.signals', signals, 1);
  let gaps: number[];
  if (Array.isArray(spacing)) {
    if (spacing.length !== signals - 1) {
      throw new UsageError(`corridor.spacing must hold signals - 1 = ${signals - 1} gaps, got an array of ${spacing.length}`);
    }
    gaps = spacing.map((gap, i) => checkPositive(`corridor.spacing[${i}]`, gap));
  } else {
    const gap = checkPositive('corridor.spacing', spacing);
    gaps = Array.from({ length: signals - 1 }, () => gap);
  }
  const { resolved, record } = resolveOptions('corridor', options, ['endLength', 'sideLength', ...SIDE_STREET_KEYS]);
  let westLength: number;
  let eastLength: number;
  if (record.endLength !== undefined) {
    westLength = eastLength = checkPositive('corridor.options.endLength', record.endLength);
  } else if (typeof spacing === 'number') {
    westLength = eastLength = spacing;
  } else if (gaps.length > 0) {
    westLength = gaps[0];
    eastLength = gaps[gaps.length - 1];
  } else {
    throw new UsageError('corridor.options.endLength must be given when corridor.spacing is an empty array');
  }
  const sideLength = record.sideLength === undefined ? DEFAULT_SIDE_LENGTH : checkPositive('corridor.options.sideLength', record.sideLength);
  const { main, side } = resolved;

  const plan = new NetworkPlan();
  const xs: number[] = [0];
  for (const gap of gaps) xs.push(xs[xs.length - 1] + gap);
  plan.junction('west', -westLength, 0);
  for (let i = 0; i < signals; i++) {
    plan.junction(`j${i}`, xs[i], 0);
    plan.junction(`n${i}`, xs[i], sideLength);
    plan.junction(`s${i}`, xs[i], -sideLength);
  }
  plan.junction('east', xs[signals - 1] + eastLength, 0);

  plan.twoWay('west', 'j0', westLength, main, 'arterial');
  for (let i = 0; i < signals; i++) {
    plan.twoWay(`j${i}`, `n${i}`, sideLength, side, `side ${i}`);
    plan.twoWay(`j${i}`, `s${i}`, sideLength, side, `side ${i}`);
    if (i + 1 < signals) plan.twoWay(`j${i}`, `j${i + 1}`, gaps[i], main, 'arterial');
  }
  plan.twoWay(`j${signals - 1}`, 'east', eastLength, main, 'arterial');
  return plan.build(resolved);
}
