// Tool detection remembered per binary: a hit runs no probe; a changed binary, a new ghcr-blob, a
// damaged or forged entry are detected again; an unwritable folder means no cache, never an error.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/log.js';
import { detectCosign } from '../../../src/tools/cosign.js';
import * as z from 'zod';
import { cachedDetection, type DetectionCache, detectionCache } from '../../../src/tools/detection-cache.js';
import { createRunner } from '../../../src/tools/exec.js';
import { detectOras } from '../../../src/tools/oras.js';

const root = mkdtempSync(join(tmpdir(), 'ghcr-blob-detect-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = createRunner(silentLogger, { PATH: process.env.PATH });
let n = 0;

/** A fake oras printing `version`, counting its runs in a file beside it. */
function fakeOras(version: string): { path: string; runs: () => number; rewrite: (v: string) => void } {
  const dir = join(root, `bin-${n++}`);
  mkdirSync(dir);
  const path = join(dir, 'oras');
  const count = join(dir, 'runs');
  const rewrite = (v: string) => {
    writeFileSync(path, `#!/bin/sh\necho x >> '${count}'\necho "Version: ${v}"\n`);
    chmodSync(path, 0o755);
  };
  rewrite(version);
  const runs = () => {
    try {
      return readdirSync(dir).includes('runs') ? statSync(count).size / 2 : 0;
    } catch {
      return 0;
    }
  };
  return { path, runs, rewrite };
}

const freshCache = (version = '0.1.0'): DetectionCache => ({
  folder: join(mkdtempSync(join(root, 'cache-')), 'ghcr-blob'),
  version,
});
const entries = (cache: DetectionCache) => readdirSync(cache.folder).filter((f) => f.endsWith('.json'));

describe('detectionCache: where', () => {
  it('XDG_CACHE_HOME, else ~/.cache; relative or missing → no cache', () => {
    expect(detectionCache({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, '1.0.0')?.folder).toBe('/x/cache/ghcr-blob');
    expect(detectionCache({ HOME: '/home/u' }, '1.0.0')?.folder).toBe('/home/u/.cache/ghcr-blob');
    expect(detectionCache({ XDG_CACHE_HOME: 'rel', HOME: 'rel' }, '1.0.0')).toBeUndefined();
    expect(detectionCache({}, '1.0.0')).toBeUndefined();
  });
});

describe('tool detection through the cache', () => {
  it('the second detection of the same binary runs no probe; the entry is 0600 in a 0700 folder', async () => {
    const oras = fakeOras('1.3.3');
    const cache = freshCache();
    expect(await detectOras(oras.path, run, cache)).toEqual({ path: oras.path, version: '1.3.3', generation: '1.3' });
    expect(await detectOras(oras.path, run, cache)).toEqual({ path: oras.path, version: '1.3.3', generation: '1.3' });
    expect(oras.runs()).toBe(1);
    expect(statSync(cache.folder).mode & 0o777).toBe(0o700);
    const [entry] = entries(cache);
    expect(statSync(join(cache.folder, entry!)).mode & 0o777).toBe(0o600);
    // Only the entries: no temp file left behind.
    expect(readdirSync(cache.folder)).toEqual([entry]);
  });

  it('a changed binary (rewritten, even with its old mtime) is detected again', async () => {
    const oras = fakeOras('1.2.0');
    const cache = freshCache();
    const second = 1_700_000_000; // a whole second, so it can be forged back exactly
    utimesSync(oras.path, second, second);
    expect((await detectOras(oras.path, run, cache)).generation).toBe('1.2');
    oras.rewrite('1.3.3'); // same size, same inode
    utimesSync(oras.path, second, second); // mtime forged back: only ctime still tells
    expect((await detectOras(oras.path, run, cache)).generation).toBe('1.3');
    expect(oras.runs()).toBe(2);
  });

  it('a new ghcr-blob version detects again', async () => {
    const oras = fakeOras('1.3.3');
    await detectOras(oras.path, run, freshCache('0.1.0'));
    const next = freshCache('0.1.0');
    await detectOras(oras.path, run, next);
    await detectOras(oras.path, run, { ...next, version: '0.2.0' });
    expect(oras.runs()).toBe(3);
  });

  it('a damaged, oversized or schema-breaking entry is ignored and replaced', async () => {
    const oras = fakeOras('1.3.3');
    const cache = freshCache();
    await detectOras(oras.path, run, cache);
    const file = join(cache.folder, entries(cache)[0]!);
    const good = await readFile(file, 'utf8');
    const { identity } = JSON.parse(good) as { identity: string };
    for (const junk of [
      '{"identity":',
      JSON.stringify({ identity, result: { version: '1.3.3', generation: '9.9' } }),
      JSON.stringify({ identity, result: { version: '1.3.3; rm -rf /', generation: '1.3' } }),
      JSON.stringify({ identity, result: { version: '1.3.3', generation: '1.3' }, pad: 'x'.repeat(8192) }),
    ]) {
      await writeFile(file, junk);
      expect(await detectOras(oras.path, run, cache)).toEqual({ path: oras.path, version: '1.3.3', generation: '1.3' });
    }
    expect(oras.runs()).toBe(5);
    expect(await readFile(file, 'utf8')).toBe(good);
  });

  it('evil: an entry that names another binary (identity inside differs from its file name) is not used', async () => {
    const oras = fakeOras('1.2.0');
    const cache = freshCache();
    await detectOras(oras.path, run, cache);
    const file = join(cache.folder, entries(cache)[0]!);
    const { identity } = JSON.parse(await readFile(file, 'utf8')) as { identity: string };
    await writeFile(
      file,
      JSON.stringify({ identity: `${identity} `, result: { version: '1.3.3', generation: '1.3' } }),
    );
    expect((await detectOras(oras.path, run, cache)).generation).toBe('1.2');
    expect(oras.runs()).toBe(2);
  });

  it('a folder that cannot be written: detected every time, no error', async () => {
    const oras = fakeOras('1.3.3');
    const parent = mkdtempSync(join(root, 'ro-'));
    writeFileSync(join(parent, 'ghcr-blob'), 'a file where the folder would be');
    const cache = { folder: join(parent, 'ghcr-blob'), version: '0.1.0' };
    expect((await detectOras(oras.path, run, cache)).version).toBe('1.3.3');
    expect((await detectOras(oras.path, run, cache)).version).toBe('1.3.3');
    expect(oras.runs()).toBe(2);
  });

  it('a failed detection is never remembered', async () => {
    const oras = fakeOras('1.1.0'); // too old
    const cache = freshCache();
    await expect(detectOras(oras.path, run, cache)).rejects.toMatchObject({ code: 'TOOL_MISSING' });
    await expect(detectOras(oras.path, run, cache)).rejects.toMatchObject({ code: 'TOOL_MISSING' });
    expect(oras.runs()).toBe(2);
  });

  it('cosign and oras entries never answer for each other, even for one binary', async () => {
    const dir = mkdtempSync(join(root, 'both-'));
    const path = join(dir, 'tool');
    writeFileSync(path, '#!/bin/sh\necho "Version: 1.3.3"\necho "--identity-token --signing-config"\n');
    chmodSync(path, 0o755);
    const cache = freshCache();
    expect(await detectOras(path, run, cache)).toMatchObject({ generation: '1.3' });
    expect(await detectCosign(path, run, cache)).toEqual({ path, generation: 3 });
    expect(entries(cache)).toHaveLength(2);
    expect(await detectCosign(path, run, cache)).toEqual({ path, generation: 3 });
  });
});

describe('a cache folder others may write (XDG_CACHE_HOME=/tmp on a shared machine)', () => {
  it('is neither read nor written: an entry there is ignored, detection runs', async () => {
    const oras = fakeOras('1.3.3');
    const cache = freshCache();
    const detect = (answer: string) => async () => answer;
    expect(await cachedDetection(cache, 'probe', oras.path, z.string(), detect('remembered'))).toBe('remembered');
    expect(await cachedDetection(cache, 'probe', oras.path, z.string(), detect('again'))).toBe('remembered');
    // Another user could have planted this entry: a group- or world-writable folder is no cache.
    chmodSync(cache.folder, 0o777);
    expect(await cachedDetection(cache, 'probe', oras.path, z.string(), detect('fresh'))).toBe('fresh');
    chmodSync(cache.folder, 0o770);
    expect(await cachedDetection(cache, 'probe', oras.path, z.string(), detect('fresh'))).toBe('fresh');
    chmodSync(cache.folder, 0o700);
    expect(await cachedDetection(cache, 'probe', oras.path, z.string(), detect('again'))).toBe('remembered');
  });
});
