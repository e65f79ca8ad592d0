/**
 * The HTML report in a real browser: Debian's headless Chromium, driven by
 * playwright-core. For each bundled scenario (run with --report) and for a
 * network whose names carry markup, the page must load with no console errors
 * and no network request, show a legend, one path per link, junction circles in
 * their LOS colours, working controls; a screenshot of each is saved in
 * out/screenshots/ (gitignored) for a person to look at.
 *
 * Skipped, with a message naming the paths tried, when no Chromium binary is
 * found (install it with `apt-get install chromium`, or set CHROMIUM_PATH).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runCommand } from '../../cli/commands.js';
import { writeReport } from '../../engine/report/index.js';
import { LOS_COLOURS } from '../../engine/report/html/colours.js';
import { CHROMIUM_CANDIDATES, findChromium } from '../../bench/chromium.js';
import { HOSTILE, hostileOutputs } from '../fixtures/report-fixture.js';

/** playwright-core is an optional dependency (`npm install --omit=optional` leaves it out). */
const playwright = await import('playwright-core').catch(() => undefined);
const chromiumPath = playwright === undefined ? undefined : findChromium();
if (playwright === undefined) {
  console.warn('browser-report tests skipped: playwright-core (an optional dependency) is not installed (npm install playwright-core)');
} else if (!chromiumPath) {
  console.warn(`browser-report tests skipped: no Chromium at ${process.env.CHROMIUM_PATH ?? CHROMIUM_CANDIDATES.join(', ')} (apt-get install chromium, or set CHROMIUM_PATH)`);
}
const SCREENSHOTS = 'out/screenshots';
const dirs: string[] = [];

/** "#1a9641" -> "rgb(26, 150, 65)", as getComputedStyle reports colours. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/**
 * `expression` (JavaScript, with `e` bound to each element) for every element
 * matching `selector`, evaluated in the page. A string, because this project
 * compiles without the DOM library.
 */
function each<T>(page: Page, selector: string, expression: string): Promise<T[]> {
  return page.evaluate<T[]>(`Array.from(document.querySelectorAll(${JSON.stringify(selector)}), (e) => ${expression})`);
}

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

describe.skipIf(!chromiumPath)('the report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await playwright!.chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function open(file: string): Promise<Opened> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const opened: Opened = { page, errors: [], requests: [], dialogs: [] };
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') opened.errors.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => opened.errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => opened.requests.push(r.url()));
    page.on('dialog', (d) => { opened.dialogs.push(d.message()); void d.dismiss(); });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return opened;
  }

  /** Checks every report page must pass; returns the page for more. */
  async function checkPage(file: string, links: number): Promise<Opened> {
    const opened = await open(file);
    const { page } = opened;
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([pathToFileURL(file).href]); // nothing fetched but the file itself
    // Legend: the colour ramp and the six LOS grades.
    await expect(page.locator('#map-legend svg.legend-ramp').first().isVisible()).resolves.toBe(true);
    expect(await each(page, '#map-legend .legend-los li', "e.getAttribute('data-los')")).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    // One path per link, each with a stroke colour.
    expect(await page.locator('#network-map path.link').count()).toBe(links);
    const strokes = await each<string>(page, '#network-map path.link', 'getComputedStyle(e).stroke');
    expect(strokes.every((s) => /^rgb\(/.test(s))).toBe(true);
    // Junctions in their LOS colours, as rendered.
    const circles = await each<[string, string]>(page, '#network-map circle.junction', "[e.getAttribute('data-los'), getComputedStyle(e).fill]");
    expect(circles.length).toBeGreaterThan(0);
    for (const [los, fill] of circles) expect(fill).toBe(rgb(LOS_COLOURS[los as keyof typeof LOS_COLOURS]));
    return opened;
  }

  for (const scenario of ['grid-4x4', 'corridor', 'macau-peninsula']) {
    it(`${scenario}: run --report gives a page that loads cleanly, with map, legend, charts and working controls`, async () => {
      const dir = await mkdtemp(join(tmpdir(), `greenwave-browser-${scenario}-`));
      dirs.push(dir);
      const write = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write; // the run's table
      let code: number;
      try {
        code = await runCommand(`scenarios/${scenario}/scenario.yaml`, { out: dir, report: true, quiet: true });
      } finally {
        process.stdout.write = write;
      }
      expect(code).toBe(0);
      const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
      const { page } = await checkPage(join(dir, 'report.html'), summary.network.links);
      // Charts present: network time series, a junction's queue and delay, the time-space diagram.
      expect(await page.locator('#network-time svg.chart').count()).toBe(2);
      expect(await page.locator('#corridor path.trajectory').count()).toBeGreaterThan(20);
      expect(await page.locator('#corridor .signal-band rect').count()).toBeGreaterThan(10);
      // Choosing another junction shows its charts only.
      const options = await each<string>(page, '#junction-select option', 'e.value');
      expect(options.length).toBeGreaterThan(1);
      await page.selectOption('#junction-select', options[1]);
      const visible = (await each<string | null>(page, '.junction-chart', "e.hidden ? null : e.getAttribute('data-junction')")).filter((id) => id !== null);
      expect(visible).toEqual([options[1]]);
      // Clicking a charted junction on the map selects it.
      await page.locator(`#network-map circle.junction[data-id="${options[2] ?? options[0]}"]`).dispatchEvent('click');
      expect(await page.locator('#junction-select').inputValue()).toBe(options[2] ?? options[0]);
      // Colouring by v/c changes link colours and swaps the legend; and back.
      const first = page.locator('#network-map path.link[data-vc]').first();
      const before = await first.getAttribute('stroke');
      await page.click('[data-colour-by="vc"]');
      expect(await first.getAttribute('stroke')).toBe(await first.getAttribute('data-vc'));
      expect(await page.locator('[data-legend-for="vc"]').isVisible()).toBe(true);
      expect(await page.locator('[data-legend-for="sr"]').isVisible()).toBe(false);
      await page.click('[data-colour-by="sr"]');
      expect(await first.getAttribute('stroke')).toBe(before);
      // Hovering a link shows its figures.
      await page.locator('#network-map path.link').nth(0).dispatchEvent('mouseover');
      expect(await page.locator('.tip').textContent()).toMatch(/speed ratio/);
      await page.locator('header').dispatchEvent('mouseover'); // hide the tooltip again
      expect(await page.locator('.tip').isVisible()).toBe(false);
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(SCREENSHOTS, `${scenario}.png`), fullPage: true });
      await page.close();
    });
  }

  it('hostile names: shown as text, no script runs, no dialog opens, no request leaves', async () => {
    const dir = await hostileOutputs();
    dirs.push(dir);
    const { path } = await writeReport(dir);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
    const opened = await checkPage(path, summary.network.links);
    const { page } = opened;
    await page.waitForTimeout(200);
    expect(opened.dialogs).toEqual([]);
    expect(await page.title()).toContain(HOSTILE.scenario);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    // The names reach the DOM as the literal strings they are.
    const ids = await each(page, '#network-map circle.junction', "e.getAttribute('data-id')");
    expect(ids).toContain(HOSTILE.script);
    const linkIds = await each(page, '#network-map path.link', "e.getAttribute('data-id')");
    expect(linkIds).toContain(HOSTILE.linkTitle);
    expect(await page.locator('#comparison').textContent()).toContain("<script>alert('junction')</script>");
    expect(await page.locator('#convergence svg.chart path.series').count()).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'hostile-names.png'), fullPage: true });
    await page.close();
  });
});
