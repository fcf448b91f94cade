/**
 * What a ghcr-blob artifact must look like before a single byte of it is downloaded: one OCI
 * image manifest with exactly one layer whose title is a plain file name.
 */
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { GhcrBlobError, verificationError } from '../core/errors.js';
import { imageManifestSchema, OCI_INDEX, TITLE_ANNOTATION, type Descriptor, type ImageManifest } from '../tools/oci.js';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024; // distribution's own limit

export interface BlobManifest {
  digest: string;
  manifest: ImageManifest;
  layer: Descriptor;
  title: string;
}

/** A title must name a file in the output folder and nothing else: no folders, no `..`. */
export function checkTitle(title: string | undefined): string {
  if (title === undefined || title === '')
    throw verificationError("the artifact's layer has no file name (title annotation)");
  const plain = !/[/\\\0]/.test(title) && title !== '.' && title !== '..' && !/[\x00-\x1f\x7f]/.test(title);
  if (!plain || Buffer.byteLength(title) > 255) {
    throw verificationError(
      `the artifact's file name ${JSON.stringify(title)} is not a plain file name; refusing to write it`,
    );
  }
  return title;
}

export function parseBlobManifest(bytes: Buffer, expectedDigest?: string): BlobManifest {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  // Why exact: the digest is the only name for "these bytes"; anything else is another artifact.
  if (expectedDigest && expectedDigest !== digest) {
    throw verificationError(`manifest digest mismatch: asked for ${expectedDigest}, registry sent ${digest}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw verificationError('the registry returned a manifest that is not JSON');
  }
  if (
    (json as { mediaType?: unknown })?.mediaType === OCI_INDEX ||
    Array.isArray((json as { manifests?: unknown })?.manifests)
  ) {
    throw verificationError('the reference names an image index (e.g. a multi-platform image), not a single file');
  }
  const parsed = imageManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw verificationError(
      `the manifest is not an OCI image manifest (${issue?.path.join('.') || 'root'}: ${issue?.message})`,
    );
  }
  const { layers } = parsed.data;
  if (layers.length !== 1) {
    throw verificationError(`the artifact holds ${layers.length} layers; a ghcr-blob artifact holds exactly one file`);
  }
  const layer = layers[0]!;
  return { digest, manifest: parsed.data, layer, title: checkTitle(layer.annotations?.[TITLE_ANNOTATION]) };
}

export async function readBlobManifest(path: string, expectedDigest?: string): Promise<BlobManifest> {
  // Sized before it is read: a hostile registry must not make us load an arbitrary file.
  if ((await stat(path)).size > MAX_MANIFEST_BYTES)
    throw new GhcrBlobError('VERIFICATION_FAILED', 'the manifest is larger than 4 MiB');
  return parseBlobManifest(await readFile(path), expectedDigest);
}
