/**
 * pull --verify / verify <ref>, one flow: resolve the reference once, look the signatures up
 * while pulling by digest into a private folder, and accept the bytes when one
 * attached bundle passes both verifiers for exactly those bytes. Junk referrers are skipped
 * (bounded); registry and auth failures stop the search (they are not "no signature").
 */
import { join } from 'node:path';
import { isGhcrBlobError, verificationError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { downloadBlob, type ResolvedBlob, resolveBlob } from '../artifact/download.js';
import { fetchCandidateBundle, listBundleReferrers, MAX_CANDIDATES } from '../artifact/referrers.js';
import type { Reference } from '../core/reference.js';
import type { Runner } from '../tools/exec.js';
import type { Oras } from '../tools/oras.js';
import type { Descriptor } from '../tools/oci.js';
import { sha256File } from '../core/digest.js';
import { bundleSigner } from '../verify/bundle-signer.js';
import { readBundle, type SigstoreBundle } from '../verify/index.js';
import {
  type VerificationCheck,
  type VerifiedFile,
  type VerifyFileRequest,
  verifiedJson,
  verifyFile,
} from './verify-file.js';

export interface VerifiedBlob extends VerifiedFile {
  /** The referrer whose bundle was accepted. */
  signatureDigest: string;
  /** Referrers listed before it that could not be tried. */
  skippedSignatures: SkippedSignature[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface SignatureList {
  candidates: Descriptor[];
  skipped: number;
}

/** Listed while the blob downloads: an unsigned artifact stops the download (see verifyArtifact). */
export async function listSignatures(oras: Oras, blob: ResolvedBlob, log: Logger): Promise<SignatureList> {
  const listed = await listBundleReferrers(oras, blob);
  if (listed.candidates.length === 0) {
    throw verificationError(`no signature is attached to ${blob.pinnedReference}`, [
      'sign it with `ghcr-blob push --sign` or `ghcr-blob sign REF`',
    ]);
  }
  if (listed.skipped > 0)
    log.info(
      `${listed.candidates.length + listed.skipped} signatures attached; examining the first ${MAX_CANDIDATES} only`,
    );
  return listed;
}

/** A referrer that could not even be tried: gone (404), malformed, or over the size cap. */
export interface SkippedSignature {
  digest: string;
  reason: string;
}

const shortDigest = (digest: string) => `${digest.slice(0, 19)}…`;

/** One listed referrer, in listing order: its bundle fetched and parsed, or why it could not be. */
type Candidate =
  | { referrer: Descriptor; bundlePath: string; bundle: SigstoreBundle }
  | { referrer: Descriptor; skipped: string };

export interface FetchedSignatures {
  candidates: Candidate[];
  notExamined: number;
}

/**
 * Fetches and parses every listed candidate's bundle. Needs nothing of the blob's bytes, so it
 * runs while the blob downloads. Junk referrers are recorded (skipped when their turn comes);
 * network, auth, timeouts and tools are fatal (they are not "this referrer is junk").
 */
export async function fetchSignatures(
  ctx: { oras: Oras; blob: ResolvedBlob; workDir: string; log: Logger },
  { candidates: listed, skipped: notExamined }: SignatureList,
  signal?: AbortSignal,
): Promise<FetchedSignatures> {
  const candidates: Candidate[] = [];
  for (const [i, referrer] of listed.entries()) {
    signal?.throwIfAborted();
    try {
      const dir = join(ctx.workDir, `signature-${i}`);
      const bundlePath = await fetchCandidateBundle(ctx.oras, ctx.blob, referrer, dir);
      candidates.push({ referrer, bundlePath, bundle: await readBundle(bundlePath) });
    } catch (e) {
      if (!isGhcrBlobError(e) || (e.code !== 'VERIFICATION_FAILED' && e.code !== 'NOT_FOUND')) throw e;
      candidates.push({ referrer, skipped: e.message });
    }
  }
  return { candidates, notExamined };
}

/** Whether any fetched candidate can be tried at all (else the blob's bytes are not needed). */
export const hasUsable = (f: FetchedSignatures) => f.candidates.some((c) => !('skipped' in c));

/**
 * Tries the candidates in listing order; the first that passes both verifiers for `target`
 * wins. One unusable referrer must not hide a good one listed after it: it is skipped, and said so.
 * With no usable candidate, `target` is never asked for.
 */
export async function verifyCandidates(
  ctx: { blob: ResolvedBlob; file: string; run: Runner; log: Logger },
  check: VerificationCheck,
  { candidates, notExamined }: FetchedSignatures,
  target: () => Promise<Pick<VerifyFileRequest, 'sha256' | 'artifact'>>,
): Promise<VerifiedBlob> {
  const rejected: string[] = [];
  const signers: string[] = [];
  const skipped: SkippedSignature[] = [];
  for (const candidate of candidates) {
    const { referrer } = candidate;
    if ('skipped' in candidate) {
      skipped.push({ digest: referrer.digest, reason: candidate.skipped });
      ctx.log.info(`Skipping signature ${shortDigest(referrer.digest)}: ${candidate.skipped}`);
      continue;
    }
    const { bundlePath, bundle } = candidate;
    try {
      signers.push(bundleSigner(bundle)?.san ?? 'an unknown signer');
      const verified = await verifyFile({ file: ctx.file, bundlePath, bundle, ...check, ...(await target()) }, ctx.run);
      return { ...verified, signatureDigest: referrer.digest, skippedSignatures: skipped };
    } catch (e) {
      // Only a rejected candidate is skipped; anything else (network, auth, tools) is fatal.
      if (!isGhcrBlobError(e) || e.code !== 'VERIFICATION_FAILED') throw e;
      rejected.push(`${shortDigest(referrer.digest)}: ${e.message}`, ...e.details.map((d) => `  ${d}`));
    }
  }
  const by = signers.length ? `, by ${[...new Set(signers)].join(' and ')}` : '';
  const tried = candidates.length - skipped.length;
  const unusable = skipped.length ? `; ${plural(skipped.length, 'unusable signature')} skipped` : '';
  const beyond = notExamined ? `; ${notExamined} more not examined (limit ${MAX_CANDIDATES})` : '';
  throw verificationError(
    tried > 0
      ? `${plural(tried, 'signature')} found${by}; none matches the policy (${check.policy.describe()})${unusable}${beyond}`
      : `no usable signature is attached to ${ctx.blob.pinnedReference}${unusable}${beyond}`,
    [...rejected, ...skipped.map((s) => `skipped ${shortDigest(s.digest)}: ${s.reason}`)],
  );
}

export interface ArtifactContext {
  oras: Oras;
  /** A private folder for the manifest, the blob and the candidate bundles. */
  workDir: string;
  log: Logger;
  run: Runner;
}

export interface VerifiedArtifact {
  blob: ResolvedBlob;
  /** The verified file, still in the private folder. */
  file: string;
  verified: VerifiedBlob;
}

/**
 * The whole of `verify <ref>` and the verifying half of `pull --verify`. `beforeDownload` runs
 * once the artifact is resolved (pull checks its destination there).
 *
 * The signature lookup (listing referrers, fetching and parsing their bundles) runs WHILE the
 * blob downloads. When it finds nothing usable, or fails, the download is stopped and awaited:
 * oras has exited before the caller removes the private folder, so nothing lands or stays.
 */
export async function verifyArtifact(
  ctx: ArtifactContext,
  ref: Reference,
  check: VerificationCheck,
  opts: { expectDigest?: string; beforeDownload?: (blob: ResolvedBlob) => Promise<void> } = {},
): Promise<VerifiedArtifact> {
  // Not resolveListingReferrers (the listing beside the manifest fetch) yet: two oras starting at
  // one instant through the registry fence saw one of them refused (401) under load.
  const blob = await resolveBlob(ctx.oras, ref, ctx.workDir, opts.expectDigest);
  await opts.beforeDownload?.(blob);
  // The first failure of either stops the other and is the one reported.
  const stop = new AbortController();
  let failure: { reason: unknown } | undefined;
  const failed = (e: unknown): never => {
    failure ??= { reason: e };
    stop.abort();
    throw e;
  };
  const lookup = (async () => {
    const fetched = await fetchSignatures({ ...ctx, blob }, await listSignatures(ctx.oras, blob, ctx.log), stop.signal);
    // Nothing usable: fail now with the full account, without waiting for the bytes.
    if (!hasUsable(fetched)) await verifyCandidates({ ...ctx, blob, file: '' }, check, fetched, noTarget);
    return fetched;
  })().catch(failed);
  ctx.log.info(`Pulling ${blob.pinnedReference} (${blob.layer.size} bytes)`);
  const download = downloadBlob(ctx.oras, blob, ctx.workDir, stop.signal).catch(failed);
  const [found, pulled] = await Promise.allSettled([lookup, download]);
  if (failure) throw failure.reason;
  if (found.status !== 'fulfilled' || pulled.status !== 'fulfilled') throw new Error('unreachable');
  const file = pulled.value;
  const target = once(() => artifactTarget(blob, file));
  const verified = await verifyCandidates({ ...ctx, blob, file }, check, found.value, target);
  return { blob, file, verified };
}

const noTarget = (): never => {
  throw new Error('no usable candidate asks for the target');
};

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

/**
 * What every candidate must be about: the file (hashed once, here, streamed: the one check of
 * the landed bytes independent of oras) and the pinned manifest. A statement may name either;
 * the chain down to the file is in the verification's JSON.
 */
async function artifactTarget(
  blob: ResolvedBlob,
  file: string,
): Promise<Pick<VerifyFileRequest, 'sha256' | 'artifact'>> {
  return {
    sha256: (await sha256File(file)).toString('hex'),
    artifact: { manifestDigest: blob.digest, layerDigest: blob.layer.digest },
  };
}

/** The documented --json `verification` of pull --verify and verify <ref>. */
export const verifiedBlobJson = (v: VerifiedBlob) => ({
  ...verifiedJson(v),
  signatureDigest: v.signatureDigest,
  skippedSignatures: v.skippedSignatures,
});

/** ", after skipping 1 unusable signature (sha256:…: reason)": for the final line people read. */
export const describeSkipped = (skipped: readonly SkippedSignature[]): string =>
  skipped.length === 0
    ? ''
    : `, after skipping ${plural(skipped.length, 'unusable signature')} (${skipped.map((s) => `${shortDigest(s.digest)}: ${s.reason}`).join('; ')})`;
