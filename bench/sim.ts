/**
 * Simulation benchmark: `simulate()` on signalised grids against SUMO's
 * mesoscopic model. SUMO cannot run in this process, so its figure was recorded
 * beside the reference workload on the same machine (peers/record.ts, on these
 * very grids and routes exported as SUMO files); here greenwave is timed
 * interleaved with the reference workload, and
 *   greenwave vs SUMO = (SUMO / reference, recorded) x (reference / greenwave, now).
 *
 *   npm run bench:sim             full run, table, bench/results/sim.json
 *   npm run bench:sim -- --ci     fewer pairs; exits 1 when a gate fails
 *   greenwave bench sim [--ci]
 *
 * Cases (the layout of sumo-grid10: 200 m links, 2 lanes, 13.89 m/s, 90 s cycles
 * of 42 s green + 3 s yellow; trips evenly over one hour, routed beforehand):
 *  - 10x10 grid, 9,000 trips (target: engine time <= 0.1 s on a quiet machine)
 *  - 30x30 grid, 60,000 trips (target <= 2 s)
 *  - simulation state per vehicle <= 200 bytes (a limit, exact)
 *  - every trip arrives, no gridlock (a check: a run that did not finish is not a speed)
 *  - max-pressure control (Varaiya's, the default settings) at every signal of
 *    the 10x10 case against its fixed plan, interleaved in this process: the
 *    ratio fixed-time time / max-pressure time (target: max-pressure within 1.3x
 *    of fixed time, >= 0.77x). Max-pressure decides every 5 s at every signal,
 *    so its run has more events than the fixed plan's; the gate catches a
 *    decision path that gets slower, not the extra events.
 * Engine time is `simulate()`: building the simulation, running it, collecting metrics.
 */
import { simulate, type SimulationResult } from '../engine/sim/index.js';
import { measure, ms, referenceWorkload, runIfMain, type BenchContext, type Benchmark, type Side } from './harness.js';
import { RECORDED_PEERS } from './peers/recorded.js';
import { gridSimScenario, GRID_SIM_END, type GridSimScenario } from './sim-scenario.js';

/**
 * CI floors against SUMO meso (via the reference workload). Measured in CI mode
 * on the 2-core development machine at load 15-25: 10x10 6.8-7.7x in five runs
 * before the lane model, 5.2x after it (lane groups and losses cost the kernel
 * 1.16-1.19x, measured against the old kernel interleaved); 30x30 10.1x. Floors
 * below those, so load does not fail them: a kernel twice as slow does.
 */
export const SIM_FLOORS = { grid10: 4, grid30: 5 };

/**
 * CI floor of max-pressure against fixed time on the 10x10 case (fixed-time
 * time / max-pressure time): measured 0.54x in CI mode and 0.60x in-process on
 * the 2-core development machine (2026-12-06, load 3-6), 0.45-0.49x once main's
 * gap acceptance per vehicle class was merged (load 5-6, `npm test` running
 * beside it). About half of it, so load does not fail it: a max-pressure path
 * twice as slow against fixed time does.
 */
export const MAX_PRESSURE_FLOOR = 0.25;

async function run(ctx: BenchContext): Promise<void> {
  const cases = [
    { name: '10x10 grid, 9,000 trips', size: 10, trips: 9000, target: '<= 0.1 s', peer: RECORDED_PEERS.peers.sumoMesoGrid10, floor: SIM_FLOORS.grid10 },
    { name: '30x30 grid, 60,000 trips', size: 30, trips: 60000, target: '<= 2 s', peer: RECORDED_PEERS.peers.sumoMesoGrid30, floor: SIM_FLOORS.grid30 },
  ];
  const reference = referenceWorkload();
  const bytes: number[] = [];
  for (const c of cases) {
    ctx.step(`${c.name}: building and routing`);
    const sc = gridSimScenario(c.size, c.trips);
    let result: SimulationResult | undefined;
    const subject = {
      name: `greenwave simulate(), ${c.name}`,
      run: () => {
        result = simulate(sc.net, sc.trips, { programs: sc.programs }, { end: GRID_SIM_END, seed: 1, routingInterval: Infinity });
        return result.network.arrived;
      },
    };
    const cmp = await ctx.compare(c.name, subject, reference, { minPairs: 5, maxPairs: ctx.ci ? (c.size > 10 ? 7 : 12) : 15, budgetMs: ctx.ci ? 40_000 : 90_000 });
    const r = result!;
    ctx.ratio(`${c.name}, vs SUMO meso`, cmp, {
      against: `${c.peer.what} (recorded, via the reference workload)`,
      scale: c.peer.perReference,
      floor: c.floor,
      target: `engine ${c.target}`,
      detail: `SUMO/reference ${c.peer.perReference} (recorded ${RECORDED_PEERS.date}) x reference/greenwave now`,
    });
    const finished = r.network.arrived === c.trips && r.gridlock === undefined;
    ctx.check(`${c.name}: every trip arrives, no gridlock`, finished, `arrived ${r.network.arrived}/${c.trips}${r.gridlock ? `, gridlock at ${r.gridlock.time} s` : ''}`);
    let traversals = 0;
    for (let l = 0; l < sc.net.linkCount; l++) traversals += r.links.entered[l];
    const cpuS = cmp.subject.medianCpuMs / 1000;
    ctx.figure(`${c.name}: vehicle-link traversals per CPU second`, traversals / cpuS, '/s', `${traversals.toLocaleString('en')} traversals in ${ms(cmp.subject.medianCpuMs)} CPU`);
    ctx.figure(`${c.name}: mean travel time`, r.network.meanTravelTime, 's', 'model output, for comparison with SUMO meso on the same routes');
    ctx.figure(`${c.name}: routing beforehand (wall)`, sc.routingMs, 'ms');
    bytes.push(r.bytesPerVehicle);
    const wall = measure(subject.run, 1, ctx.ci ? 1 : 3, 0);
    ctx.note(`${c.name}: engine ${ms(wall.medianMs)} wall now (target ${c.target} on a quiet machine, not gated), ${ms(cmp.subject.medianCpuMs)} CPU`);
    if (c.size === 10) await maxPressureAgainstFixed(ctx, sc, c.name, subject);
  }
  ctx.limit('simulation state per vehicle (largest case)', Math.max(...bytes), 'B', { max: 200, target: '<= 200 B' });
  ctx.data.bytesPerVehicle = bytes;
}

/** Max-pressure at every signal of `sc` against its fixed plan (`fixed`), interleaved: a gated ratio and a completion check. */
async function maxPressureAgainstFixed(ctx: BenchContext, sc: GridSimScenario, name: string, fixed: Side): Promise<void> {
  let result: SimulationResult | undefined;
  const subject = {
    name: `greenwave simulate(), ${name}, max-pressure at every signal`,
    run: () => {
      result = simulate(sc.net, sc.trips, { programs: sc.programs, control: { kind: 'max-pressure' } }, { end: GRID_SIM_END, seed: 1, routingInterval: Infinity });
      return result.network.arrived;
    },
  };
  const cmp = await ctx.compare(`${name}, max-pressure`, subject, { ...fixed, name: `same, fixed time` }, { minPairs: 5, maxPairs: ctx.ci ? 8 : 15, budgetMs: ctx.ci ? 15_000 : 40_000 });
  ctx.ratio(`${name}: max-pressure against fixed time (fixed / max-pressure)`, cmp, {
    against: 'the same scenario under its fixed plan, this process',
    floor: MAX_PRESSURE_FLOOR,
    target: 'max-pressure within 1.3x of fixed time (>= 0.77x)',
    detail: `${ms(cmp.subject.medianCpuMs)} vs ${ms(cmp.peer.medianCpuMs)} CPU per run`,
  });
  const r = result!;
  ctx.check(`${name}, max-pressure: every trip arrives, no gridlock`, r.network.arrived === sc.trips.count && r.gridlock === undefined, `arrived ${r.network.arrived}/${sc.trips.count}`);
}

/** The simulation benchmark. */
export const simBenchmark: Benchmark = {
  name: 'sim',
  title: 'greenwave simulation benchmark: simulate() on signalised grids vs SUMO mesoscopic (recorded, via the reference workload)',
  run,
};

await runIfMain(import.meta.url, simBenchmark);
