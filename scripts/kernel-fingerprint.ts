/**
 * Fingerprints of simulation runs, to show that a change to the kernel or the
 * controllers leaves results bit for bit as they were:
 *
 *   tsx scripts/kernel-fingerprint.ts [scenario files...] > after.txt
 *
 * run once in a checkout before the change and once after, then `diff` the two
 * outputs. Each line is one run: its name, the number of mechanics events, a
 * SHA-256 of every event the kernel reported to observers (kind, vehicle, link
 * or movement, time to the last bit, halted flag, in order), a SHA-256 of the
 * metrics (`simulate()`'s result without `bytesPerVehicle`, which is memory, not
 * a result), and the headline figures. Runs: signalised grids (10x10, the
 * layout of the simulation benchmark, and 6x6 with re-routing) under fixed time,
 * actuated control, max-pressure (Varaiya's queue pressure, and the CityFlow
 * literature's lane pressure), and each scenario file given under its own
 * signal control and under both max-pressure settings (import SUMO or CityFlow
 * files first with `greenwave import`).
 */
import { createHash, type Hash } from 'node:crypto';
import { compile, type CompiledNetwork } from '../engine/network/index.js';
import { grid } from '../engine/network/generators/index.js';
import { createRouter } from '../engine/routing/index.js';
import { defaultProgram, type SignalControl, type SignalProgram } from '../engine/signals/index.js';
import type { TripTable } from '../engine/demand/index.js';
import { simulate, type SimObserver, type SimulateOptions } from '../engine/sim/index.js';
import { buildScenario, loadScenario } from '../engine/scenario/index.js';

/** Event codes of the trace. */
const DEPART = 1, ENTER = 2, QUEUE = 3, LEAVE = 4, ARRIVE = 5, UNROUTABLE = 6, SIGNAL = 7, END = 8;

/** An observer hashing every event exactly (times by their bits), five numbers per event. */
class TraceHash implements SimObserver {
  events = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly buffer = new Float64Array(5 * 4096);
  private used = 0;

  private push(kind: number, a: number, b: number, time: number, flag: number): void {
    const buf = this.buffer;
    buf[this.used++] = kind;
    buf[this.used++] = a;
    buf[this.used++] = b;
    buf[this.used++] = time;
    buf[this.used++] = flag;
    this.events++;
    if (this.used === buf.length) this.flush();
  }

  private flush(): void {
    this.hash.update(new Uint8Array(this.buffer.buffer, 0, this.used * 8));
    this.used = 0;
  }

  depart(v: number, l: number, t: number): void { this.push(DEPART, v, l, t, 0); }
  enter(v: number, l: number, t: number): void { this.push(ENTER, v, l, t, 0); }
  queue(v: number, e: number, t: number): void { this.push(QUEUE, v, e, t, 0); }
  leave(v: number, l: number, e: number, t: number, halted: boolean): void { this.push(LEAVE, v, l * 1e6 + e, t, halted ? 1 : 0); }
  arrive(v: number, l: number, t: number): void { this.push(ARRIVE, v, l, t, 0); }
  unroutable(v: number, t: number): void { this.push(UNROUTABLE, v, 0, t, 0); }
  signal(j: number, t: number): void { this.push(SIGNAL, j, 0, t, 0); }
  end(t: number): void { this.push(END, 0, 0, t, 0); }

  digest(): string {
    this.flush();
    return this.hash.digest('hex').slice(0, 16);
  }
}

/** One run: its event trace and metrics, fingerprinted; one line of output. */
function fingerprint(name: string, net: CompiledNetwork, trips: TripTable, programs: SignalProgram[], control: SignalControl | undefined, options: SimulateOptions): string {
  const trace = new TraceHash();
  const { bytesPerVehicle: _memory, ...result } = simulate(net, trips, { programs, control }, { ...options, attach: (sim) => sim.observe(trace) });
  const digest = createHash('sha256').update(JSON.stringify(result, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))).digest('hex').slice(0, 16);
  const n = result.network;
  return `${name}\tevents ${trace.events}\ttrace ${trace.digest()}\tmetrics ${digest}\tarrived ${n.arrived}\tmean travel time ${n.meanTravelTime} s`;
}

/** A signalised `size` x `size` grid (200 m, 2 lanes, 13.89 m/s) with `count` seeded random routed trips over an hour. */
function gridCase(size: number, count: number): { net: CompiledNetwork; trips: TripTable; programs: SignalProgram[] } {
  const net = compile(grid(size, size, { spacing: 200, lanes: 2, speed: 13.89, signals: 'all' }));
  let state = size * 7919;
  const rnd = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const origin = new Int32Array(count);
  const destination = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    origin[i] = Math.floor(rnd() * net.junctionCount);
    do destination[i] = Math.floor(rnd() * net.junctionCount); while (destination[i] === origin[i]);
  }
  const routes = createRouter(net).routeBatch(origin, destination);
  const trips: TripTable = {
    count,
    ids: Array.from({ length: count }, (_, i) => `t${i}`),
    depart: Float64Array.from({ length: count }, (_, i) => (i * 3600) / count),
    origin,
    destination,
    originLink: Int32Array.from(routes.offsets.subarray(0, count), (o) => routes.links[o]),
    destinationLink: Int32Array.from(routes.offsets.subarray(1), (o) => routes.links[o - 1]),
    routeOffsets: routes.offsets,
    routeLinks: routes.links,
  };
  const programs = Array.from({ length: net.junctionCount }, (_, j) => defaultProgram(net, j, { green: 42, yellow: 3, allRed: 0 }));
  return { net, trips, programs };
}

const MAX_PRESSURE: SignalControl = { kind: 'max-pressure' };
const LITERATURE: SignalControl = { kind: 'max-pressure', pressure: 'lanes', interGreen: 'none', minGreen: 0, interval: 10, ties: 'lowest' };

const lines: string[] = [];
const g10 = gridCase(10, 9000);
const controls: Array<[string, SignalControl | undefined]> = [['fixed', undefined], ['actuated', { kind: 'actuated' }], ['max-pressure', MAX_PRESSURE], ['max-pressure lanes', LITERATURE]];
for (const [label, control] of controls) {
  lines.push(fingerprint(`grid 10x10, ${label}`, g10.net, g10.trips, g10.programs, control, { end: 3 * 3600, seed: 1, routingInterval: Infinity }));
}
const g6 = gridCase(6, 6000);
lines.push(fingerprint('grid 6x6 dense, fixed, re-routing 30% every 120 s', g6.net, g6.trips, g6.programs, undefined, { end: 3 * 3600, seed: 3, routingInterval: 120, rerouteShare: 0.3 }));
lines.push(fingerprint('grid 6x6 dense, max-pressure, re-routing 30% every 120 s', g6.net, g6.trips, g6.programs, MAX_PRESSURE, { end: 3 * 3600, seed: 3, routingInterval: 120, rerouteShare: 0.3 }));
for (const file of process.argv.slice(2)) {
  const built = buildScenario(await loadScenario(file));
  const { compiled, trips, signals, options } = built;
  const { progress: _progress, attach: _attach, ...simOptions } = options;
  lines.push(fingerprint(`${file}, its control`, compiled, trips, signals.programs, signals.control, simOptions));
  lines.push(fingerprint(`${file}, max-pressure`, compiled, trips, signals.programs, MAX_PRESSURE, simOptions));
  lines.push(fingerprint(`${file}, max-pressure lanes`, compiled, trips, signals.programs, LITERATURE, simOptions));
}
process.stdout.write(`${lines.join('\n')}\n`);
