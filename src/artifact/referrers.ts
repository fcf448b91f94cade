/**
 * Signatures travel with the blob as OCI referrers: one artifact per Sigstore bundle, attached
 * to the blob's manifest digest (registries without the referrers API, like ghcr.io and
 * distribution 2.8, get oras's tag fallback). Reading them back is bounded: at most
 * MAX_CANDIDATES referrers are examined, each bundle at most MAX_BUNDLE_BYTES.
 */
import { lstat, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isGhcrBlobError, verificationError } from '../core/errors.js';
import { ociDigest, sha256File } from '../core/digest.js';
import type { ResolvedBlob } from './download.js';
import { MAX_MANIFEST_BYTES, readBlobManifest } from './manifest.js';
import { formatReference, pinned, type Reference } from '../core/reference.js';
import type { Oras } from '../tools/oras.js';
import type { ReferrerListing } from '../tools/oras-output.js';
import type { Descriptor } from '../tools/oci.js';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
/** Documented in README: referrers beyond this many are not examined. */
export const MAX_CANDIDATES = 32;
export const MAX_BUNDLE_BYTES = 1024 * 1024;

export interface AttachedBundle {
  /** Digest of the referrer manifest. */
  digest: string;
  /** sha256 of the bundle JSON itself. */
  bundleDigest: string;
}

export async function attachBundle(oras: Oras, blob: ResolvedBlob, bundlePath: string): Promise<AttachedBundle> {
  const fileArg = `${basename(bundlePath)}:${BUNDLE_MEDIA_TYPE}`;
  const attached = await oras.attach(blob.pinnedReference, dirname(bundlePath), fileArg, BUNDLE_MEDIA_TYPE);
  return { digest: attached.digest, bundleDigest: ociDigest(await sha256File(bundlePath)) };
}

/** Checks a referrer's manifest before its bundle is downloaded. */
async function bundleLayer(oras: Oras, blob: ResolvedBlob, referrer: Descriptor, workDir: string): Promise<Descriptor> {
  const manifestPath = join(workDir, 'manifest.json');
  await oras.fetchManifest(`${blob.repository}@${referrer.digest}`, manifestPath, MAX_MANIFEST_BYTES);
  // actions/attest names no title on the bundle layer; only the bundle's media type matters here.
  const m = await readBlobManifest(manifestPath, referrer.digest, { title: false });
  // Why exact: only a referrer whose subject is this very manifest speaks about these bytes.
  if (m.manifest.subject?.digest !== blob.digest)
    throw verificationError(`referrer ${referrer.digest} is not about ${blob.digest}`);
  if (m.layer.mediaType !== BUNDLE_MEDIA_TYPE)
    throw verificationError(`referrer ${referrer.digest} holds ${m.layer.mediaType}, not a Sigstore bundle`);
  if (m.layer.size > MAX_BUNDLE_BYTES)
    throw verificationError(
      `referrer ${referrer.digest} holds a ${m.layer.size}-byte bundle (limit ${MAX_BUNDLE_BYTES})`,
    );
  return m.layer;
}

/**
 * Downloads one candidate bundle into `workDir` (created); junk → VERIFICATION_FAILED, gone →
 * NOT_FOUND. The cap is on the bytes that arrive, not on the size the manifest claims: a
 * referrer that says "100 bytes" while its blob is 200 MB is stopped after 1 MiB.
 */
export async function fetchCandidateBundle(
  oras: Oras,
  blob: ResolvedBlob,
  referrer: Descriptor,
  workDir: string,
): Promise<string> {
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const layer = await bundleLayer(oras, blob, referrer, workDir);
  const bundlePath = join(workDir, 'bundle.json');
  try {
    await oras.fetchBlob(`${blob.repository}@${layer.digest}`, bundlePath, MAX_BUNDLE_BYTES);
  } catch (e) {
    if (isGhcrBlobError(e) && e.code === 'VERIFICATION_FAILED')
      throw verificationError(`referrer ${referrer.digest}'s bundle is larger than its ${layer.size} bytes`, [], e);
    throw e;
  }
  // Why exact: the manifest named this many bytes; anything else is not the bundle it listed.
  const size = (await lstat(bundlePath).catch(() => undefined))?.size;
  if (size !== layer.size)
    throw verificationError(`referrer ${referrer.digest}'s bundle is ${size ?? 0} bytes, not the ${layer.size} listed`);
  return bundlePath;
}

/**
 * The signature-bearing referrers of `blob`, from ONE listing filtered here (one oras process,
 * not one per type): cosign 3 `sign <ref>` lists its bundle referrer under the empty config's
 * type in the `sha256-<hex>` index (ghcr.io; the manifest itself says the bundle type), oras
 * attach under the bundle type. A listing started beside the manifest fetch (listReferrersEarly)
 * is used only when it names the very digest the manifest fetch resolved.
 */
export async function listBundleReferrers(
  oras: Oras,
  blob: ResolvedBlob,
  signal?: AbortSignal,
): Promise<{ candidates: Descriptor[]; skipped: number }> {
  const started = earlyListings.get(blob);
  // Stopping the lookup stops the early listing too: no oras outlives the failure that stopped it.
  const stopEarly = () => started?.stop.abort();
  signal?.addEventListener('abort', stopEarly, { once: true });
  if (signal?.aborted) stopEarly();
  // A failed early listing is this registry failing: reported, not tried again; except a refusal
  // while the manifest fetch beside it was let in (two oras starting at one instant through a
  // registry that refused one): then the digest is listed, and a real refusal shows there.
  const early = await started?.listing
    .catch((e: unknown) => {
      if (isGhcrBlobError(e) && e.code === 'AUTH_FAILED') return undefined;
      throw e;
    })
    .finally(() => signal?.removeEventListener('abort', stopEarly));
  signal?.throwIfAborted();
  // Why exact: a listing of another digest (the tag moved in between) lists another artifact's
  // signatures; then the digest the manifest fetch resolved is listed, by digest.
  const listing = early?.subjectDigest === blob.digest ? early : await oras.listReferrers(blob.pinnedReference, signal);
  const signatures = listing.referrers.filter(
    (d) => d.artifactType === BUNDLE_MEDIA_TYPE || d.artifactType === OCI_EMPTY_MEDIA_TYPE,
  );
  // One pass: a listing may be long, and comparing every entry with every other is quadratic.
  const seen = new Set<string>();
  const all = signatures.filter((d) => !seen.has(d.digest) && seen.add(d.digest));
  return { candidates: all.slice(0, MAX_CANDIDATES), skipped: Math.max(0, all.length - MAX_CANDIDATES) };
}

const earlyListings = new WeakMap<ResolvedBlob, { listing: Promise<ReferrerListing>; stop: AbortController }>();

/**
 * Resolves `ref` (with `resolve`, the manifest fetch) while listing its referrers beside it: the
 * listing no longer waits for the manifest, one round of processes fewer in series. Only oras 1.3
 * names the digest a listing is of, which listBundleReferrers checks; with 1.2 the listing waits.
 * If resolving fails, the listing is stopped and awaited: no oras outlives the failure.
 */
export async function resolveListingReferrers(
  oras: Oras,
  ref: Reference,
  resolve: () => Promise<ResolvedBlob>,
): Promise<ResolvedBlob> {
  if (oras.tool.generation === '1.2') return resolve();
  const stop = new AbortController();
  const listing = oras.listReferrers(ref.digest ? pinned(ref, ref.digest) : formatReference(ref), stop.signal);
  listing.catch(() => {}); // awaited (and its failure reported) by listBundleReferrers
  try {
    const blob = await resolve();
    earlyListings.set(blob, { listing, stop });
    return blob;
  } catch (e) {
    stop.abort();
    await listing.catch(() => {});
    throw e;
  }
}
