/**
 * cosign's legacy tags: `.sig` (cosign ≤ 2 `cosign sign`, cosign 3 with
 * `--new-bundle-format=false`) and `.att` (legacy `cosign attest`). Each layer is rebuilt into a
 * v0.1 bundle (verify/cosign-legacy.ts) so both verifiers read it; a `.sig` layer also carries
 * its payload, whose signed content is what binds it to the artifact (the tag name does not).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CosignTagSuffix, cosignTagReference, fetchCosignTag, fetchTagLayer } from '../../artifact/cosign-tags.js';
import { isGhcrBlobError, verificationError } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { legacyLayerBundle, type LegacyContent } from '../../verify/index.js';
import { type Found, type SignatureSource, type SourceName, tryCandidate, type Unusable } from './source.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

function cosignTagSource(name: SourceName, suffix: CosignTagSuffix, mediaType: string): SignatureSource {
  return {
    name,
    async find(ctx, signal) {
      const tag = await junkAsUnusable(name, cosignTagReference(ctx.blob, suffix), () =>
        fetchCosignTag(ctx.oras, ctx.blob, suffix, ctx.workDir),
      );
      if (!tag) return { found: [], notExamined: 0 };
      if ('skipped' in tag) return { found: [tag], notExamined: 0 };
      const found: Found[] = [];
      for (const [i, layer] of tag.layers.entries()) {
        signal?.throwIfAborted();
        const where = { source: name, digest: tag.digest, layer: i };
        found.push(
          await tryCandidate(where, async () => {
            // Why exact: the media type says what the layer is; cosign writes exactly this one.
            if (layer.mediaType !== mediaType)
              throw verificationError(`its layer ${i} holds ${printable(layer.mediaType)}, not ${mediaType}`);
            const bytes = await fetchTagLayer(ctx.oras, ctx.blob, layer, join(ctx.workDir, `${suffix}-${i}`));
            const content: LegacyContent = suffix === 'sig' ? { simpleSigning: bytes } : { dsseEnvelope: bytes };
            const { json, bundle } = legacyLayerBundle(content, layer.annotations ?? {});
            const bundlePath = join(ctx.workDir, `${suffix}-${i}.sigstore.json`);
            await writeFile(bundlePath, json, { mode: 0o600 });
            return { ...where, bundlePath, bundle, ...(suffix === 'sig' ? { simpleSigning: bytes } : {}) };
          }),
        );
      }
      return { found, notExamined: tag.notExamined };
    },
  };
}

export const sigTagSource = cosignTagSource('sig-tag', 'sig', SIMPLE_SIGNING_MEDIA_TYPE);
export const attTagSource = cosignTagSource('att-tag', 'att', DSSE_ENVELOPE_MEDIA_TYPE);

/** A tag whose manifest is junk hides nothing after it: it is one unusable candidate. */
async function junkAsUnusable<T>(source: SourceName, reference: string, load: () => Promise<T>): Promise<T | Unusable> {
  try {
    return await load();
  } catch (e) {
    if (!isGhcrBlobError(e) || e.code !== 'VERIFICATION_FAILED') throw e;
    return { source, digest: reference, skipped: e.message };
  }
}
