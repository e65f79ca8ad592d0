/**
 * `npm start`: simulates a morning peak hour on a left-hand-traffic (Macau-style)
 * 10x10 signalised grid and prints what happened. Until scenario files and the
 * `greenwave` CLI land, this is the built-in default run; it uses only the public
 * library API, so it doubles as an example for researchers.
 */
import { performance } from 'node:perf_hooks';
import { analyseConnectivity, compile, createRandom, expandDemand, grid, simulate } from '../engine/index.js';

const t0 = performance.now();
// 200 m blocks, two lanes each way at 50 km/h; dead-end stubs at the edge where traffic enters and leaves.
const network = grid(10, 10, { spacing: 200, attachLength: 150, drivingSide: 'left', signals: 'intersections' });
const net = compile(network);
const connectivity = analyseConnectivity(net);

// Demand: every edge stub to every other, 5.6 veh/h per pair at the profile's factor 1,
// shaped by a morning-peak profile that climbs to 1.3x at 07:30 and eases off by 08:00.
const zones: string[] = [];
for (let j = 0; j < net.junctionCount; j++) if (!/^r\d+c\d+$/.test(net.junctionKey(j))) zones.push(net.junctionKey(j));
const perPair = 9000 / (zones.length * (zones.length - 1));
const trips = expandDemand(net, {
  od: [{
    zones,
    trips: zones.map((_, o) => zones.map((__, d) => (o === d ? 0 : perPair))),
    begin: 0,
    end: 3600,
    profile: [{ time: 0, factor: 0.7 }, { time: 1800, factor: 1.3 }, { time: 3600, factor: 0.9 }],
  }],
}, createRandom(2026));
const tSetup = performance.now() - t0;

const t1 = performance.now();
const result = simulate(net, trips, {}, { end: 3 * 3600, seed: 2026, interval: 900 });
const tRun = performance.now() - t1;

const n = result.network;
const los = new Map<string, number>();
for (const grade of result.junctions.levelOfService) if (grade !== '') los.set(grade, (los.get(grade) ?? 0) + 1);
const worst = Array.from(result.junctions.controlDelay, (d, j) => [j, d] as const)
  .filter(([, d]) => !Number.isNaN(d))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 3);
const line = (label: string, value: string): void => console.log(`  ${label.padEnd(22)}${value}`);

console.log('greenwave — morning peak on a left-hand 10x10 signalised grid (built-in demo; scenario files and the CLI are next)\n');
line('network', `${net.junctionCount} junctions, ${net.linkCount} links, driving side ${net.drivingSide}, ${connectivity.warnings.length} connectivity warnings`);
line('demand', `${trips.count.toLocaleString('en')} trips between ${zones.length} edge zones, 07:00-08:00 with a 07:30 peak`);
line('arrived', `${n.arrived.toLocaleString('en')} of ${n.trips.toLocaleString('en')} (unfinished ${n.unfinished}${result.gridlock ? `, gridlock at ${result.gridlock.junctions.join(' ')}` : ''})`);
line('mean travel time', `${n.meanTravelTime.toFixed(1)} s (delay ${n.meanDelay.toFixed(1)} s, ${n.meanStops.toFixed(2)} stops, waiting ${n.meanWaitingTime.toFixed(1)} s)`);
line('network totals', `${n.vehicleKm.toFixed(0)} veh-km, ${n.vehicleHours.toFixed(1)} veh-h, mean speed ${(n.meanSpeed * 3.6).toFixed(1)} km/h`);
line('junction LOS (HCM)', [...los].sort().map(([g, c]) => `${g}: ${c}`).join('  '));
line('worst junctions', worst.map(([j, d]) => `${net.junctionKey(j)} ${d.toFixed(1)} s (${result.junctions.levelOfService[j]})`).join(', '));
console.log('\n  vehicles in the network by quarter hour:');
for (const s of result.timeseries.slice(0, 6)) {
  const clock = new Date((7 * 3600 + s.time) * 1000).toISOString().slice(11, 16);
  console.log(`    ${clock}  ${String(s.inNetwork).padStart(5)} moving or queued, ${String(s.queued).padStart(4)} queued, ${String(s.arrived).padStart(5)} arrived in the quarter`);
}
console.log(`\n  built in ${tSetup.toFixed(0)} ms, simulated in ${tRun.toFixed(0)} ms (${((result.network.vehicleKm / (tRun / 1000)) / 1000).toFixed(0)}k veh-km per second)`);
console.log('  no files were written: output files arrive with the CLI (see README, "Status").');
