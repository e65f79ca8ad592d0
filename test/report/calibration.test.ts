/**
 * The report's calibration section (engine/report/html/calibration.ts) from the
 * files `greenwave calibrate` writes: figures before and after, one scatter dot
 * per count with the GEH = 5 envelope M = C + (25 +- sqrt(625 + 400 C)) / 4, the
 * count locations on the map coloured by whole-period GEH, the worst locations
 * first, hostile names escaped, malformed files located.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { loadReportData, renderReportHtml } from '../../engine/report/index.js';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

const fit = (share: number) => ({
  locations: 3, counts: 6, countsWithTraffic: 5, shareGehBelow5: share, shareGehBelow5WithTraffic: share, periodShareGehBelow5: 1, shareFlowCriterion: 1,
  meanGeh: 1, r2: 0.9, slope: 1, intercept: 0, rmse: 3, percentRmse: 10, totals: { observed: 300, simulated: 290, ratio: 290 / 300 }, worst: [],
});
const JSON_FILE = {
  scenario: 'cal<b>', seed: 3, tripEnds: 'boundary', stopReason: 'converged', interrupted: false, trips: 120, bestIteration: 2,
  fit: fit(5 / 6), before: fit(0.5), consistency: { problems: ['junction "<img src=x>" is odd'], notes: [] },
  iterations: [{ iteration: 1, shareGehBelow5: 0.5, sumSquaredGeh: 40 }, { iteration: 2, shareGehBelow5: 0.83, sumSquaredGeh: 10 }],
};
const CSV = [
  'location,begin,end,observed,simulated,geh',
  'A>B,07:00:00,07:15:00,50,52,0.55',
  'A>B,07:15:00,07:30:00,40,41,0.31',
  'B>C,07:00:00,07:15:00,30,10,8.94',
  'B>C,07:15:00,07:30:00,0,0,0',
  '"<script>x</script>",07:00:00,07:15:00,100,110,1.95',
  '"<script>x</script>",07:15:00,07:30:00,80,77,0.67',
].join('\n');
const GEOJSON = {
  type: 'FeatureCollection', crs: { note: 'planar metres' },
  features: [['A>B', 'A', 'B', 0, 0, 200, 0], ['B>C', 'B', 'C', 200, 0, 200, 200], ['C>D', 'C', 'D', 200, 200, 0, 200]].map(([id, from, to, x0, y0, x1, y1]) => ({
    type: 'Feature', geometry: { type: 'LineString', coordinates: [[x0, y0], [x1, y1]] }, properties: { id, from, to, entered: 10, speedRatio: 0.8 },
  })),
};

async function outputs(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'greenwave-report-cal-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('calibration section', () => {
  it('is read from calibration.csv and calibration.json alone, and shows the fit before and after', async () => {
    const data = await loadReportData(await outputs({ 'calibration.csv': CSV, 'calibration.json': JSON.stringify(JSON_FILE) }));
    expect(data.calibration?.counts).toHaveLength(6);
    expect(data.calibration?.counts?.[2]).toEqual({ location: 'B>C', begin: 25200, end: 26100, observed: 30, simulated: 10, geh: 8.94 });
    const page = renderReportHtml(data);
    expect(page).toContain('<section id="calibration">');
    expect(page).toContain('before (the scenario&#39;s demand)');
    expect(page).toMatch(/<th>calibrated<\/th><td>83\.3%/);
    expect(page).toContain('greenwave report — cal&lt;b&gt;');
    expect(page).toContain('junction &quot;&lt;img src=x&gt;&quot; is odd');
    expect(page).not.toContain('<script>x</script>');
    expect(page).not.toContain('<img src=x>');
    expect(page).toContain('No network.geojson here');
  });

  it('plots one dot per count in hourly flows, split at GEH 5, with the GEH = 5 envelope', async () => {
    const page = renderReportHtml(await loadReportData(await outputs({ 'calibration.csv': CSV })));
    const dots = (series: string): number => (new RegExp(`data-series="${series}" d="([^"]*)"`).exec(page)?.[1].match(/h0/g) ?? []).length;
    expect(dots('GEH &lt; 5')).toBe(5);
    expect(dots('GEH ≥ 5')).toBe(1);
    expect(page).toContain('data-series="GEH = 5"');
    expect(page).toContain('No calibration.json here');
  });

  it('colours the counted links on the map by whole-period GEH and lists the worst first', async () => {
    const page = renderReportHtml(await loadReportData(await outputs({ 'calibration.csv': CSV, 'network.geojson': JSON.stringify(GEOJSON) })));
    const map = page.slice(page.indexOf('id="calibration-map"'));
    expect((map.match(/class="count-link"/g) ?? []).length).toBe(3);
    // B>C: 30 vs 10 vehicles in 0.5 h = 60 vs 20 veh/h -> GEH sqrt(2 * 1600 / 80) = 6.32
    expect(map).toMatch(/data-id="B&gt;C" data-tip="among the worst: GEH 6\.32, 30 observed, 10 simulated"/);
    expect(map).toMatch(/data-id="C&gt;D" data-tip="\(not counted\)"/);
    const worst = [...page.matchAll(/<tr data-location="([^"]*)"/g)].map((m) => m[1]);
    expect(worst).toEqual(['B&gt;C', '&lt;script&gt;x&lt;/script&gt;', 'A&gt;B']);
    // the run's own map keeps its id and link class, so the page's colour toggle leaves this one alone
    expect(page).toContain('id="network-map"');
    expect((page.match(/class="link"/g) ?? []).length).toBe(3);
  });

  it('locates a malformed calibration file', async () => {
    const bad = await outputs({ 'calibration.csv': CSV.replace('0.31', 'many') });
    const e = await loadReportData(bad).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).path).toBe('calibration.csv:3 geh');
    const badJson = await outputs({ 'calibration.json': JSON.stringify({ ...JSON_FILE, fit: { counts: 'x' } }) });
    await expect(loadReportData(badJson)).rejects.toThrow(/calibration\.json fit\./);
  });
});
