/**
 * Resolve once, then work by digest: fetch the manifest (by tag or digest) and hash its bytes,
 * check its shape, then fetch the one layer `repo@<layer digest>` into a private folder and check what oras wrote.
 * Nothing here touches the user's output folder.
 */
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { verificationError } from '../core/errors.js';
import { formatReference, pinned, type Reference, repositoryOf } from '../core/reference.js';
import type { Oras } from '../tools/oras.js';
import { MAX_MANIFEST_BYTES, readBlobManifest, type BlobManifest } from './manifest.js';

export interface ResolvedBlob extends BlobManifest {
  /** `host/repo`, for naming other objects in the same repository (referrers, their blobs). */
  repository: string;
  /** `host/repo@sha256:…` — every later step uses this, never the tag. */
  pinnedReference: string;
}

export async function resolveBlob(
  oras: Oras,
  ref: Reference,
  workDir: string,
  expectDigest?: string,
): Promise<ResolvedBlob> {
  const manifestPath = join(workDir, 'manifest.json');
  // With a digest, the digest is the name; a tag beside it is only a label (`repo:v1@sha256:…`).
  await oras.fetchManifest(
    ref.digest ? pinned(ref, ref.digest) : formatReference(ref),
    manifestPath,
    MAX_MANIFEST_BYTES,
  );
  const blob = await readBlobManifest(manifestPath, ref.digest);
  // Why exact: --expect-digest pins the file's bytes (its sha256, as `sha256sum` prints it).
  if (expectDigest && blob.layer.digest !== expectDigest) {
    throw verificationError(
      `content digest mismatch: expected ${expectDigest}, the artifact holds ${blob.layer.digest}`,
      // The manifest digest is the one push prints (and the @sha256: of a pinned reference).
      expectDigest === blob.digest
        ? [
            `${expectDigest} is this artifact's manifest digest (what push prints), not its file's sha256`,
            `--expect-digest takes the file's: sha256sum FILE, or file.digest of pull --json (here ${blob.layer.digest})`,
          ]
        : undefined,
    );
  }
  return { ...blob, repository: repositoryOf(ref), pinnedReference: pinned(ref, blob.digest) };
}

/** The pulled file as --json describes it (pull adds its path). */
export const describeFile = (blob: ResolvedBlob) => ({
  name: blob.title,
  size: blob.layer.size,
  digest: blob.layer.digest,
  mediaType: blob.layer.mediaType,
});

/**
 * Downloads the one layer by its digest into `workDir/blob/<title>` and returns that path.
 * `oras blob fetch` (not `oras pull`): the manifest was already fetched and checked here, so
 * asking for it again is one request too many. oras checks the bytes against the layer digest
 * while downloading (it fails on a mismatch); we check the size the manifest names and that
 * nothing else was written. `signal` stops the download; what it wrote stays in `workDir` for
 * its owner to remove.
 */
export async function downloadBlob(
  oras: Oras,
  blob: ResolvedBlob,
  workDir: string,
  signal?: AbortSignal,
): Promise<string> {
  const outDir = join(workDir, 'blob');
  await mkdir(outDir, { mode: 0o700 });
  // The title is a plain file name (checked with the manifest), so this stays inside outDir.
  const expected = join(outDir, blob.title);
  await oras.fetchLayer(`${blob.repository}@${blob.layer.digest}`, expected, blob.layer.size, signal);
  const entries = await readdir(outDir);
  if (entries.length !== 1 || entries[0] !== blob.title) {
    throw verificationError(`oras wrote ${entries.length} file(s) where exactly one, ${blob.title}, was expected`);
  }
  // Why exact: the manifest named this many bytes; oras checked their digest while downloading.
  const stat = await lstat(expected);
  if (!stat.isFile() || stat.size !== blob.layer.size) {
    throw verificationError(
      `the downloaded file does not match the manifest (${blob.layer.digest}, ${blob.layer.size} bytes)`,
    );
  }
  return expected;
}
