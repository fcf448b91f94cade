/**
 * The manifest bytes a statement about `repo@sha256:…` is about, for cosign: fetched by digest
 * into the private folder and hashed here, so cosign is handed exactly the bytes whose digest
 * the in-process verifier compared.
 */
import type { ResolvedBlob } from '../artifact/download.js';
import { MAX_MANIFEST_BYTES } from '../artifact/manifest.js';
import { ociDigest, sha256File } from '../core/digest.js';
import { verificationError } from '../core/errors.js';
import type { Oras } from '../tools/oras.js';

export function pinnedManifestFile(oras: Oras, blob: ResolvedBlob, path: string): () => Promise<string> {
  let fetched: Promise<string> | undefined;
  const fetch = async () => {
    await oras.fetchManifest(blob.pinnedReference, path, MAX_MANIFEST_BYTES);
    const digest = ociDigest(await sha256File(path));
    // Why exact: cosign must check the very bytes the pinned digest names.
    if (digest !== blob.digest) {
      throw verificationError(`the registry sent other manifest bytes for ${blob.pinnedReference}`, [
        `expected: ${blob.digest}`,
        `actual:   ${digest}`,
      ]);
    }
    return path;
  };
  return () => (fetched ??= fetch());
}
