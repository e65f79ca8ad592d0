/**
 * Bounded reading (engine/text/read.ts): regular files only, within a size cap,
 * strict UTF-8. A FIFO, a device or a directory is refused at once with what it
 * is (a FIFO used to block the reader forever).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { INPUT_SIZE_LIMITS, openInputFile, readTextFile } from '../../engine/text/read.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const linux = process.platform === 'linux';

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('readTextFile', () => {
  it('reads a regular file as UTF-8, dropping a byte-order mark', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, '\uFEFF{"name": "Sé"}');
    expect(await readTextFile(file, { format: 'json' })).toBe('{"name": "Sé"}');
  });

  it('refuses a missing file and a directory, naming them', async () => {
    const missing = await failure(readTextFile(join(dir, 'nope.json'), { format: 'json', what: 'scenario file' }));
    expect(missing.path).toBe(join(dir, 'nope.json'));
    expect(missing.reason).toMatch(/^cannot read the scenario file \(.*nope\.json\): no such file$/);
    expect((await failure(readTextFile(dir, { format: 'json' }))).reason).toMatch(/it is a directory/);
  });

  it('refuses a file name too long for the system, without repeating it whole', async () => {
    const e = await failure(readTextFile(join(dir, `${'n'.repeat(100_000)}.json`), { format: 'json' }));
    expect(e.reason).toMatch(/the file name is too long$/);
    expect(e.reason.length).toBeLessThan(400);
  });

  it.skipIf(!linux)('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const e = await failure(readTextFile(fifo, { format: 'yaml' }));
    expect(e.reason).toMatch(/named pipe \(FIFO\), not a regular file/);
  }, 5000);

  it.skipIf(!linux)('refuses a device such as /dev/zero (it never ends)', async () => {
    expect((await failure(readTextFile('/dev/zero', { format: 'json' }))).reason).toMatch(/it is a device/);
  });

  it('refuses a file above the cap of its format, with the cap and how to raise it', async () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, `[${'1,'.repeat(1000)}1]`);
    const e = await failure(readTextFile(file, { format: 'json', maxBytes: 1000, raiseWith: '--max-input <MiB>' }));
    expect(e.reason).toMatch(/it is 2,003 bytes, above the limit of 1,000 bytes for JSON files; raise the limit with --max-input <MiB>/);
    expect(INPUT_SIZE_LIMITS.json).toBe(256 * 1024 * 1024);
    expect(INPUT_SIZE_LIMITS.yaml).toBeLessThan(INPUT_SIZE_LIMITS.json);
  });

  it.skipIf(!linux)('reads files that report size 0 (under /proc) to their end, never past the cap', async () => {
    expect(await readTextFile('/proc/self/status', { format: 'text' })).toMatch(/^Name:/);
    const e = await failure(readTextFile('/proc/self/status', { format: 'text', maxBytes: 16 }));
    expect(e.reason).toMatch(/more than/);
  });

  it('refuses bytes that are not UTF-8, at their line and column', async () => {
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('name: x\nstreet: Rua '), Buffer.from([0xe9]), Buffer.from('\n')]));
    const e = await failure(readTextFile(file, { format: 'yaml' }));
    expect(e.position).toEqual({ line: 2, column: 13 });
    expect(e.message).toContain(`${file}:2:13: the input file is not UTF-8 text`);
  });
});

describe('openInputFile', () => {
  it('hands back the open file and its size for streaming readers', async () => {
    const file = join(dir, 'net.xml');
    writeFileSync(file, '<net/>');
    const { handle, size } = await openInputFile(file, { format: 'xml' });
    try {
      expect(size).toBe(6);
      expect((await handle.readFile()).toString()).toBe('<net/>');
    } finally {
      await handle.close();
    }
    expect((await failure(openInputFile(file, { format: 'xml', maxBytes: 3 }))).reason).toMatch(/it is 6 bytes, above the limit of 3 bytes for XML files/);
  });
});
