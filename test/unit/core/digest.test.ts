import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestsEqual, fileDigests, sha256File } from '../../../src/core/digest.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'digest-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sha256File', () => {
  it('hashes a multi-megabyte file across many stream chunks', async () => {
    const bytes = randomBytes(20 * 1024 * 1024 + 123); // not a multiple of the chunk size
    const file = join(dir, 'big');
    await writeFile(file, bytes);
    expect((await sha256File(file)).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('hashes an empty file', async () => {
    const file = join(dir, 'empty');
    await writeFile(file, '');
    expect((await sha256File(file)).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('names a missing file in a USAGE error', async () => {
    await expect(sha256File(join(dir, 'absent'))).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/absent: no such file/),
    });
  });

  it('refuses a directory', async () => {
    await expect(sha256File(dir)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/EISDIR/) });
  });
});

describe('digestsEqual', () => {
  const a = createHash('sha256').update('a').digest();
  it('needs every byte', () => {
    expect(digestsEqual(a, Buffer.from(a))).toBe(true);
    expect(digestsEqual(a, a.subarray(0, 31))).toBe(false);
    const b = Buffer.from(a);
    b[31] = b[31]! ^ 1;
    expect(digestsEqual(a, b)).toBe(false);
    expect(digestsEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });
});

describe('fileDigests', () => {
  it('hashes sha256 and, in the same read, only the other digests asked for', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    const file = join(dir, 'multi');
    await writeFile(file, bytes);
    const hex = (alg: string) => createHash(alg).update(bytes).digest('hex');
    expect(await fileDigests(file)).toEqual({ sha256: hex('sha256') });
    expect(await fileDigests(file, ['sha512'])).toEqual({ sha256: hex('sha256'), sha512: hex('sha512') });
    expect(await fileDigests(file, ['sha384', 'sha512', 'sha256'])).toEqual({
      sha256: hex('sha256'),
      sha384: hex('sha384'),
      sha512: hex('sha512'),
    });
  });

  it('names a missing file in a USAGE error', async () => {
    await expect(fileDigests(join(dir, 'absent'), ['sha512'])).rejects.toMatchObject({ code: 'USAGE' });
  });
});
