// The signature sources against a fake oras: a missing `.sig` tag is "nothing here", junk is one
// unusable candidate (never fatal: it must not hide a good signature elsewhere), and registry or
// auth failures end the search. Layers are fetched by digest and checked against it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedBlob } from '../../../src/artifact/download.js';
import { sha256Bytes } from '../../../src/core/digest.js';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/log.js';
import { attTagSource, sigTagSource } from '../../../src/evidence/sources/cosign-tags.js';
import type { Oras } from '../../../src/tools/oras.js';

const SUBJECT = `sha256:${'ab'.repeat(32)}`;
const blob = { digest: SUBJECT, repository: 'registry.test/octo/file' } as ResolvedBlob;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const workDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sources-'));
  dirs.push(d);
  return d;
};

/** An oras whose manifest fetch writes `manifest` (or throws it) and whose blob fetch serves `blobs`. */
function fakeOras(manifest: string | GhcrBlobError, blobs: Record<string, Buffer> = {}): Oras & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async fetchManifest(reference: string, outputPath: string) {
      asked.push(reference);
      if (manifest instanceof GhcrBlobError) throw manifest;
      writeFileSync(outputPath, manifest);
    },
    async fetchBlob(reference: string, outputPath: string) {
      asked.push(reference);
      const bytes = blobs[reference.split('@')[1]!];
      if (!bytes) throw new GhcrBlobError('NOT_FOUND', 'blob unknown');
      writeFileSync(outputPath, bytes);
    },
  } as unknown as Oras & { asked: string[] };
}

const ctx = (oras: Oras) => ({ oras, blob, workDir: workDir(), log: silentLogger });
const digestOf = (b: Buffer) => `sha256:${sha256Bytes(b).toString('hex')}`;
const sigManifest = (layers: unknown[]) =>
  JSON.stringify({ schemaVersion: 2, config: { mediaType: 'x', digest: SUBJECT, size: 1 }, layers });

describe('cosign tag sources', () => {
  it('ask for exactly the `sha256-<subject hex>.sig` / `.att` tag of the pinned manifest', async () => {
    const missing = new GhcrBlobError('NOT_FOUND', 'manifest unknown');
    for (const [source, suffix] of [
      [sigTagSource, 'sig'],
      [attTagSource, 'att'],
    ] as const) {
      const oras = fakeOras(missing);
      expect(await source.find(ctx(oras))).toEqual({ found: [], notExamined: 0 });
      expect(oras.asked).toEqual([`registry.test/octo/file:sha256-${'ab'.repeat(32)}.${suffix}`]);
    }
  });

  it('registry and auth failures end the search (they are not "no signature")', async () => {
    await expect(sigTagSource.find(ctx(fakeOras(new GhcrBlobError('AUTH_FAILED', '401'))))).rejects.toThrow(/401/);
  });

  it('a tag that is not a manifest is one unusable candidate, not an error', async () => {
    const { found } = await sigTagSource.find(ctx(fakeOras('{"not":"a manifest"}')));
    expect(found).toEqual([expect.objectContaining({ source: 'sig-tag', skipped: expect.stringMatching(/manifest/) })]);
  });

  it('each layer: wrong media type, bytes that are not its digest, and a bare key are unusable, in order', async () => {
    const payload = Buffer.from('{"critical":{}}');
    const swapped = Buffer.from('other bytes');
    const layers = [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(payload), size: payload.length },
      {
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        digest: digestOf(payload),
        size: swapped.length,
      },
      {
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        digest: digestOf(payload),
        size: payload.length,
      },
    ];
    // The second layer names the payload's digest but another size: the bytes cannot be both.
    const oras = fakeOras(sigManifest(layers), { [digestOf(payload)]: payload });
    const { found } = await sigTagSource.find(ctx(oras));
    expect(found.map((f) => ('skipped' in f ? f.skipped : 'usable'))).toEqual([
      expect.stringMatching(/holds application\/vnd\.oci\.image\.layer\.v1\.tar/),
      expect.stringMatching(/bytes are not/),
      expect.stringMatching(/bare key/),
    ]);
    expect(found.map((f) => f.layer)).toEqual([0, 1, 2]);
    // Only the layers of the right type were fetched, each by its digest.
    expect(oras.asked.slice(1)).toEqual([
      `registry.test/octo/file@${digestOf(payload)}`,
      `registry.test/octo/file@${digestOf(payload)}`,
    ]);
  });
});
