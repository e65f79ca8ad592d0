/**
 * The package's entry points as a user meets them: every sub-path of
 * package.json's `exports` follows a folder (dist/<folder>/index.js built from
 * <folder>/index.ts), exports every name the README's library examples import
 * from it, and exports none of the engine's internals.
 *
 * The entries are checked through their sources (so the test needs no build),
 * and, when dist/ has been built (`npm run build`; `npm ci` does it), through
 * Node's own resolution of the package name (`import('greenwave/io')`).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

interface Entry { types: string; import: string }
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; exports: Record<string, Entry | string> };
const entries = Object.entries(pkg.exports).filter((e): e is [string, Entry] => typeof e[1] === 'object');
const specifier = (subpath: string): string => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);
const sourceOf = (entry: Entry): string => entry.import.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts');

/** Names each `greenwave...` specifier must export: the imports of the README's TypeScript examples. */
function readmeImports(): Map<string, Set<string>> {
  const readme = readFileSync('README.md', 'utf8');
  const wanted = new Map<string, Set<string>>();
  for (const block of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    for (const m of block[1].matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
      if (m[1] || !m[3].startsWith(pkg.name)) continue; // type-only imports have no runtime name
      const names = wanted.get(m[3]) ?? new Set<string>();
      for (const part of m[2].split(',')) {
        const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0];
        if (name !== '' && !part.trim().startsWith('type ')) names.add(name);
      }
      wanted.set(m[3], names);
    }
  }
  return wanted;
}

/** Internals that no entry point may export (the kernel's scheduler, routing heaps, conflict tables, file and HTML helpers, evaluator plumbing). */
const INTERNALS = [
  'Scheduler', 'TypedHeap', 'FastPriorityQueueHeap', 'createQueue', 'buildConflicts', 'csvField', 'csvNumber', 'csv', 'provenanceLine',
  'escapeHtml', 'html', 'COMPILED_MAGIC', 'COMPILED_VERSION', 'planBatch', 'BatchRecorder', 'describeError', 'createTripCache',
  'junctionSeriesCsv', 'linkFlowsCsv', 'corridorJson', 'readXml', 'SimulationPool' /* only in greenwave/workers */,
];

describe('package.json exports', () => {
  it('every sub-path is a folder of the source tree with its index, types beside the code', () => {
    expect(entries.length).toBeGreaterThanOrEqual(12);
    for (const [subpath, entry] of entries) {
      expect(entry.import, subpath).toMatch(/^\.\/dist\/(engine|workers)(\/[a-z]+)?\/index\.js$/);
      expect(entry.types, subpath).toBe(entry.import.replace(/\.js$/, '.d.ts'));
      expect(existsSync(sourceOf(entry)), `${subpath} -> ${sourceOf(entry)}`).toBe(true);
      if (subpath !== '.' && entry.import.startsWith('./dist/engine/')) expect(entry.import).toBe(`./dist/engine/${subpath.slice(2)}/index.js`);
    }
    const folders = ['network', 'routing', 'demand', 'signals', 'sim', 'io', 'optimise', 'scenario', 'report'];
    expect(entries.map(([s]) => s)).toEqual(expect.arrayContaining(['.', ...folders.map((f) => `./${f}`), './workers', './distributed']));
  });

  it('each entry exports the names the README\'s library examples import from it, and no internals', async () => {
    const wanted = readmeImports();
    // The README's examples today (the parse must find them; more may be added).
    expect([...wanted.keys()]).toEqual(expect.arrayContaining(['greenwave', 'greenwave/distributed', 'greenwave/io']));
    expect([...wanted.get('greenwave') ?? []]).toEqual(expect.arrayContaining(['RoadNetwork', 'compile', 'corridor', 'createRandom', 'createRouter', 'expandDemand', 'simulate']));
    for (const [subpath, entry] of entries) {
      const name = specifier(subpath);
      if (name === 'greenwave/distributed') continue; // loads BullMQ and ioredis: checked without importing it below
      const mod = await import(/* @vite-ignore */ `../${sourceOf(entry).slice(2)}`) as Record<string, unknown>;
      for (const want of wanted.get(name) ?? []) expect(mod[want], `${name} exports ${want}`).toBeDefined();
      const leaked = INTERNALS.filter((internal) => internal in mod && !(name === 'greenwave/workers' && internal === 'SimulationPool'));
      expect(leaked, `${name} exports internals`).toEqual([]);
    }
    // greenwave/distributed, read as text: its README name is re-exported by name.
    const distributed = readFileSync('workers/distributed/index.ts', 'utf8');
    for (const want of wanted.get('greenwave/distributed') ?? []) expect(distributed).toMatch(new RegExp(`export \\{[^}]*\\b${want}\\b`));
  });

  it('greenwave (the root) names its exports one by one, each also exported by its layer\'s sub-path', async () => {
    const text = readFileSync('engine/index.ts', 'utf8');
    expect(text).not.toMatch(/export \*/);
    const root = await import('../engine/index.js') as Record<string, unknown>;
    const layers = await Promise.all(['network', 'routing', 'demand', 'signals', 'sim', 'scenario', 'report', 'optimise']
      .map((l) => import(/* @vite-ignore */ `../engine/${l}/index.js`) as Promise<Record<string, unknown>>));
    const errors = await import('../engine/errors.js') as Record<string, unknown>;
    const names = Object.keys(root);
    expect(names.length).toBeGreaterThan(50);
    expect(names.length).toBeLessThan(100);
    for (const name of names) expect(layers.some((l) => l[name] === root[name]) || errors[name] === root[name], name).toBe(true);
    for (const dir of ['network', 'routing', 'demand', 'signals', 'sim', 'io', 'optimise', 'scenario', 'report']) {
      expect(readFileSync(`engine/${dir}/index.ts`, 'utf8'), `engine/${dir}/index.ts`).not.toMatch(/export \*/);
    }
  });

  it.skipIf(!existsSync('dist/engine/index.js'))('resolves through Node by package name (built dist/)', async () => {
    const wanted = readmeImports();
    const checks = [...wanted].filter(([name]) => name !== 'greenwave/distributed').map(([name, names]) => [name, [...names]]);
    const script = `
      const missing = [];
      for (const [name, names] of ${JSON.stringify(checks)}) {
        const mod = await import(name);
        for (const n of names) if (!(n in mod)) missing.push(name + ' ' + n);
      }
      for (const name of ${JSON.stringify(entries.map(([s]) => specifier(s)))}) import.meta.resolve(name);
      console.log(JSON.stringify(missing));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd() });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
