/**
 * Report benchmark: a 50 x 50 signalised grid with stubs (10,200 links), lightly
 * loaded, simulated with the report recorders; the report's size, the time to
 * render it in Node, and the time headless Chromium takes to load and paint it
 * (navigation start to the second animation frame after `load`), median of 3
 * loads. Also the cost of the recorders: the same run with and without them.
 *
 *   npm run bench:report            table on stdout, bench/results/report.json
 *   npm run bench:report -- --ci    exits 1 if the page is over 5 MB or takes over
 *                                   the CI floor (6 s: three times the 2 s target, as
 *                                   CI shares its 2 cores) to render in Chromium
 *
 * Chromium is Debian's (`apt-get install chromium`), driven by playwright-core;
 * without it the browser figures are skipped and said to be.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { compile, grid } from '../engine/network/index.js';
import { createRandom, expandDemand } from '../engine/demand/index.js';
import { simulate } from '../engine/sim/index.js';
import { renderReport, reportRecorders, writeOutputs } from '../engine/report/index.js';
import { findChromium } from './chromium.js';
import { machine, ms, table, writeJson } from './harness.js';

/** Default place of the JSON results. */
export const DEFAULT_OUT = 'bench/results/report.json';

/** The targets and the CI floors. */
export const REPORT_TARGETS = { maxBytes: 5 * 1024 * 1024, renderMs: 2000, ciRenderMs: 6000 };

/**
 * Write the outputs of a `rows` x `cols` signalised grid with stubs (WGS84, near
 * Macau), `tripsPerHour` trips between opposite stubs for 30 minutes, simulated
 * with the report recorders, into a new temporary directory.
 */
export async function gridReportOutputs(rows: number, cols: number, tripsPerHour = 4000): Promise<{ dir: string; links: number; simulateMs: number; plainMs: number }> {
  const net = compile(grid(rows, cols, { spacing: 200, attachLength: 100, geo: { lon: 113.54, lat: 22.19 } }));
  const zones: string[] = [];
  for (let r = 0; r < rows; r++) zones.push(`w${r}`, `e${r}`);
  for (let c = 0; c < cols; c++) zones.push(`s${c}`, `n${c}`);
  const rate = tripsPerHour / 3600 / zones.length;
  const flows = zones.map((z, i) => ({ id: `f${i}`, from: z, to: zones[(i + zones.length / 2 + 1) % zones.length], rate, begin: 0, end: 1800, arrivals: 'poisson' as const }));
  const trips = expandDemand(net, { flows }, createRandom(3));
  const options = { end: 2700, seed: 3, interval: 300 };
  let t0 = performance.now();
  simulate(net, trips, {}, options);
  const plainMs = performance.now() - t0;
  const recorders = reportRecorders(net, trips, { start: 0, end: 2700, interval: 300 });
  t0 = performance.now();
  const result = simulate(net, trips, {}, { ...options, attach: recorders.attach });
  const simulateMs = performance.now() - t0;
  const dir = await mkdtemp(join(tmpdir(), 'greenwave-grid-report-'));
  const provenance = { scenario: `grid-${rows}x${cols}`, seed: 3, version: '0.1.0' };
  await writeOutputs(dir, net, trips, result, provenance, ['summary.json', 'junctions.csv', 'timeseries.csv', 'network.geojson']);
  await recorders.write(dir, provenance);
  return { dir, links: net.linkCount, simulateMs, plainMs };
}

/** Load `file` in headless Chromium `loads` times; per load, ms from navigation start to two frames after `load`. */
export async function chromiumRenderTimes(executablePath: string, file: string, loads: number): Promise<{ times: number[]; errors: string[]; links: number }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const errors: string[] = [];
  const times: number[] = [];
  let links = 0;
  try {
    for (let i = 0; i < loads; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Evaluated in the page (a string: this file is compiled without the DOM library).
      times.push(await page.evaluate<number>('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))))'));
      links = await page.locator('path.link').count();
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return { times, errors, links };
}

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** Run the report benchmark and print its table. Resolves to the exit code: 1 when a CI gate fails. */
export async function runReportBenchmark(options: { ci: boolean; out: string }): Promise<number> {
  const { dir, links, simulateMs, plainMs } = await gridReportOutputs(50, 50);
  try {
    const t0 = performance.now();
    const page = await renderReport(dir);
    const nodeMs = performance.now() - t0;
    const file = join(dir, 'report.html');
    await writeFile(file, page);
    const bytes = Buffer.byteLength(page);
    const chromiumPath = findChromium();
    const browser = chromiumPath ? await chromiumRenderTimes(chromiumPath, file, 3) : undefined;
    const renderMs = browser ? median(browser.times) : NaN;
    const rows = [
      ['measure', 'value', 'target'],
      ['links', links.toLocaleString('en'), '>= 10,000'],
      ['report size', `${(bytes / 1024 / 1024).toFixed(2)} MB`, '< 5 MB'],
      ['render in Node (renderReport)', ms(nodeMs), '-'],
      ['load and paint in Chromium (median of 3)', browser ? ms(renderMs) : 'skipped: no chromium', '< 2 s'],
      ['simulate without / with recorders', `${ms(plainMs)} / ${ms(simulateMs)}`, '-'],
    ];
    console.log(table(rows));
    if (browser && browser.errors.length > 0) console.log(`console errors: ${browser.errors.join(' | ')}`);
    writeJson(options.out, {
      machine: machine(), links, bytes, nodeRenderMs: nodeMs, chromium: chromiumPath ?? null,
      chromiumRenderMs: browser ? { median: renderMs, samples: browser.times } : null, consoleErrors: browser?.errors ?? [],
      simulateMs: { plain: plainMs, withRecorders: simulateMs }, targets: REPORT_TARGETS,
    });
    console.log(`results written to ${options.out}`);
    const failures: string[] = [];
    if (bytes >= REPORT_TARGETS.maxBytes) failures.push(`report is ${bytes} bytes (limit ${REPORT_TARGETS.maxBytes})`);
    if (browser && browser.links !== links) failures.push(`Chromium shows ${browser.links} link paths, expected ${links}`);
    if (browser && browser.errors.length > 0) failures.push('console errors in Chromium');
    if (browser && options.ci && renderMs > REPORT_TARGETS.ciRenderMs) failures.push(`Chromium render ${renderMs.toFixed(0)} ms (CI floor ${REPORT_TARGETS.ciRenderMs} ms)`);
    if (failures.length > 0) {
      console.error(`report benchmark FAILED: ${failures.join('; ')}`);
      return 1;
    }
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Run as a script: tsx bench/report.ts [--ci] [--out file]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { ci: { type: 'boolean', default: false }, out: { type: 'string' } } });
  process.exitCode = await runReportBenchmark({ ci: values.ci === true, out: values.out ?? DEFAULT_OUT });
}
