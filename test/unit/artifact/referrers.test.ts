// Listing signature referrers: one listing filtered here, and a listing started beside the
// manifest fetch used only when it is of the very digest the fetch resolved.
import { describe, expect, it } from 'vitest';
import type { ResolvedBlob } from '../../../src/artifact/download.js';
import {
  BUNDLE_MEDIA_TYPE,
  listBundleReferrers,
  MAX_CANDIDATES,
  resolveListingReferrers,
} from '../../../src/artifact/referrers.js';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { parseReference } from '../../../src/core/reference.js';
import type { Oras, OrasTool } from '../../../src/tools/oras.js';
import type { ReferrerListing } from '../../../src/tools/oras-output.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const [MANIFEST, OTHER_MANIFEST] = [digest('a'), digest('b')];
const EMPTY = 'application/vnd.oci.empty.v1+json';
const ref = (d: string, artifactType: string) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: d,
  size: 700,
  artifactType,
});

const blob = (d = MANIFEST) =>
  ({ digest: d, pinnedReference: `localhost:5000/octo/r@${d}` }) as unknown as ResolvedBlob;

/** An oras whose listings answer by subject; records what was listed. */
function fakeOras(generation: OrasTool['generation'], listings: Record<string, ReferrerListing>) {
  const listed: string[] = [];
  const oras = {
    tool: { path: '/bin/oras', version: generation === '1.2' ? '1.2.0' : '1.3.3', generation },
    async listReferrers(subject: string) {
      listed.push(subject);
      const listing = listings[subject];
      if (!listing) throw new Error(`no listing for ${subject}`);
      return listing;
    },
  } as unknown as Oras;
  return { oras, listed };
}

describe('listBundleReferrers', () => {
  it('lists once and keeps bundles and cosign-on-ghcr empty-typed entries, dropping other referrers', async () => {
    const { oras, listed } = fakeOras('1.3', {
      [blob().pinnedReference]: {
        subjectDigest: MANIFEST,
        referrers: [
          ref(digest('1'), BUNDLE_MEDIA_TYPE),
          ref(digest('2'), 'application/spdx+json'),
          ref(digest('3'), EMPTY),
          ref(digest('1'), BUNDLE_MEDIA_TYPE),
        ],
      },
    });
    const { candidates, skipped } = await listBundleReferrers(oras, blob());
    expect(candidates.map((c) => c.digest)).toEqual([digest('1'), digest('3')]);
    expect(skipped).toBe(0);
    expect(listed).toEqual([blob().pinnedReference]);
  });

  it(`examines at most ${MAX_CANDIDATES} and says how many more there were`, async () => {
    const many = Array.from({ length: MAX_CANDIDATES + 3 }, (_, i) =>
      ref(`sha256:${i.toString(16).padStart(64, '0')}`, BUNDLE_MEDIA_TYPE),
    );
    const { oras } = fakeOras('1.3', { [blob().pinnedReference]: { subjectDigest: MANIFEST, referrers: many } });
    const { candidates, skipped } = await listBundleReferrers(oras, blob());
    expect(candidates).toHaveLength(MAX_CANDIDATES);
    expect(skipped).toBe(3);
  });
});

describe('resolveListingReferrers', () => {
  const tagRef = parseReference('localhost:5000/octo/r:v1');

  it('lists the tag beside the manifest fetch and uses that listing when it names the resolved digest', async () => {
    const { oras, listed } = fakeOras('1.3', {
      'localhost:5000/octo/r:v1': { subjectDigest: MANIFEST, referrers: [ref(digest('1'), BUNDLE_MEDIA_TYPE)] },
    });
    const resolved = await resolveListingReferrers(oras, tagRef, async () => blob());
    const { candidates } = await listBundleReferrers(oras, resolved);
    expect(candidates.map((c) => c.digest)).toEqual([digest('1')]);
    expect(listed).toEqual(['localhost:5000/octo/r:v1']); // one listing, not two
  });

  it('evil: the tag moved between the listing and the manifest fetch: that listing is dropped, the digest is listed', async () => {
    const { oras, listed } = fakeOras('1.3', {
      // The listing saw the tag on another manifest, whose (valid) signatures must not count here.
      'localhost:5000/octo/r:v1': { subjectDigest: OTHER_MANIFEST, referrers: [ref(digest('9'), BUNDLE_MEDIA_TYPE)] },
      [blob().pinnedReference]: { subjectDigest: MANIFEST, referrers: [ref(digest('1'), BUNDLE_MEDIA_TYPE)] },
    });
    const resolved = await resolveListingReferrers(oras, tagRef, async () => blob());
    const { candidates } = await listBundleReferrers(oras, resolved);
    expect(candidates.map((c) => c.digest)).toEqual([digest('1')]);
    expect(listed).toEqual(['localhost:5000/octo/r:v1', blob().pinnedReference]);
  });

  it('a listing that names no digest (oras 1.2 never does) is never used', async () => {
    const { oras, listed } = fakeOras('1.2', {
      [blob().pinnedReference]: { subjectDigest: undefined, referrers: [ref(digest('1'), BUNDLE_MEDIA_TYPE)] },
    });
    const resolved = await resolveListingReferrers(oras, tagRef, async () => blob());
    await listBundleReferrers(oras, resolved);
    expect(listed).toEqual([blob().pinnedReference]); // 1.2: listed after resolving, by digest only
  });

  it('an early listing refused (while the manifest fetch beside it was let in) is replaced by a listing of the digest', async () => {
    const listed: string[] = [];
    const oras = {
      tool: { path: '/bin/oras', version: '1.3.3', generation: '1.3' },
      async listReferrers(subject: string) {
        listed.push(subject);
        if (!subject.includes('@')) throw new GhcrBlobError('AUTH_FAILED', 'discover failed: 401');
        return { subjectDigest: MANIFEST, referrers: [ref(digest('1'), BUNDLE_MEDIA_TYPE)] };
      },
    } as unknown as Oras;
    const resolved = await resolveListingReferrers(oras, tagRef, async () => blob());
    const { candidates } = await listBundleReferrers(oras, resolved);
    expect(candidates.map((c) => c.digest)).toEqual([digest('1')]);
    expect(listed).toEqual(['localhost:5000/octo/r:v1', blob().pinnedReference]);
  });

  it('an early listing that failed otherwise (stalled, unreachable) is reported, not tried again', async () => {
    const oras = {
      tool: { path: '/bin/oras', version: '1.3.3', generation: '1.3' },
      async listReferrers() {
        throw new GhcrBlobError('REGISTRY_UNREACHABLE', 'oras discover stalled');
      },
    } as unknown as Oras;
    const resolved = await resolveListingReferrers(oras, tagRef, async () => blob());
    await expect(listBundleReferrers(oras, resolved)).rejects.toMatchObject({ code: 'REGISTRY_UNREACHABLE' });
  });

  it('stopping the lookup (the download failed) stops the early listing and reports no listing', async () => {
    let aborted = false;
    const oras = {
      tool: { path: '/bin/oras', version: '1.3.3', generation: '1.3' },
      listReferrers: (_s: string, signal?: AbortSignal) =>
        new Promise<ReferrerListing>((_, reject) =>
          signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new GhcrBlobError('REGISTRY_UNREACHABLE', 'oras discover stopped'));
          }),
        ),
    } as unknown as Oras;
    const resolved = await resolveListingReferrers(oras, tagRef, async () => blob());
    const stop = new AbortController();
    const listing = listBundleReferrers(oras, resolved, stop.signal);
    stop.abort(new Error('the download failed'));
    await expect(listing).rejects.toThrow();
    expect(aborted).toBe(true);
  });

  it('when resolving fails, the early listing is stopped and awaited before the failure is reported', async () => {
    let aborted = false;
    let settled = false;
    const oras = {
      tool: { path: '/bin/oras', version: '1.3.3', generation: '1.3' },
      listReferrers: (_s: string, signal?: AbortSignal) =>
        new Promise<ReferrerListing>((_, reject) =>
          signal?.addEventListener('abort', () => {
            aborted = true;
            setTimeout(() => {
              settled = true;
              reject(new Error('stopped'));
            }, 5);
          }),
        ),
    } as unknown as Oras;
    await expect(
      resolveListingReferrers(oras, tagRef, async () => {
        throw new Error('manifest fetch failed');
      }),
    ).rejects.toThrow('manifest fetch failed');
    expect(aborted).toBe(true);
    expect(settled).toBe(true);
  });
});
