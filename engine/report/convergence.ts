/**
 * convergence.csv: one row per iteration of an equilibrium run (routeChoice:
 * equilibrium), and the block summary.json carries about it. Unfinished and
 * unroutable trips are columns of every row, beside the means.
 */
import type { EquilibriumIteration, EquilibriumResult, EquilibriumStop } from '../optimise/equilibrium/equilibrium.js';
import { formatNumber } from '../text/numbers.js';
import { csv } from './csv.js';
import type { OutputSink, Provenance } from './outputs.js';

/** The convergence.csv text for `iterations`. */
export function convergenceCsv(provenance: Provenance, iterations: readonly EquilibriumIteration[]): string {
  void provenance; // CSV files carry a plain header; provenance is in metadata.json and summary.json
  return csv(
    ['iteration', 'relative_gap', 'mean_travel_time_s', 'mean_time_all_trips_s', 'trips', 'arrived', 'unfinished', 'unroutable', 'gridlock', 'slower_than_fastest', 'switched', 'simulate_s', 'route_s', 'route_labels', 'half_sample_gap', 'cross_fit_gap', 'newest_cost_gap', 'mean_alternatives', 'rejected'],
    iterations.map((it) => [
      it.iteration, it.gap, it.meanTravelTime, it.meanTimeAllTrips, it.trips, it.arrived, it.unfinished, it.unroutable, it.gridlock ? 1 : 0, it.candidates, it.switched, it.simulateS, it.routeS,
      it.routeLabels, it.halfSampleGap ?? NaN, it.crossFitGap ?? NaN, it.newestGap, it.meanAlternatives ?? NaN, it.rejected === true ? 1 : 0,
    ]),
  );
}

/** Write convergence.csv through `sink`; returns its path. */
export function writeConvergence(sink: OutputSink, provenance: Provenance, iterations: readonly EquilibriumIteration[]): Promise<string> {
  return sink.write('convergence.csv', convergenceCsv(provenance, iterations));
}

/**
 * How an equilibrium run ended, in words after "reached"/"NOT reached" and its
 * gap: '' when the gap fell below the threshold; otherwise why it stopped
 * (the iteration budget, or a remaining gap that is sampling noise, with the
 * cross-fitted gap that showed it).
 */
export function equilibriumEnding(end: { stopped: EquilibriumStop; iterations: readonly EquilibriumIteration[] }): string {
  if (end.stopped === 'gap') return '';
  if (end.stopped === 'budget') return ' (the iteration budget ran out)';
  const fit = end.iterations[end.iterations.length - 1]?.crossFitGap ?? NaN;
  return ` (stopped: what remains is sampling noise, cross-fitted gap ${formatNumber(100 * fit, 2)}%)`;
}

/** How drivers chose, for a table line: "Gawron's route sets on link times over 900 s, yielding turns +1.5 s". */
export function routeChoiceText(settings: EquilibriumResult['settings']): string {
  const { method, costsBy, intervalS, minorPenaltyS } = settings;
  const penalty = minorPenaltyS > 0 ? `, yielding turns +${formatNumber(minorPenaltyS, 1)} s` : '';
  return `${method === 'gawron' ? 'Gawron\'s route sets' : 'route swaps'} on ${costsBy === 'link' ? 'link' : 'turn'} times over ${intervalS} s${penalty}`;
}

/**
 * An iteration's figures for its progress line beyond gap and means, or '': its
 * split-sample figures (the noise check's, or the budget's end), and whether its
 * routes were rejected (an overshooting move, taken back: equilibrium.ts).
 */
export function iterationFigures(it: Pick<EquilibriumIteration, 'crossFitGap' | 'halfSampleGap' | 'rejected'>): string {
  const parts: string[] = [];
  if (it.halfSampleGap !== undefined) parts.push(`half-sample gap ${formatNumber(100 * it.halfSampleGap, 2)}%`);
  if (it.crossFitGap !== undefined) parts.push(`cross-fitted gap ${formatNumber(100 * it.crossFitGap, 2)}%`);
  if (it.rejected === true) parts.push('rejected: the move overshot, drawn again from the last accepted routes with a smaller step');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** What summary.json says of an equilibrium run: whether it converged, what stopped it, the last gap, and every iteration. */
export interface EquilibriumSummary {
  converged: boolean;
  /** `gap` (converged), `noise` (the remaining gap is sampling noise) or `budget` (maxIterations ran out). */
  stopped: EquilibriumStop;
  iterations: number;
  relativeGap: number;
  convergence: EquilibriumIteration[];
}

/** The summary.json block of an equilibrium run. */
export function equilibriumSummary(result: Pick<EquilibriumResult, 'converged' | 'stopped' | 'iterations'>): EquilibriumSummary {
  const last = result.iterations[result.iterations.length - 1];
  return { converged: result.converged, stopped: result.stopped, iterations: result.iterations.length, relativeGap: last?.gap ?? NaN, convergence: [...result.iterations] };
}
