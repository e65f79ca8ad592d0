/**
 * Records the figures of peers that cannot run inside a benchmark's process
 * (SUMO's mesoscopic model, SUMO's duarouter) against the reference workload
 * (harness/reference.ts), and writes them to bench/peers/recorded.ts, which the
 * gates read. Each peer runs on inputs greenwave generates and exports itself
 * (the benchmarks' own grids and trips, as SUMO files), so nothing is derived
 * from third-party data.
 *
 *   npm run bench:record-peers                 needs sumo and duarouter on PATH (SUMO 1.15 was used)
 *   npm run bench:record-peers -- --pairs 3    fewer repetitions
 *
 * For every pair of samples (order rotating): the reference workload in this
 * process (CPU time, repeated to last about as long as the peer's run, so both
 * see the same load), the peer's whole run (CPU time of the process), and the
 * peer run on the same network with nothing to do (its start-up and network
 * loading, subtracted so the peer is charged for its simulation or routing only,
 * as greenwave's side excludes building the network). The recorded figure is
 * the median over pairs of (peer run - empty run) / reference.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { programToSpec } from '../../engine/signals/index.js';
import { sumoNetXml } from '../../engine/io/index.js';
import type { CompiledNetwork } from '../../engine/network/index.js';
import type { TripTable } from '../../engine/demand/index.js';
import { median, summariseRatios, runExternal, referenceWorkload, loadavg, machine, REFERENCE_NAME, REFERENCE_VERSION, sink } from '../harness.js';
import { gridSimScenario, GRID_SIM_END } from '../sim-scenario.js';
import { batchScenario } from '../routing.js';
import type { RecordedPeer } from './recorded.js';

const { values: args } = parseArgs({ options: { pairs: { type: 'string', default: '5' }, only: { type: 'string' } } });
const PAIRS = Number(args.pairs);
/** SUMO reads its XML schemas from SUMO_HOME (Debian: /usr/share/sumo); without it, it may look them up on the web. */
const ENV = { ...process.env, SUMO_HOME: process.env.SUMO_HOME ?? '/usr/share/sumo' };

function routesXml(net: CompiledNetwork, trips: TripTable): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<routes>'];
  for (let i = 0; i < trips.count; i++) {
    const edges: string[] = [];
    for (let k = trips.routeOffsets[i]; k < trips.routeOffsets[i + 1]; k++) edges.push(net.linkKey(trips.routeLinks[k]));
    lines.push(`    <vehicle id="${trips.ids[i]}" depart="${trips.depart[i].toFixed(2)}"><route edges="${edges.join(' ')}"/></vehicle>`);
  }
  lines.push('</routes>', '');
  return lines.join('\n');
}

function tripsXml(net: CompiledNetwork, origins: Int32Array, destinations: Int32Array): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<routes>'];
  const spacing = 3600 / Math.max(1, origins.length);
  for (let i = 0; i < origins.length; i++) {
    if (origins[i] === destinations[i]) continue; // greenwave's answer is the empty route; duarouter refuses such a trip
    lines.push(`    <trip id="t${i}" depart="${(i * spacing).toFixed(2)}" fromJunction="${net.junctionKey(origins[i])}" toJunction="${net.junctionKey(destinations[i])}"/>`);
  }
  lines.push('</routes>', '');
  return lines.join('\n');
}

/** Interleave reference, peer run and empty peer run; the median (run - empty) / reference over the pairs. */
async function record(what: string, command: string, run: string[], empty: string[], cwd: string): Promise<RecordedPeer> {
  const reference = referenceWorkload();
  for (let i = 0; i < 3; i++) sink.value += Number(reference.run());
  // Size the reference sample to last about as long as the peer's run, so both see the same load.
  const c0 = process.cpuUsage();
  for (let i = 0; i < 5; i++) sink.value += Number(reference.run());
  const used = process.cpuUsage(c0);
  const single = (used.user + used.system) / 1000 / 5;
  const first = await runExternal(command, run, { cwd, env: ENV });
  const calls = Math.max(10, Math.min(5000, Math.round(first.cpuMs / single)));
  process.stderr.write(`  ${what}: one run ${first.cpuMs.toFixed(0)} ms CPU; reference samples of ${calls} calls\n`);
  const refMs: number[] = [];
  const runMs: number[] = [];
  const runWallMs: number[] = [];
  const emptyMs: number[] = [];
  const ratios: number[] = [];
  const steps: Array<() => Promise<void>> = [
    async () => {
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) sink.value += Number(reference.run());
      const c = process.cpuUsage(c0);
      refMs.push((c.user + c.system) / 1000 / calls);
    },
    async () => {
      const t = await runExternal(command, run, { cwd, env: ENV });
      runMs.push(t.cpuMs);
      runWallMs.push(t.wallMs);
    },
    async () => { emptyMs.push((await runExternal(command, empty, { cwd, env: ENV })).cpuMs); },
  ];
  for (let pair = 0; pair < PAIRS; pair++) {
    for (let k = 0; k < steps.length; k++) await steps[(pair + k) % steps.length]();
    const i = refMs.length - 1;
    ratios.push((runMs[i] - emptyMs[i]) / refMs[i]);
    process.stderr.write(`  ${what}: pair ${pair + 1}/${PAIRS}: run ${runMs[i].toFixed(0)} ms, empty ${emptyMs[i].toFixed(0)} ms, reference ${refMs[i].toFixed(1)} ms, ratio ${ratios[i].toFixed(1)}\n`);
  }
  const s = summariseRatios(ratios);
  return {
    what,
    command: `${command} ${run.join(' ')}`,
    perReference: Math.round(s.ratio * 100) / 100,
    interval: [Math.round(s.low * 100) / 100, Math.round(s.high * 100) / 100],
    pairs: s.pairs,
    peerCpuMs: Math.round(median(runMs)),
    emptyCpuMs: Math.round(median(emptyMs)),
    peerWallMs: Math.round(median(runWallMs)),
    referenceCpuMs: Math.round(median(refMs) * 100) / 100,
  };
}

function version(command: string): string {
  return execFileSync(command, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
}

/** Write bench/peers/recorded.ts: the peers recorded now, and the others as they were. */
async function save(peers: Record<string, RecordedPeer>, load: number[][]): Promise<void> {
  const info = machine();
  const file = fileURLToPath(new URL('./recorded.ts', import.meta.url));
  const { RECORDED_PEERS } = await import('./recorded.js');
  const merged = { ...RECORDED_PEERS.peers, ...peers };
  const text = `/**
 * Peer figures recorded by \`npm run bench:record-peers\` (bench/peers/record.ts):
 * each peer's CPU time for the work (its run minus its empty run), divided by
 * the CPU time of the reference workload (harness/reference.ts, version
 * ${REFERENCE_VERSION}) measured interleaved with it on the same machine. Generated:
 * edit by recording again, not by hand.
 */

/** One recorded peer. */
export interface RecordedPeer {
  /** The peer and its case. */
  what: string;
  /** The command that ran (in a folder of files greenwave wrote). */
  command: string;
  /** Median over pairs of (peer CPU time - empty run CPU time) / reference CPU time. */
  perReference: number;
  /** 95% bootstrap interval of that median. */
  interval: [number, number];
  pairs: number;
  /** Medians, ms: the peer's run, its empty run (start-up and loading), its wall time, one reference call. */
  peerCpuMs: number;
  emptyCpuMs: number;
  peerWallMs: number;
  referenceCpuMs: number;
}

/** The recorded figures. */
export const RECORDED_PEERS: {
  date: string;
  machine: string;
  loadavg: number[][];
  reference: { name: string; version: number };
  peers: Record<'sumoMesoGrid10' | 'sumoMesoGrid30' | 'duarouter60k', RecordedPeer>;
} = ${JSON.stringify({
    date: info.date.slice(0, 10),
    machine: `${info.cpu}, ${info.cores} cores, ${info.platform}, Node ${info.node}`,
    loadavg: load,
    reference: { name: REFERENCE_NAME, version: REFERENCE_VERSION },
    peers: merged,
  }, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? 'NaN!' : value), 2).replace(/"NaN!"/g, 'NaN')};
`;
  writeFileSync(file, text);
  process.stderr.write(`written ${file} (${Object.keys(peers).join(', ')} recorded now)\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'greenwave-peers-'));
  const t0 = performance.now();
  const load = [loadavg()];
  const peers: Record<string, RecordedPeer> = {};
  const wanted = (key: string): boolean => args.only === undefined || args.only.split(',').includes(key);
  try {
    for (const [key, size, count] of [['sumoMesoGrid10', 10, 9000], ['duarouter60k', 30, 60000], ['sumoMesoGrid30', 30, 60000]] as const) {
      if (!wanted(key)) continue;
      if (key === 'duarouter60k') {
        await recordDuarouter(dir, peers);
        load.push(loadavg());
        await save(peers, load);
        continue;
      }
      process.stderr.write(`${key}: writing the ${size}x${size} grid and ${count} routes as SUMO files ...\n`);
      const sc = gridSimScenario(size, count);
      const net = `${key}.net.xml`;
      writeFileSync(join(dir, net), sumoNetXml(sc.net, { programs: sc.programs.map((p) => programToSpec(sc.net, p)) }));
      writeFileSync(join(dir, `${key}.rou.xml`), routesXml(sc.net, sc.trips));
      const base = ['--mesosim', 'true', '--meso-junction-control', 'true', '-n', net, '--no-step-log', 'true', '--no-warnings', 'true', '--begin', '0'];
      const common = [...base, '--duration-log.disable', 'true'];
      const check = execFileSync('sumo', [...base, '-r', `${key}.rou.xml`, '--end', String(GRID_SIM_END), '--duration-log.statistics', 'true'], { cwd: dir, encoding: 'utf8', env: ENV });
      const inserted = Number(/Inserted: (\d+)/.exec(check)?.[1]);
      const running = Number(/Running: (\d+)/.exec(check)?.[1]);
      if (inserted !== count || running !== 0) throw new Error(`SUMO did not run every vehicle to the end: inserted ${inserted}, running ${running}`);
      peers[key] = await record(
        `SUMO mesoscopic (${version('sumo')}), ${size}x${size} grid, ${count.toLocaleString('en')} routed vehicles, ${GRID_SIM_END} s`,
        'sumo', [...common, '-r', `${key}.rou.xml`, '--end', String(GRID_SIM_END)], [...common, '--end', '0'], dir,
      );
      load.push(loadavg());
      await save(peers, load);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stderr.write(`recorded in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  for (const [k, p] of Object.entries(peers)) process.stdout.write(`${k}: ${p.perReference} x reference (${p.interval[0]}-${p.interval[1]}, ${p.pairs} pairs); peer ${p.peerCpuMs} ms CPU (empty ${p.emptyCpuMs} ms), reference ${p.referenceCpuMs} ms\n`);
}

/** duarouter on the routing benchmark's 60,000 trips. */
async function recordDuarouter(dir: string, peers: Record<string, RecordedPeer>): Promise<void> {
  process.stderr.write('duarouter60k: writing the 30x30 grid and 60,000 trips as SUMO files ...\n');
  const { net, origins, destinations } = batchScenario();
  writeFileSync(join(dir, 'batch.net.xml'), sumoNetXml(net));
  writeFileSync(join(dir, 'batch.trips.xml'), tripsXml(net, origins, destinations));
  // duarouter refuses a file without trips: its "empty" run routes one trip (start-up and loading the network).
  const one = origins.findIndex((o, i) => o !== destinations[i]);
  writeFileSync(join(dir, 'empty.trips.xml'), tripsXml(net, origins.subarray(one, one + 1), destinations.subarray(one, one + 1)));
  const common = ['-n', 'batch.net.xml', '--junction-taz', 'true', '--no-step-log', 'true', '--no-warnings', 'true', '--ignore-errors', 'false'];
  execFileSync('duarouter', [...common, '--route-files', 'batch.trips.xml', '-o', 'check.rou.xml'], { cwd: dir, env: ENV, stdio: 'ignore' });
  const routed = (readFileSync(join(dir, 'check.rou.xml'), 'utf8').match(/<route /g) ?? []).length;
  const wanted = origins.filter((o, i) => o !== destinations[i]).length;
  if (routed !== wanted) throw new Error(`duarouter routed ${routed} of ${wanted} trips`);
  peers.duarouter60k = await record(
    `SUMO duarouter (${version('duarouter')}), 60,000 junction-to-junction trips, 30x30 grid`,
    'duarouter', [...common, '--route-files', 'batch.trips.xml', '-o', 'batch.rou.xml'], [...common, '--route-files', 'empty.trips.xml', '-o', 'empty.rou.xml'], dir,
  );
}

await main();
