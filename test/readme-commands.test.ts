/**
 * The README's shell commands, run as a reader would run them, so the README
 * cannot go stale. Every ```sh block must be preceded by an HTML comment
 * (invisible when rendered) that says what to do with it:
 *
 *   <!-- runnable -->                      run it; every command must exit 0
 *   <!-- runnable: needs sumo -->          run it when `sumo` is on PATH, else skip saying so
 *   <!-- runnable: copy A as B -->         first copy the repository's file A to B (an input
 *                                          the reader would download, e.g. an OSM extract)
 *   <!-- not runnable: <the reason> -->    never run (installs software, needs a Redis server, ...)
 *
 * (clauses of a runnable marker are separated by `;`)
 *
 * and a block preceded by `<!-- file: NAME -->` (any language) is written as
 * NAME before the commands run (the scenario example is the file the
 * `greenwave validate` example checks). The runnable blocks run in README
 * order, with bash, in one fresh folder holding a copy of scenarios/ and this
 * checkout installed as node_modules/greenwave (so `npx greenwave` and the
 * `greenwave` of `npm link` both resolve to it, without a network).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A fenced block of the README with the marker comment before it. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The text of the HTML comment on the line before the fence (blank lines skipped), if any. */
  marker?: string;
}

/** Every fenced block of `text` with its marker. */
export function readmeBlocks(text: string): ReadmeBlock[] {
  const lines = text.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (open === null) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const comment = before >= 0 ? /^<!--\s*(.*?)\s*-->$/.exec(lines[before].trim()) : null;
    blocks.push({ line: i + 1, lang: open[1], code: lines.slice(i + 1, end).join('\n'), ...(comment ? { marker: comment[1] } : {}) });
    i = end;
  }
  return blocks;
}

const ROOT = resolve('.');
const blocks = readmeBlocks(readFileSync('README.md', 'utf8'));
const shell = blocks.filter((b) => b.lang === 'sh');
const runnable = shell.filter((b) => b.marker?.startsWith('runnable'));
const work = mkdtempSync(join(tmpdir(), 'greenwave-readme-'));
const onPath = (program: string): boolean => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;

beforeAll(() => {
  cpSync(join(ROOT, 'scenarios'), join(work, 'scenarios'), { recursive: true });
  // This checkout as an installed package, its bin linked as npm links it.
  mkdirSync(join(work, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(ROOT, join(work, 'node_modules', 'greenwave'), 'dir');
  writeFileSync(join(work, 'node_modules', '.bin', 'greenwave'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist', 'cli', 'main.js')}" "$@"\n`, { mode: 0o755 });
  for (const b of blocks) {
    const file = /^file:\s*(\S+)$/.exec(b.marker ?? '');
    if (file) writeFileSync(join(work, file[1]), `${b.code}\n`);
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README commands', () => {
  it('every shell block says whether it is runnable', () => {
    const clause = String.raw`(needs [\w-]+|copy \S+ as \S+)`;
    const marker = new RegExp(String.raw`^(runnable(: ${clause}(; ${clause})*)?|not runnable: .+)$`);
    const unmarked = shell.filter((b) => !marker.test(b.marker ?? ''));
    expect(unmarked.map((b) => `README.md:${b.line}: ${b.code.split('\n')[0]}`)).toEqual([]);
    expect(runnable.length).toBeGreaterThanOrEqual(4);
  });

  for (const b of runnable) {
    const clauses = (/^runnable: (.*)$/.exec(b.marker!)?.[1] ?? '').split(';').map((c) => c.trim()).filter((c) => c !== '');
    const needs = clauses.map((c) => /^needs ([\w-]+)$/.exec(c)?.[1]).find((n) => n !== undefined);
    const copies = clauses.map((c) => /^copy (\S+) as (\S+)$/.exec(c)).filter((m): m is RegExpExecArray => m !== null);
    const missing = needs !== undefined && !onPath(needs);
    it.skipIf(missing)(`README.md:${b.line}: ${b.code.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'))?.trim()}${missing ? ` (SKIPPED: ${needs} is not on PATH)` : ''}`, () => {
      for (const [, from, to] of copies) {
        mkdirSync(join(work, to, '..'), { recursive: true });
        cpSync(join(ROOT, from), join(work, to));
      }
      const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', b.code], {
        cwd: work,
        encoding: 'utf8',
        timeout: 600_000,
        env: { ...process.env, PATH: `${join(work, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' },
      });
      expect(r.status, `README.md:${b.line} failed:\n${b.code}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`).toBe(0);
    });
  }
});
