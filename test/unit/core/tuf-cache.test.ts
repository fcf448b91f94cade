import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTufCache, resolveTufCache, writableFolder } from '../../../src/core/tuf-cache.js';

describe('resolveTufCache: --tuf-cache, then GHCR_BLOB_TUF_CACHE, then each client its own default', () => {
  it('defaults stay what the clients use on their own', () => {
    expect(resolveTufCache(undefined, {}, '/home/u')).toEqual({
      paths: { 'sigstore-js': '/home/u/.local/share/sigstore-js', cosign: '/home/u/.sigstore/root' },
      from: 'default',
    });
    expect(resolveTufCache(undefined, { XDG_DATA_HOME: '/data', TUF_ROOT: '/tuf' }, '/home/u').paths).toEqual({
      'sigstore-js': '/data/sigstore-js',
      cosign: '/tuf',
    });
  });

  it('a chosen folder holds both clients, side by side', () => {
    const env = { GHCR_BLOB_TUF_CACHE: '/env/cache', TUF_ROOT: '/tuf' };
    expect(resolveTufCache('/opt/cache', env, '/home/u')).toEqual({
      sigstoreJs: '/opt/cache/sigstore-js',
      cosign: '/opt/cache/cosign',
      paths: { 'sigstore-js': '/opt/cache/sigstore-js', cosign: '/opt/cache/cosign' },
      from: '--tuf-cache',
    });
    expect(resolveTufCache(undefined, env, '/home/u')).toMatchObject({
      cosign: '/env/cache/cosign',
      from: 'GHCR_BLOB_TUF_CACHE',
    });
    // An empty variable is no choice.
    expect(resolveTufCache(undefined, { GHCR_BLOB_TUF_CACHE: '' }, '/home/u').from).toBe('default');
  });
});

describe('writableFolder / checkTufCache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tuf-cache-test-'));
  writeFileSync(join(dir, 'file'), '');
  mkdirSync(join(dir, 'sub'));

  it('a folder that exists, or could be made under one that does, is writable', async () => {
    expect(await writableFolder(join(dir, 'sub'))).toEqual({ ok: true });
    expect(await writableFolder(join(dir, 'not', 'yet', 'made'))).toEqual({ ok: true });
  });

  it('below a regular file nothing can be written, whoever runs it (root included)', async () => {
    expect(await writableFolder(join(dir, 'file', 'cache'))).toEqual({
      ok: false,
      reason: `${join(dir, 'file')} is not a folder`,
    });
  });

  it('the refusal is a usage error naming the folder, where it came from and the way out', async () => {
    const cache = resolveTufCache(join(dir, 'file', 'cache'), {});
    await expect(checkTufCache(cache, ['cosign'])).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cache folder .*file\/cache\/cosign \(from --tuf-cache\) cannot be written/),
      recommendation: expect.stringMatching(/--tuf-cache DIR or set GHCR_BLOB_TUF_CACHE=DIR/),
    });
    await expect(
      checkTufCache(resolveTufCache(join(dir, 'sub'), {}), ['cosign', 'sigstore-js']),
    ).resolves.toBeUndefined();
  });
});
