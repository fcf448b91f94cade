import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTitle, parseBlobManifest, readBlobManifest } from '../../../src/artifact/manifest.js';

const digest = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const layer = (title?: string) => ({
  mediaType: 'application/octet-stream',
  digest: digest('x'),
  size: 1,
  ...(title === undefined ? {} : { annotations: { 'org.opencontainers.image.title': title } }),
});
const manifest = (layers: unknown[]) =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digest('{}'), size: 2 },
      layers,
    }),
  );

describe('blob manifest', () => {
  it('accepts one titled layer and names its own digest', () => {
    const bytes = manifest([layer('report.json')]);
    const m = parseBlobManifest(bytes);
    expect(m.title).toBe('report.json');
    expect(m.digest).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  });

  it.each([
    ['no layers', manifest([]), /0 layers/],
    ['two layers', manifest([layer('a'), layer('b')]), /2 layers/],
    ['no title', manifest([layer()]), /no file name/],
    ['../ title', manifest([layer('../x')]), /not a plain file name/],
    ['absolute title', manifest([layer('/etc/x')]), /not a plain file name/],
    ['nested title', manifest([layer('a/b')]), /not a plain file name/],
    [
      'an index',
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }),
      ),
      /image index/,
    ],
    ['not JSON', Buffer.from('{'), /not JSON/],
    [
      'bad digest field',
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, config: { mediaType: 'x', digest: 'md5:1', size: 1 }, layers: [] }),
      ),
      /not an OCI image manifest/,
    ],
  ])('rejects %s', (_name, bytes, why) => {
    expect(() => parseBlobManifest(bytes)).toThrow(why);
    try {
      parseBlobManifest(bytes);
    } catch (e) {
      expect((e as { code: string }).code).toBe('VERIFICATION_FAILED');
    }
  });

  it('rejects bytes whose digest is not the one asked for', () => {
    expect(() => parseBlobManifest(manifest([layer('a')]), digest('other'))).toThrow(/digest mismatch/);
  });

  it.each(['.', '..', 'a\\b', 'a\nb', 'x'.repeat(256), '\u202egnp.exe', 'a\u2066b', 'a\u200fb', 'a\u061cb'])(
    'refuses title %j',
    (t) => {
      expect(() => checkTitle(t)).toThrow(/plain file name/);
    },
  );
});

describe('readBlobManifest', () => {
  it('refuses a manifest over 4 MiB without parsing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ghcr-blob-manifest-'));
    try {
      writeFileSync(join(dir, 'm.json'), Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
      await expect(readBlobManifest(join(dir, 'm.json'))).rejects.toMatchObject({
        code: 'VERIFICATION_FAILED',
        message: expect.stringMatching(/larger than 4 MiB/),
      });
      writeFileSync(join(dir, 'm.json'), manifest([layer('ok.txt')]));
      expect((await readBlobManifest(join(dir, 'm.json'))).title).toBe('ok.txt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
