/**
 * The package as a user installs it: `npm pack` (dist/ is built by the global
 * setup), unpacked into a fresh project beside exactly the packages a
 * production install brings (those `npm ls --omit=dev` lists, linked from this
 * checkout's node_modules, so nothing is downloaded) plus @types/node, which a
 * TypeScript user adds. Then:
 *  - the README's TypeScript examples type-check against it with `strict` and
 *    without `skipLibCheck` (a published declaration that names a type only a
 *    devDependency provides, as `@types/d3-scale` was, fails here);
 *  - the tarball holds the compiled code, declarations and scenarios, and no
 *    sources, tests or source maps;
 *  - the installed `greenwave` bin runs, and the library imports;
 *  - with the optional dependencies removed (`npm install --omit=optional`),
 *    a plain run works and `--redis` and a `.osm.pbf` import say what to install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string; bin: Record<string, string>; optionalDependencies: Record<string, string> };
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'greenwave-package-'));
const project = join(work, 'project');
const modules = join(project, 'node_modules');
let packedFiles: string[] = [];

/** The README's TypeScript examples, in order. */
export function readmeTypeScript(readme: string): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Top-level package names (`name` or `@scope/name`) of a production install of this checkout. */
function productionPackages(): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const names = new Set<string>();
  for (const line of out.split('\n')) {
    const rel = line.startsWith(`${ROOT}/node_modules/`) ? line.slice(ROOT.length + '/node_modules/'.length) : undefined;
    if (rel === undefined) continue;
    const parts = rel.split('/');
    names.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return [...names];
}

function link(name: string): void {
  const target = join(ROOT, 'node_modules', name);
  if (!existsSync(target)) return; // an optional dependency this machine did not install
  mkdirSync(join(modules, name, '..'), { recursive: true });
  symlinkSync(target, join(modules, name), 'dir');
}

/** `node --preserve-symlinks` (so linked packages resolve their imports here, not in the checkout) in the project. */
function node(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', ...args], { cwd: project, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  mkdirSync(modules, { recursive: true });
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { encoding: 'utf8' })) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packedFiles = packed[0].files.map((f) => f.path);
  mkdirSync(join(modules, pkg.name));
  execFileSync('tar', ['-xzf', join(work, packed[0].filename), '-C', join(modules, pkg.name), '--strip-components=1']);
  for (const name of productionPackages()) link(name);
  for (const name of ['@types/node', 'undici-types']) link(name); // what a TypeScript user adds themselves
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'a-user', private: true, type: 'module' }));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds the compiled code, its declarations, the bin and the scenarios; no sources, tests or source maps', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/engine/index.js', 'dist/engine/index.d.ts', pkg.bin.greenwave, 'scenarios/schema.json']));
    expect(packedFiles.filter((f) => /\.map$|\.tsbuildinfo$|^test\/|^engine\/|(?<!\.d)\.ts$/.test(f))).toEqual([]);
    expect(readFileSync(join(modules, pkg.name, pkg.bin.greenwave), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('type-checks the README\'s TypeScript examples under strict, without skipLibCheck, in a fresh project', () => {
    const examples = readmeTypeScript(readFileSync('README.md', 'utf8'));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    examples.forEach((code, i) => writeFileSync(join(project, `readme-example-${i + 1}.ts`), code));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', preserveSymlinks: true, types: ['node'],
      },
      include: ['*.ts'],
    }, null, 2));
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 600_000 });
    expect(r.stdout + r.stderr, 'tsc in the fresh project').toBe('');
    expect(r.status).toBe(0);
  });

  it('installs a working greenwave command and an importable library', () => {
    const bin = join('node_modules', pkg.name, pkg.bin.greenwave);
    const version = node([bin, '--version']);
    expect(version.stdout.trim(), version.stderr).toBe(pkg.version);
    const validate = node([bin, 'validate', join('node_modules', pkg.name, 'scenarios/corridor/scenario.yaml')]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('ok');
    const lib = node(['--input-type=module', '-e', "const g = await import('greenwave'); const r = await g.runScenario('node_modules/greenwave/scenarios/corridor/scenario.yaml'); console.log(r.summary.totals.trips > 0, typeof (await import('greenwave/routing')).createRouter)"]);
    expect(lib.stdout.trim(), lib.stderr).toBe('true function');
  });

  it('works without its optional dependencies, and names the one a feature needs', () => {
    for (const name of Object.keys(pkg.optionalDependencies)) rmSync(join(modules, name), { force: true, recursive: true });
    const bin = join('node_modules', pkg.name, pkg.bin.greenwave);
    const scenario = join('node_modules', pkg.name, 'scenarios/corridor/scenario.yaml');
    const plain = node([bin, 'run', scenario, '--json', '--no-files', '-q']);
    expect(plain.code, plain.stderr).toBe(0);
    const redis = node([bin, 'run', scenario, '--redis', 'redis://127.0.0.1:1', '--replications', '2', '--no-files', '-q']);
    expect(redis.code).toBe(2);
    expect(redis.stderr).toMatch(/needs the optional packages bullmq, ioredis, msgpackr.*npm install bullmq ioredis msgpackr/);
    expect(redis.stderr).not.toMatch(/\n\s+at /);
    const pbf = node([bin, 'import', 'osm', join(ROOT, 'test/fixtures/osm/signals.osm.pbf'), '-o', join(work, 'pbf.json')]);
    expect(pbf.code).toBe(2);
    expect(pbf.stderr).toMatch(/needs the optional package osm-pbf-parser-node.*npm install osm-pbf-parser-node/);
  });
});
