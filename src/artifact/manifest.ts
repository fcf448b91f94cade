/**
 * What a ghcr-blob artifact must look like before a single byte of it is downloaded: one OCI
 * image manifest with exactly one layer whose title is a plain file name.
 */
import { readFile, stat } from 'node:fs/promises';
import { ociDigest, sha256Bytes } from '../core/digest.js';
import { verificationError } from '../core/errors.js';
import { checkUntrustedJson, parseJson } from '../core/json-input.js';
import { imageManifestSchema, OCI_INDEX, TITLE_ANNOTATION, type Descriptor, type ImageManifest } from '../tools/oci.js';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024; // distribution's own limit

export interface BlobManifest {
  digest: string;
  manifest: ImageManifest;
  layer: Descriptor;
  title: string;
}

/**
 * oras pull unpacks a layer carrying this annotation as a tar archive into the output folder
 * (folders, symlinks and all). A ghcr-blob artifact is one file, so such a layer is refused
 * from the manifest, before a byte of it is downloaded.
 */
export const UNPACK_ANNOTATION = 'io.deis.oras.content.unpack';

/** Marks and embeddings, overrides and isolates that reorder how a name reads. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * A plain file name: no folders, no `..`, no backslash, no control characters (newline and
 * tab included), no bidirectional controls (U+202E makes `\u202Egnp.exe` read as `exe.png`),
 * at most 255 bytes. pull refuses anything else; push refuses it too, so that
 * nothing is pushed that could not be pulled.
 */
export function isPlainFileName(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !/[/\\\x00-\x1f\x7f-\x9f]/.test(name) &&
    !BIDI_CONTROLS.test(name) &&
    Buffer.byteLength(name) <= 255
  );
}

/** A title must name a file in the output folder and nothing else: no folders, no `..`. */
export function checkTitle(title: string | undefined): string {
  if (title === undefined || title === '')
    throw verificationError("the artifact's layer has no file name (title annotation)");
  if (!isPlainFileName(title)) {
    throw verificationError(
      `the artifact's file name ${JSON.stringify(title)} is not a plain file name; refusing to write it`,
    );
  }
  return title;
}

/** `title: false` for a signature referrer: its one layer is a bundle, never written out by name. */
export function parseBlobManifest(bytes: Buffer, expectedDigest?: string, opts: { title?: false } = {}): BlobManifest {
  const digest = ociDigest(sha256Bytes(bytes));
  // Why exact: the digest is the only name for "these bytes"; anything else is another artifact.
  if (expectedDigest && expectedDigest !== digest) {
    throw verificationError(`manifest digest mismatch: asked for ${expectedDigest}, registry sent ${digest}`);
  }
  const json = parseJson(bytes.toString('utf8'));
  if (!json.ok) throw verificationError('the registry returned a manifest that is not JSON');
  const value = json.value as { mediaType?: unknown; manifests?: unknown } | null;
  if (value?.mediaType === OCI_INDEX || Array.isArray(value?.manifests)) {
    throw verificationError('the reference names an image index (e.g. a multi-platform image), not a single file');
  }
  const manifest = checkUntrustedJson(json.value, imageManifestSchema, {
    source: 'the manifest',
    what: 'an OCI image manifest',
    code: 'VERIFICATION_FAILED',
  });
  const { layers } = manifest;
  if (layers.length !== 1) {
    throw verificationError(`the artifact holds ${layers.length} layers; a ghcr-blob artifact holds exactly one file`);
  }
  const layer = layers[0]!;
  if (layer.annotations?.[UNPACK_ANNOTATION] !== undefined) {
    throw verificationError(
      `the artifact's layer is marked for unpacking (${UNPACK_ANNOTATION}): it is an archive, not a single file; refusing it before download`,
    );
  }
  if (opts.title === false) return { digest, manifest, layer, title: '' };
  return { digest, manifest, layer, title: checkTitle(layer.annotations?.[TITLE_ANNOTATION]) };
}

export async function readBlobManifest(
  path: string,
  expectedDigest?: string,
  opts: { title?: false } = {},
): Promise<BlobManifest> {
  // Sized before it is read: a hostile registry must not make us load an arbitrary file.
  if ((await stat(path)).size > MAX_MANIFEST_BYTES) throw verificationError('the manifest is larger than 4 MiB');
  return parseBlobManifest(await readFile(path), expectedDigest, opts);
}
