/**
 * Where a command's time goes, for `--json` and `summary.json`: wall-clock
 * seconds per stage and the process's peak resident memory, so users and CI
 * see whether a run is slow in loading, building, routing, simulating or
 * writing. Figures are measured, never estimated; a stage that did not run
 * (or that the kernel does not report) is `null`.
 */
import { performance } from 'node:perf_hooks';

/** Seconds spent per stage of a run (wall clock). */
export interface RunTiming {
  /** From the process start to the command starting: Node's start-up and loading the CLI's modules. */
  startS: number;
  /** Reading, parsing and validating the scenario (and importing its network file). */
  loadS: number | null;
  /** Building the network, demand and signal programs. */
  buildS: number | null;
  /** Choosing routes (at departure and en route), when the kernel reports it; it is part of `simulateS`. */
  routeS: number | null;
  /** Running the replications (the kernel, including routing). */
  simulateS: number | null;
  /** Writing the CSV and GeoJSON output files (not the HTML report of --report, nor summary.json itself, which holds this figure); 0 with --no-files. */
  writeS: number | null;
}

/** Rounded to the millisecond. */
const seconds = (ms: number): number => Math.round(ms) / 1000;

/** Measures the stages of one command as they happen. */
export class Stopwatch {
  readonly timing: RunTiming;
  private last: number;

  constructor() {
    this.last = performance.now();
    // In Node, performance.now() counts from the process start.
    this.timing = { startS: seconds(this.last), loadS: null, buildS: null, routeS: null, simulateS: null, writeS: null };
  }

  /** Record the time since the previous lap (or the start) as `stage`. */
  lap(stage: Exclude<keyof RunTiming, 'startS'>): void {
    const now = performance.now();
    this.timing[stage] = seconds(now - this.last);
    this.last = now;
  }

  /** Record `value` seconds (measured elsewhere) as `stage`, without a lap. */
  set(stage: Exclude<keyof RunTiming, 'startS'>, value: number | null): void {
    this.timing[stage] = value === null ? null : Math.round(value * 1000) / 1000;
  }
}

/** Peak resident memory of this process so far (worker threads included), MiB, to 0.1. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
}
