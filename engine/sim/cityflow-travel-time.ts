/**
 * CityFlow's average travel time, computed from a greenwave run, so results can
 * be set beside the signal-control literature that reports it (CoLight,
 * PressLight, MPLight, LibSignal on the Hangzhou and Jinan data sets).
 *
 * Definition (cityflow-project/CityFlow, `Engine::getAverageTravelTime` in
 * `src/engine/engine.cpp`): over every vehicle the flows have generated so far —
 * those that finished (counted when they left) and those still in the engine's
 * pool, which includes vehicles still waiting to enter their first lane — the
 * mean of (exit time, or the current time if still there) - `enterTime`.
 * `enterTime` is set when the flow creates the vehicle (`Vehicle` constructor:
 * `engine->getCurrentTime()`), i.e. the planned departure, so time spent waiting
 * to enter counts. Evaluated after a run of `horizon` seconds, the current time is
 * the horizon and the generated vehicles are those due before it.
 *
 * Every run reports it as `totals.meanTravelTimeAllTrips` (in `--json` and
 * summary.json, horizon = the run's scheduled end time; metrics.ts computes it
 * in the same pass as its companion `meanDelayAllTrips`), next to greenwave's
 * own `meanTravelTime`, which is over arrived trips only, from insertion to
 * arrival. CityFlow creates a vehicle during a step and places it on a lane
 * after it, so its figure carries about one step (1 s) per vehicle more than
 * greenwave's.
 */
import type { TripTable } from '../demand/demand.js';

/**
 * CityFlow's average travel time (s) after a run of `horizon` s: over every trip
 * departing before `horizon`, `min(arrived, horizon) - depart`, where a trip that
 * has not arrived (still driving, or never inserted) counts up to the horizon.
 * `result` is what `simulate(...)` returned for `trips` (its `trips.arrived`).
 * Returns NaN when no trip departs before the horizon.
 */
export function cityflowAverageTravelTime(trips: Pick<TripTable, 'count' | 'depart'>, result: { trips: { arrived: Float64Array } }, horizon: number): number {
  const { arrived } = result.trips;
  if (arrived.length !== trips.count) throw new RangeError(`cityflowAverageTravelTime: result has ${arrived.length} trips, the trip table ${trips.count}`);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < trips.count; i++) {
    const depart = trips.depart[i];
    if (!(depart < horizon)) continue;
    const end = arrived[i] <= horizon ? arrived[i] : horizon; // NaN (not arrived) -> horizon
    sum += end - depart;
    n++;
  }
  return n === 0 ? NaN : sum / n;
}
