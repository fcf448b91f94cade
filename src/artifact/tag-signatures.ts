/**
 * What a tag points at before a push moves it, and whether signatures are attached there: a push
 * of unsigned bytes over a signed artifact would quietly leave consumers' `pull --verify` with
 * nothing to verify. Signatures are counted, not verified: this is a warning, not a verdict.
 */
import { join } from 'node:path';
import { ociDigest, sha256File } from '../core/digest.js';
import { isGhcrBlobError } from '../core/errors.js';
import { formatReference, pinned, type Reference } from '../core/reference.js';
import type { Oras } from '../tools/oras.js';
import { MAX_MANIFEST_BYTES } from './manifest.js';
import { BUNDLE_MEDIA_TYPE } from './referrers.js';

const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';

export interface TaggedArtifact {
  /** The manifest digest the tag points at now. */
  digest: string;
  /** Signature referrers attached to it. */
  signatures: number;
}

/** undefined when the tag (or the repository) does not exist yet. */
export async function signaturesAtTag(
  oras: Oras,
  ref: Reference,
  workDir: string,
): Promise<TaggedArtifact | undefined> {
  const path = join(workDir, 'tagged-manifest.json');
  try {
    await oras.fetchManifest(formatReference(ref), path, MAX_MANIFEST_BYTES);
  } catch (e) {
    if (isGhcrBlobError(e) && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
  const digest = ociDigest(await sha256File(path));
  // Where signatures are listed: under the bundle type, and (cosign 3 `sign <ref>` in the
  // `sha256-<hex>` fallback index) under the empty config's type.
  const listed = (
    await Promise.all([BUNDLE_MEDIA_TYPE, OCI_EMPTY_MEDIA_TYPE].map((t) => oras.discover(pinned(ref, digest), t)))
  ).flat();
  return { digest, signatures: new Set(listed.map((d) => d.digest)).size };
}
