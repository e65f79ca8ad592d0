/**
 * readXml's bounds (engine/io/xml.ts): an attribute value, a comment, the
 * attributes of one element and the nesting depth are limited, so a hostile
 * file is refused at its line with a message instead of exhausting memory;
 * only regular files are read.
 */
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { DEFAULT_XML_LIMITS, readXml } from '../../engine/io/xml.js';
import { shortName } from '../../engine/io/files.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-xml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

const ignore = { open: () => {} };

describe('readXml bounds', () => {
  it('refuses an attribute longer than the limit after reading at most one more chunk, at its line', async () => {
    // 40 MiB of attribute value (the case was 300 MB, which took gigabytes): streamed to disk, never held here.
    const file = join(dir, 'huge-attribute.net.xml');
    const out = createWriteStream(file);
    out.write('<net>\n<edge id="e" shape="');
    const block = '0,0 '.repeat(1 << 18); // 1 MiB
    for (let i = 0; i < 40; i++) out.write(block);
    out.write('"/>\n</net>\n');
    await new Promise<void>((resolve) => out.end(resolve));
    const before = process.memoryUsage().heapUsed;
    const error = await failure(readXml(file, ignore));
    expect(error.path).toBe(`${file}:2`);
    expect(error.message).toMatch(/longer than 16,777,216 characters/);
    // The parser held at most the limit plus a chunk (UTF-16: 2 bytes a character), not the 40 MiB value.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(4 * DEFAULT_XML_LIMITS.maxValueLength);
  });

  it('refuses long comments, too many attributes and deep nesting with their limits', async () => {
    const comment = join(dir, 'comment.xml');
    writeFileSync(comment, `<net>\n<!-- ${'x'.repeat(5000)} -->\n</net>\n`);
    expect((await failure(readXml(comment, ignore, { maxValueLength: 1000 }))).message).toMatch(/longer than 1,000 characters/);
    const attributes = join(dir, 'attributes.xml');
    writeFileSync(attributes, `<net>\n<edge ${Array.from({ length: 200 }, (_, i) => `a${i}="1"`).join(' ')}/>\n</net>\n`);
    expect((await failure(readXml(attributes, ignore, { maxAttributes: 100 }))).message).toMatch(/more than 100 attributes/);
    const deep = join(dir, 'deep.xml');
    writeFileSync(deep, `${'<a>'.repeat(300)}${'</a>'.repeat(300)}\n`);
    expect((await failure(readXml(deep, ignore))).message).toMatch(/nested more than 256 deep/);
    // Within the limits the same files read.
    await readXml(attributes, ignore);
    await readXml(comment, ignore);
  });

  it('refuses what is not a regular file, and shortens a long name in messages', async () => {
    expect((await failure(readXml(dir, ignore))).message).toMatch(/is a directory, not a file/);
    expect((await failure(readXml('/dev/null', ignore))).message).toMatch(/is not a regular file \(a device or other special file\)/);
    const long = 'y'.repeat(1_000_000); // a 1 MB file name
    const error = await failure(readXml(long, ignore));
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toMatch(/a name of 1,000,000 characters\): the file name is too long for this system/);
    expect(shortName('short.xml')).toBe('short.xml');
  });
});
