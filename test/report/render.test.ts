/**
 * The HTML report as text: escaping of every input name, the sections each file
 * brings, the Content-Security-Policy, located errors for malformed inputs, and
 * the size of a 10,000-link report (rendering speed is measured in a real
 * browser by test/report/browser.test.ts and bench/report.ts).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { loadReportData, renderReport, renderReportHtml } from '../../engine/report/index.js';
import { escapeHtml, html } from '../../engine/report/html/escape.js';
import { LOS_COLOURS } from '../../engine/report/html/colours.js';
import { HOSTILE, copyOptimiserFixture, hostileOutputs } from '../fixtures/report-fixture.js';
import { gridReportOutputs } from '../../bench/report.js';
import { num } from '../../engine/report/html/charts.js';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

/**
 * Element and attribute names of every start tag in `page`, read as a browser's
 * tokenizer does (HTML Living Standard §13.2.5.1-13.2.5.39, without character
 * references, which cannot start a tag): a name after '<' + letter, then
 * attributes separated by whitespace or '/', or following a quoted value directly.
 * Text between tags (script and style content included) is skipped.
 */
function startTags(page: string): { elements: Set<string>; attributes: Set<string> } {
  const elements = new Set<string>();
  const attributes = new Set<string>();
  const space = (c: string): boolean => c === ' ' || c === '\n' || c === '\t' || c === '\f' || c === '\r';
  let i = 0;
  while ((i = page.indexOf('<', i)) >= 0) {
    i++;
    if (!/[a-zA-Z]/.test(page[i] ?? '')) continue;
    let name = '';
    while (i < page.length && !space(page[i]) && page[i] !== '/' && page[i] !== '>') name += page[i++];
    elements.add(name.toLowerCase());
    for (;;) {
      while (i < page.length && (space(page[i]) || page[i] === '/')) i++;
      if (i >= page.length || page[i] === '>') break;
      let attr = page[i++];
      while (i < page.length && !space(page[i]) && page[i] !== '/' && page[i] !== '>' && page[i] !== '=') attr += page[i++];
      attributes.add(attr.toLowerCase());
      while (i < page.length && space(page[i])) i++;
      if (page[i] !== '=') continue;
      i++;
      while (i < page.length && space(page[i])) i++;
      const q = page[i];
      if (q === '"' || q === "'") { i = page.indexOf(q, i + 1) + 1; if (i === 0) i = page.length; } else while (i < page.length && !space(page[i]) && page[i] !== '>') i++;
    }
    // The content of <script> and <style> is text up to its end tag.
    const raw = name.toLowerCase();
    if (raw === 'script' || raw === 'style') i = Math.max(i, page.indexOf(`</${raw}`, i));
  }
  return { elements, attributes };
}

describe('escapeHtml and html', () => {
  it('escapes the five characters that end text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes interpolated strings in text and attributes, keeps markup it built, drops false/null', () => {
    const name = HOSTILE.attribute;
    const inner = html`<b>${HOSTILE.script}</b>`;
    const out = html`<p title="${name}">${inner}${false}${null}${[1, '<i>', inner]}${NaN}</p>`.markup;
    expect(out).toBe('<p title="&quot;onload=alert(2) x=&quot;"><b>&lt;script&gt;alert(1)&lt;/script&gt;</b>1&lt;i&gt;<b>&lt;script&gt;alert(1)&lt;/script&gt;</b></p>');
  });
});

describe('num', () => {
  it('formats like toLocaleString("en") with fixed decimals, and a dash for non-finite values', () => {
    for (const [v, d] of [[1234567.891, 1], [-1234.5, 0], [0.004, 2], [999, 0], [1000, 0], [12, 2], [-5.56, 1], [123456, 0]] as const) {
      expect(num(v, d)).toBe(v.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d }));
    }
    expect(num(NaN)).toBe('–');
  });
});

describe('renderReport on hostile names', () => {
  let dir: string;
  let page: string;
  beforeAll(async () => {
    dir = await hostileOutputs();
    dirs.push(dir);
    page = await renderReport(dir);
  });

  it('contains no markup from input names: its elements and attributes are only the report\'s own', () => {
    const { elements, attributes } = startTags(page);
    expect(attributes).toContain('data-tip');
    expect([...elements].filter((e) => ['img', 'iframe', 'object', 'embed', 'a', 'form', 'input', 'base', 'link'].includes(e))).toEqual([]);
    expect([...attributes].filter((a) => a.startsWith('on') || a === 'src' || a === 'href')).toEqual([]);
    expect(page.match(/<script/gi)).toHaveLength(1);
    expect(page).not.toContain('<b>evil</b>');
    // ...while the names are all there, escaped, for a reader.
    expect(page).toContain(escapeHtml(HOSTILE.script));
    expect(page).toContain(escapeHtml(HOSTILE.attribute));
    expect(page).toContain(escapeHtml(HOSTILE.img));
    expect(page).toContain(escapeHtml(HOSTILE.linkTitle));
    expect(page).toContain(escapeHtml(HOSTILE.scenario));
  });

  it('allows only its own script, by hash, and no network access', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(page).not.toMatch(/\s(src|href)="(https?:)?\/\//);
  });

  it('draws one path per link, one LOS circle per junction vehicles passed, and every section', async () => {
    const data = await loadReportData(dir);
    expect(page.match(/<path class="link"/g)).toHaveLength(data.links?.length ?? -1);
    const passed = (data.junctions ?? []).filter((j) => j.los !== '');
    expect(page.match(/<circle class="junction/g)).toHaveLength(passed.length);
    for (const j of passed) expect(page).toContain(`fill="${LOS_COLOURS[j.los as 'A']}" data-los="${j.los}" data-id="${escapeHtml(j.id)}"`);
    for (const id of ['map-legend', 'network-time', 'junctions', 'corridor', 'convergence', 'comparison']) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('class="trajectory"');
    expect(page).toContain('class="signal-band"');
  });

  it('is pure: the same data renders the same page', async () => {
    const data = await loadReportData(dir);
    expect(renderReportHtml(data)).toBe(renderReportHtml(data));
    expect(renderReportHtml(data)).toBe(page);
  });

  it('the before/after table has one row per plan with intervals, and marks differences the intervals support', () => {
    for (const plan of ['current', 'webster', 'actuated', 'max-pressure', 'optimised']) expect(page).toContain(`<tr data-plan="${plan}">`);
    // optimised: 44.6 ± 3.48 vs current 61.8 ± 4.97: intervals apart, 27.8% lower.
    expect(page).toMatch(/<tr data-plan="optimised">.*?-27\.8% \(intervals apart\)/s);
    // webster: 55.2 ± 4.35 vs current: intervals overlap.
    expect(page).toMatch(/<tr data-plan="webster">.*?-10\.7% \(intervals overlap\)/s);
    expect(page).toContain('Held-out'.toLowerCase().slice(0, 4));
  });
});

describe('renderReport on partial directories', () => {
  it('renders an optimiser-only directory (convergence and comparison, no map)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenwave-opt-'));
    dirs.push(dir);
    await copyOptimiserFixture(dir);
    const page = await renderReport(dir);
    expect(page).toContain('id="convergence"');
    expect(page).toContain('id="comparison"');
    expect(page).not.toContain('id="network-map"');
    expect(page).toContain('120 evaluations');
  });

  it('says whether the written plan beats the best baseline, paired by seed, and says nothing for files without it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenwave-versus-'));
    dirs.push(dir);
    await copyOptimiserFixture(dir);
    expect(await renderReport(dir)).not.toContain('class="note versus-best"');
    const comparison = JSON.parse(await readFile('test/fixtures/report/optimise/comparison.json', 'utf8'));
    const difference = { n: 10, mean: -1.9, sd: 1.1, halfWidth: 0.8, lower: -2.7, upper: -1.1, level: 0.95 };
    comparison.versusBest = { plan: 'optimised', baseline: 'actuated', difference, verdict: 'better', verdictReason: 'objective -1.9 ± 0.8, paired by seed' };
    await writeFile(join(dir, 'comparison.json'), JSON.stringify(comparison));
    const page = await renderReport(dir);
    expect(page).toContain('data-verdict="better"');
    expect(page).toContain('optimised beats actuated, the best baseline');
    expect(page).toContain('-1.9 ± 0.8');
    comparison.versusBest = { ...comparison.versusBest, difference: { ...difference, mean: -0.4, lower: -1.2, upper: 0.4 }, verdict: 'inconclusive' };
    await writeFile(join(dir, 'comparison.json'), JSON.stringify(comparison));
    expect(await renderReport(dir)).toContain('optimised is not shown to beat actuated');
    comparison.versusBest.verdict = 'maybe';
    await writeFile(join(dir, 'comparison.json'), JSON.stringify(comparison));
    await expect(renderReport(dir)).rejects.toMatchObject({ name: 'InputError', path: 'comparison.json versusBest.verdict' });
  });

  it('rejects a directory with no outputs with an InputError naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenwave-empty-'));
    dirs.push(dir);
    await expect(renderReport(dir)).rejects.toMatchObject({ name: 'InputError', path: dir });
  });

  it('locates a bad CSV value by file, line and column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenwave-bad-'));
    dirs.push(dir);
    await writeFile(join(dir, 'junctions.csv'), '# greenwave\nid,control,vehicles,control_delay_s,los\nJ1,signal,10,12.5,B\nJ2,signal,ten,3,A\n');
    const error = await renderReport(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe('junctions.csv:4 vehicles');
    await writeFile(join(dir, 'junctions.csv'), 'id,control,vehicles,control_delay_s,los\nJ1,signal,10,12.5,G\n');
    await expect(renderReport(dir)).rejects.toMatchObject({ path: 'junctions.csv:2 los' });
    await writeFile(join(dir, 'junctions.csv'), 'id,control,vehicles,los\n');
    await expect(renderReport(dir)).rejects.toMatchObject({ path: 'junctions.csv:1' });
  });

  it('locates a bad JSON value by file and JSON path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'greenwave-badjson-'));
    dirs.push(dir);
    const comparison = JSON.parse(await readFile('test/fixtures/report/optimise/comparison.json', 'utf8'));
    comparison.rows[2].metrics.meanDelay.mean = 'fast';
    await writeFile(join(dir, 'comparison.json'), JSON.stringify(comparison));
    await expect(renderReport(dir)).rejects.toMatchObject({ name: 'InputError', path: 'comparison.json rows[2].metrics.meanDelay.mean' });
    await writeFile(join(dir, 'comparison.json'), '{ not json');
    await expect(renderReport(dir)).rejects.toMatchObject({ path: 'comparison.json' });
  });
});

describe('a 10,000-link report', () => {
  it('is under 5 MB with one path per link', async () => {
    const { dir, links } = await gridReportOutputs(50, 50);
    dirs.push(dir);
    expect(links).toBeGreaterThanOrEqual(10_000);
    const page = await renderReport(dir);
    const bytes = Buffer.byteLength(page);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    expect(page.match(/<path class="link"/g)).toHaveLength(links);
  });
});
