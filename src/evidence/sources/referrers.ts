/** Bundle referrers of the pinned manifest: the referrers API, or oras's `sha256-<hex>` index. */
import { join } from 'node:path';
import { fetchCandidateBundle, listBundleReferrers } from '../../artifact/referrers.js';
import { readBundle } from '../../verify/index.js';
import { type Found, type SignatureSource, tryCandidate } from './source.js';

export const referrerSource: SignatureSource = {
  name: 'referrer',
  async find(ctx, signal) {
    const listed = await listBundleReferrers(ctx.oras, ctx.blob, signal);
    const found: Found[] = [];
    for (const [i, referrer] of listed.candidates.entries()) {
      signal?.throwIfAborted();
      const where = { source: 'referrer' as const, digest: referrer.digest };
      found.push(
        await tryCandidate(where, async () => {
          const bundlePath = await fetchCandidateBundle(ctx.oras, ctx.blob, referrer, join(ctx.workDir, `${i}`));
          return { ...where, bundlePath, bundle: await readBundle(bundlePath) };
        }),
      );
    }
    return { found, notExamined: listed.skipped };
  },
};
