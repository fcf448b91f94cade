/**
 * cosign's legacy tags beside an artifact: `sha256-<subject hex>.sig` (signatures) and `.att`
 * (attestations), each an OCI image manifest with one layer per signature. The tag is found by
 * name (anyone who can push may write it), its manifest is hashed as fetched and worked on by
 * that digest, and every layer is fetched by its digest, size-capped and hashed again here.
 * Whether a layer speaks about the artifact is decided from its signed content, never the tag.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ociDigest, sha256Bytes } from '../core/digest.js';
import { isGhcrBlobError, verificationError } from '../core/errors.js';
import { checkUntrustedJson, parseJson } from '../core/json-input.js';
import { imageManifestSchema, type Descriptor } from '../tools/oci.js';
import type { Oras } from '../tools/oras.js';
import type { ResolvedBlob } from './download.js';
import { MAX_MANIFEST_BYTES } from './manifest.js';
import { MAX_BUNDLE_BYTES, MAX_CANDIDATES } from './referrers.js';

export type CosignTagSuffix = 'sig' | 'att';

export interface CosignTag {
  /** `host/repo:sha256-<hex>.sig` */
  reference: string;
  /** sha256 of the manifest bytes as fetched: the name every later step uses. */
  digest: string;
  /** At most MAX_CANDIDATES layers, in manifest order. */
  layers: Descriptor[];
  /** Layers beyond the cap, not examined. */
  notExamined: number;
}

export const cosignTagReference = (blob: ResolvedBlob, suffix: CosignTagSuffix): string =>
  `${blob.repository}:${blob.digest.replace(':', '-')}.${suffix}`;

/** The tag's manifest, or undefined when there is no such tag. */
export async function fetchCosignTag(
  oras: Oras,
  blob: ResolvedBlob,
  suffix: CosignTagSuffix,
  workDir: string,
): Promise<CosignTag | undefined> {
  const reference = cosignTagReference(blob, suffix);
  const path = join(workDir, `cosign-${suffix}.json`);
  try {
    await oras.fetchManifest(reference, path, MAX_MANIFEST_BYTES);
  } catch (e) {
    // The repository exists (the artifact was just resolved in it): not found is "no such tag".
    if (isGhcrBlobError(e) && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
  const bytes = await readFile(path);
  const parsed = parseJson(bytes.toString('utf8'));
  if (!parsed.ok) throw verificationError(`${reference} is ${parsed.reason}`);
  const manifest = checkUntrustedJson(parsed.value, imageManifestSchema, {
    source: reference,
    what: 'an OCI image manifest',
    code: 'VERIFICATION_FAILED',
  });
  return {
    reference,
    digest: ociDigest(sha256Bytes(bytes)),
    layers: manifest.layers.slice(0, MAX_CANDIDATES),
    notExamined: Math.max(0, manifest.layers.length - MAX_CANDIDATES),
  };
}

/**
 * One layer's bytes, fetched by digest: at most MAX_BUNDLE_BYTES arrive, and they must be
 * exactly the size and sha256 the manifest names.
 */
export async function fetchTagLayer(oras: Oras, blob: ResolvedBlob, layer: Descriptor, path: string): Promise<Buffer> {
  if (layer.size > MAX_BUNDLE_BYTES)
    throw verificationError(`the layer is ${layer.size} bytes (limit ${MAX_BUNDLE_BYTES})`);
  try {
    await oras.fetchBlob(`${blob.repository}@${layer.digest}`, path, MAX_BUNDLE_BYTES);
  } catch (e) {
    if (isGhcrBlobError(e) && e.code === 'VERIFICATION_FAILED')
      throw verificationError(`the layer is larger than its ${layer.size} bytes`, [], e);
    throw e;
  }
  const bytes = await readFile(path);
  // Why exact: a digest is the only name for "these bytes"; the manifest named these.
  if (bytes.length !== layer.size || ociDigest(sha256Bytes(bytes)) !== layer.digest)
    throw verificationError(`the layer's bytes are not ${layer.digest} (${layer.size} bytes)`);
  return bytes;
}
