/**
 * Demand expansion (`expandDemand`): a `DemandSpec` becomes a `TripTable` once,
 * before a run. Uniform flows space vehicles evenly; Poisson flows and OD cells
 * draw from their own forks of the demand stream, so adding or reordering other
 * flows or zones leaves their departures unchanged.
 */
import { UsageError } from '../errors.js';
import { CompiledNetwork } from '../network/compiled.js';
import type { DemandSpec, TripTable } from './demand.js';
import { RandomStream } from './random.js';
import { resolveDemand, type Endpoints } from './resolve.js';
import { TripColumns, buildTable, checkTripIds } from './trip-columns.js';

/**
 * Expand `spec` on `net` into a {@link TripTable} sorted by departure time.
 * Randomness comes only from `random` (pass the run's demand stream, e.g.
 * `createRandom(seed).fork('demand')`): Poisson flow `i` draws from
 * `random.fork('flow').fork(flowId)`, OD cell (o, d) of matrix m from
 * `random.fork('od').fork(String(m)).fork(originId).fork(destinationId)`, so
 * adding or reordering other flows or zones leaves their departures unchanged.
 *
 * Throws `InputError` (path into `spec`) for bad demand, `UsageError` for bad arguments.
 */
export function expandDemand(net: CompiledNetwork, spec: DemandSpec, random: RandomStream): TripTable {
  if (!(net instanceof CompiledNetwork)) throw new UsageError('expandDemand(net, spec, random): net must be a CompiledNetwork');
  if (!(random instanceof RandomStream)) throw new UsageError('expandDemand(net, spec, random): random must be a RandomStream (see createRandom)');
  const { trips, flows, ods } = resolveDemand(net, spec);

  const columns = new TripColumns(trips);

  flows.forEach((f, i) => {
    if (f.rate === 0) return;
    const prefix = `${f.id}.`;
    let k = 0;
    if (f.arrivals === 'uniform') {
      for (let t = f.begin + 0.5 / f.rate; t < f.end; k++, t = f.begin + (k + 0.5) / f.rate) columns.add(prefix + k, t, f);
    } else {
      const stream = random.fork('flow').fork(f.id);
      for (let t = f.begin + stream.exponential(f.rate); t < f.end; k++, t += stream.exponential(f.rate)) columns.add(prefix + k, t, f);
    }
    columns.generatedIds(f.id, k, `flows[${i}].id`);
  });

  const odStream = random.fork('od');
  ods.forEach((od, m) => {
    const n = od.zones.length;
    const matrixStream = odStream.fork(String(m));
    const { profile, begin, end } = od;
    const peak = profile.max(begin, end);
    const base = profile.cumulative(begin);
    const expectedPerRate = profile.integral(begin, end);
    for (let o = 0; o < n; o++) {
      for (let d = 0; d < n; d++) {
        const rate = od.rates[o * n + d];
        // A rate times peak factor that underflows to 0 (both tiny, e.g. 1e-320 veh/h at factor 1e-300) generates no trip either.
        if (!(rate * peak > 0)) continue;
        const endpoints: Endpoints = { origin: od.zones[o], destination: od.zones[d], originLink: -1, destinationLink: -1, route: null, departSpeed: 0 };
        const prefix = `od${m}.${o}-${d}.`;
        let k = 0;
        if (od.arrivals === 'uniform') {
          const expected = rate * expectedPerRate;
          for (; k + 0.5 < expected; k++) {
            const t = profile.inverseCumulative(base + (k + 0.5) / rate);
            if (!(t < end)) break;
            columns.add(prefix + k, Math.max(t, begin), endpoints);
          }
        } else {
          // Thinning (Lewis & Shedler 1979): candidates at the peak rate, each kept with probability profile(t) / peak.
          const stream = matrixStream.fork(od.zoneIds[o]).fork(od.zoneIds[d]);
          const peakRate = rate * peak;
          for (let t = begin + stream.exponential(peakRate); t < end; t += stream.exponential(peakRate)) {
            if (stream.next() * peak < profile.factor(t)) columns.add(prefix + k++, t, endpoints);
          }
        }
        columns.generatedIds(`od${m}.${o}-${d}`, k, `od[${m}].trips[${o}][${d}]`);
      }
    }
  });
  checkTripIds(trips.ids, columns);
  return buildTable(columns);
}

