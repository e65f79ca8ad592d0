/**
 * Report benchmark: a 50 x 50 signalised grid with stubs (10,200 links), lightly
 * loaded, simulated with the report recorders; the report's size, its rendering
 * in Node, and its loading in headless Chromium, each against a peer measured
 * interleaved in the same run.
 *
 *   npm run bench:report            table, bench/results/report.json
 *   npm run bench:report -- --ci    fewer pairs; exits 1 when a gate fails
 *   greenwave bench report [--ci]
 *
 * Gates:
 *  - the page is at most 5 MB (a limit: the size does not depend on the machine);
 *  - Chromium shows one path per link and logs no errors (checks);
 *  - load and paint in Chromium (navigation start to two frames after `load`),
 *    against a plain page with the same 10,200 links as bare SVG paths and no
 *    script, loaded in the same browser, interleaved: plain / report, wall time
 *    inside the page; floor about half the measured ratio;
 *  - `renderReportHtml` in Node against building ten bare-SVG pages of the same
 *    links (CPU time: string building against string building);
 *  - the recorders' cost: simulate() without / with them (CPU time).
 * The issue's absolute target (paint within 2 s) is reported beside the load
 * average, not gated. Chromium is Debian's (`apt-get install chromium`, or
 * $CHROMIUM_PATH), driven by playwright-core (an optional dependency); without
 * either, the browser cases are skipped and said to be.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile, grid, type CompiledNetwork } from '../engine/network/index.js';
import { createRandom, expandDemand, type TripTable } from '../engine/demand/index.js';
import { simulate } from '../engine/sim/index.js';
import { loadReportData, renderReportHtml, reportRecorders, writeOutputs } from '../engine/report/index.js';
import { findChromium } from './chromium.js';
import { ms, runIfMain, type BenchContext, type Benchmark } from './harness.js';

/** The targets and the gates. */
export const REPORT_TARGETS = { maxBytes: 5 * 1024 * 1024, renderMs: 2000 };
/**
 * Floors: about half the ratios measured on the 2-core development machine; the
 * render gate's at about 0.7 of its 0.41-0.45x (quiet, AMD EPYC, 2026-12-07),
 * between them and the 0.26x (0.21-0.30x) a deliberate 2x slower render measured.
 */
export const REPORT_FLOORS = { chromium: 0.25, nodeRender: 0.3, recorders: 0.45 };
/** Bare map pages built per run of the render gate's peer (one takes a few ms: ten make its time comparable). */
const PLAIN_REPEATS = 10;

const SIM = { end: 2700, seed: 3, interval: 300 };

/** The report benchmark's case: a `rows` x `cols` signalised grid with stubs (WGS84, near Macau), `tripsPerHour` trips between opposite stubs for 30 minutes. */
export function gridReportCase(rows: number, cols: number, tripsPerHour = 4000): { net: CompiledNetwork; trips: TripTable } {
  const net = compile(grid(rows, cols, { spacing: 200, attachLength: 100, geo: { lon: 113.54, lat: 22.19 } }));
  const zones: string[] = [];
  for (let r = 0; r < rows; r++) zones.push(`w${r}`, `e${r}`);
  for (let c = 0; c < cols; c++) zones.push(`s${c}`, `n${c}`);
  const rate = tripsPerHour / 3600 / zones.length;
  const flows = zones.map((z, i) => ({ id: `f${i}`, from: z, to: zones[(i + zones.length / 2 + 1) % zones.length], rate, begin: 0, end: 1800, arrivals: 'poisson' as const }));
  return { net, trips: expandDemand(net, { flows }, createRandom(3)) };
}

/** Write the outputs of {@link gridReportCase}, simulated with the report recorders, into a new temporary directory. */
export async function gridReportOutputs(rows: number, cols: number, tripsPerHour = 4000): Promise<{ dir: string; links: number; net: CompiledNetwork; trips: TripTable }> {
  const { net, trips } = gridReportCase(rows, cols, tripsPerHour);
  const recorders = reportRecorders(net, trips, { start: 0, end: SIM.end, interval: SIM.interval });
  const result = simulate(net, trips, {}, { ...SIM, attach: recorders.attach });
  const dir = await mkdtemp(join(tmpdir(), 'greenwave-grid-report-'));
  const provenance = { scenario: `grid-${rows}x${cols}`, seed: SIM.seed, version: '0.1.0' };
  await writeOutputs(dir, net, trips, result, provenance, ['summary.json', 'junctions.csv', 'timeseries.csv', 'network.geojson']);
  await recorders.write(dir, provenance);
  return { dir, links: net.linkCount, net, trips };
}

/** A page with the network's links as bare SVG paths: what any page showing this map must at least paint. */
function plainMapPage(net: CompiledNetwork): string {
  let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
  for (let j = 0; j < net.junctionCount; j++) {
    minX = Math.min(minX, net.junctionX[j]); maxX = Math.max(maxX, net.junctionX[j]);
    minY = Math.min(minY, net.junctionY[j]); maxY = Math.max(maxY, net.junctionY[j]);
  }
  const paths: string[] = [];
  for (let l = 0; l < net.linkCount; l++) {
    const a = net.linkFrom[l];
    const b = net.linkTo[l];
    paths.push(`<path class="link" d="M${(net.junctionX[a] - minX).toFixed(1)} ${(maxY - net.junctionY[a]).toFixed(1)}L${(net.junctionX[b] - minX).toFixed(1)} ${(maxY - net.junctionY[b]).toFixed(1)}" stroke="#2a7" stroke-width="20"/>`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>plain map</title></head><body><svg viewBox="0 0 ${(maxX - minX).toFixed(0)} ${(maxY - minY).toFixed(0)}" width="1200" height="860">${paths.join('')}</svg></body></html>`;
}

/** A headless Chromium that loads pages and times them, ms from navigation start to two frames after `load`. */
async function chromiumSession(executablePath: string): Promise<{ load: (file: string) => Promise<{ ms: number; paths: number; errors: string[] }>; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  return {
    async load(file) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 600_000 });
        // Evaluated in the page (a string: this file is compiled without the DOM library).
        const t = await page.evaluate<number>('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))))');
        return { ms: t, paths: await page.locator('path.link').count(), errors };
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}

async function run(ctx: BenchContext): Promise<void> {
  ctx.step('50x50 grid: simulating with the report recorders, writing the outputs');
  const { dir, links, net, trips } = await gridReportOutputs(50, 50);
  try {
    ctx.figure('links', links, '', 'target >= 10,000');
    const data = await loadReportData(dir);
    const page = renderReportHtml(data);
    const file = join(dir, 'report.html');
    await writeFile(file, page);
    const bytes = Buffer.byteLength(page);
    ctx.limit('report size', bytes / 1024 / 1024, 'MB', { max: REPORT_TARGETS.maxBytes / 1024 / 1024, target: '< 5 MB' });

    // The peer builds pages too (strings of the same links), so the ratio does not move with how a CPU favours
    // string building over graph search, as it did against the reference workload (its floor of 0.08x was half
    // the ratio measured on the Intel machine it was set on; an AMD EPYC one read 0.07x on the same code).
    const bare = { name: `bare SVG map page x ${PLAIN_REPEATS} (same links)`, run: () => { let n = 0; for (let k = 0; k < PLAIN_REPEATS; k++) n += plainMapPage(net).length; return n; } };
    const render = await ctx.compare('renderReportHtml', { name: 'greenwave renderReportHtml', run: () => renderReportHtml(data).length }, bare, {
      minPairs: 5, maxPairs: ctx.ci ? 8 : 12, budgetMs: ctx.ci ? 30_000 : 60_000,
    });
    ctx.ratio(`render in Node: bare map x ${PLAIN_REPEATS} / renderReportHtml`, render, { floor: REPORT_FLOORS.nodeRender, detail: `renderReportHtml ${ms(render.subject.medianCpuMs)} CPU` });

    const recorded = await ctx.compare('the recorders\' cost', {
      name: 'simulate() with the report recorders',
      run: () => simulate(net, trips, {}, { ...SIM, attach: reportRecorders(net, trips, { start: 0, end: SIM.end, interval: SIM.interval }).attach }).network.arrived,
    }, { name: 'simulate() without recorders', run: () => simulate(net, trips, {}, SIM).network.arrived }, { minPairs: 5, maxPairs: ctx.ci ? 8 : 12, budgetMs: ctx.ci ? 30_000 : 60_000 });
    ctx.ratio('recorders: simulate without / with them', recorded, { floor: REPORT_FLOORS.recorders });

    const chromiumPath = findChromium();
    if (chromiumPath === undefined) {
      ctx.note('Chromium: skipped, none found (apt-get install chromium, or set CHROMIUM_PATH)');
      ctx.data.chromium = null;
      return;
    }
    let session: Awaited<ReturnType<typeof chromiumSession>>;
    try {
      session = await chromiumSession(chromiumPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
        ctx.note('Chromium: skipped, playwright-core (an optional dependency) is not installed');
        return;
      }
      throw error;
    }
    const plainFile = join(dir, 'plain.html');
    await writeFile(plainFile, plainMapPage(net));
    try {
      const last = { paths: 0, errors: [] as string[] };
      const loads = await ctx.compare('load and paint in Chromium', {
        name: 'report.html in Chromium',
        run: () => { throw new Error('timed side'); },
        timed: async () => {
          const r = await session.load(file);
          last.paths = r.paths;
          last.errors.push(...r.errors);
          return { cpuMs: r.ms, wallMs: r.ms };
        },
      }, {
        name: 'the same links as bare SVG paths',
        run: () => { throw new Error('timed side'); },
        timed: async () => { const r = await session.load(plainFile); return { cpuMs: r.ms, wallMs: r.ms }; },
      }, { clock: 'wall', warmup: 1, warmupMs: 0, minPairs: ctx.ci ? 4 : 5, maxPairs: ctx.ci ? 6 : 9, maxSpread: 0.2, budgetMs: ctx.ci ? 60_000 : 120_000 });
      ctx.ratio('Chromium load and paint: plain map / report', loads, { floor: REPORT_FLOORS.chromium, target: 'report < 2 s' });
      ctx.check('Chromium shows one path per link', last.paths === links, `${last.paths} link paths, ${links} links`);
      ctx.check('no console errors in Chromium', last.errors.length === 0, last.errors.length === 0 ? 'none' : last.errors.slice(0, 3).join(' | '));
      ctx.note(`Chromium load and paint: report ${ms(loads.subject.medianWallMs)}, plain map ${ms(loads.peer.medianWallMs)} (median of ${loads.pairs}; load ${os.loadavg()[0].toFixed(1)}; target < 2 s on a quiet machine, not gated)`);
      ctx.data.chromium = chromiumPath;
    } finally {
      await session.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The report benchmark. */
export const reportBenchmark: Benchmark = {
  name: 'report',
  title: 'greenwave report benchmark: a 10,200-link report (size, Node rendering, Chromium load and paint vs the bare map)',
  run,
};

await runIfMain(import.meta.url, reportBenchmark);
