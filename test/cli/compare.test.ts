/**
 * `greenwave compare <base> <variant>...` as a planner meets it: a two-signal
 * corridor against a variant with 60% more demand (a `changes:` overlay), one
 * with a second lane (a whole scenario file) and one with the side street's
 * northern arm closed (an overlay), on the same seeds; the paired differences in what-if.json, and report.html in
 * headless Chromium (Debian's, through playwright-core, like the report test):
 * it loads with no console error and no request, shows a table per variant with
 * gridlock first, and a difference map with one line per link. A screenshot is
 * saved in out/screenshots/ (gitignored) for a person to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { greenwave } from '../fixtures/cli.js';
import { twoSignalsYaml } from '../fixtures/two-signals.js';
import { CHROMIUM_CANDIDATES, findChromium } from '../../bench/chromium.js';

const playwright = await import('playwright-core').catch(() => undefined);
const chromiumPath = playwright === undefined ? undefined : findChromium();
if (!chromiumPath) console.warn(`compare browser test skipped: no playwright-core or no Chromium at ${process.env.CHROMIUM_PATH ?? CHROMIUM_CANDIDATES.join(', ')}`);

const dir = mkdtempSync(join(tmpdir(), 'greenwave-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (name: string, lanes: number, scale: number): string => twoSignalsYaml(name, { lanes, scale, flowEndS: 900 });

describe('greenwave compare', () => {
  it('runs base and variants on the same seeds, gives paired differences with intervals, and a report that loads in Chromium', async () => {
    const busierText = 'name: busier\nbase: today.yaml\nchanges:\n  - scaleDemand: 1.6\n';
    const closed = 'name: side-closed\nbase: today.yaml\nchanges:\n  - closeLink: n1>j1\n';
    for (const [file, text] of [['today.yaml', scenario('today', 1, 1)], ['busier.yaml', busierText], ['two-lanes.yaml', scenario('two-lanes', 2, 1)], ['side-closed.yaml', closed]] as const) {
      writeFileSync(join(dir, file), text);
    }
    const out = join(dir, 'what-if');
    const r = greenwave(['compare', join(dir, 'today.yaml'), join(dir, 'busier.yaml'), join(dir, 'two-lanes.yaml'), join(dir, 'side-closed.yaml'), '--seeds', '5', '--out', out, '--json', '-q'], 600_000);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'what-if.json'), 'utf8')) as {
      seeds: number[]; base: { name: string };
      variants: Array<{
        name: string; verdict: string; gridlockedSeeds: number[]; difference: Record<string, { n: number; mean: number; lower: number; upper: number }>;
        links: Array<{ id: string; difference: { n: number } }>; removedLinks: string[];
      }>;
    };
    expect(json.seeds).toEqual([3, 4, 5, 6, 7]);
    expect(json.variants.map((v) => v.name)).toEqual(['busier', 'two-lanes', 'side-closed']);
    const [busier, wider, sideClosed] = json.variants;
    // 60% more demand: more delay for all trips, the paired interval above 0, so "worse"
    expect(busier.difference.meanDelayAllTrips.n).toBe(5);
    expect(busier.difference.meanDelayAllTrips.lower).toBeGreaterThan(0);
    expect(busier.verdict).toBe('worse');
    // the same seeds draw the same demand: trips finished differ only by what the roads let through
    expect(wider.difference.meanDelayAllTrips.mean).toBeLessThanOrEqual(0);
    expect(wider.links.length).toBeGreaterThan(0);
    expect(wider.links.every((l) => l.difference.n <= 5)).toBe(true);
    // the overlay closed the side street's northern arm: that link is gone, and its trips (counted to the end) make it worse
    expect(sideClosed.removedLinks).toEqual(['n1>j1']);
    expect(sideClosed.difference.meanTravelTimeAllTrips.lower).toBeGreaterThan(0);
    expect(sideClosed.verdict).toBe('worse');
    // the trips the closure stranded are a figure of their own, not only a drop in trips finished
    expect(sideClosed.difference.unroutable.mean).toBeGreaterThan(0);
    expect(sideClosed.difference.unroutable.mean).toBeCloseTo(-(sideClosed.difference.arrived.mean + sideClosed.difference.unfinished.mean), 9); // the same trips: arrived + unfinished + unroutable
    expect(wider.difference.unroutable.mean).toBe(0);
    if (!chromiumPath || playwright === undefined) return;
    const browser = await playwright.chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (q) => requests.push(q.url()));
      const file = join(out, 'report.html');
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(await page.locator('section#what-if table.what-if').count()).toBe(3);
      // gridlock is the first row of each table
      expect(await page.evaluate<string[]>(`Array.from(document.querySelectorAll('table.what-if'), (t) => t.querySelector('tbody tr').getAttribute('data-metric'))`)).toEqual(['gridlock', 'gridlock', 'gridlock']);
      expect(await page.locator('table.what-if[data-variant="busier"] td[data-verdict="worse"]').count()).toBe(1);
      // the difference map: one line per link of the base, each drawn with a stroke
      const links = await page.locator('.what-if-variant[data-variant="busier"] svg.difference-map polyline.diff-link').count();
      expect(links).toBeGreaterThan(8);
      expect(await page.locator('.what-if-variant[data-variant="busier"] svg.difference-map polyline[data-differs="yes"]').count()).toBeGreaterThan(0);
      await expect(page.locator('svg.difference-map').first().isVisible()).resolves.toBe(true);
      mkdirSync('out/screenshots', { recursive: true });
      await page.screenshot({ path: 'out/screenshots/compare.png', fullPage: true });
    } finally {
      await browser.close();
    }
  }, 900_000);
});
