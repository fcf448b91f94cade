/**
 * pull --verify / verify <ref>, one flow: resolve the reference once, list the signatures
 * before downloading, pull by digest into a private folder, and accept the bytes when one
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
import { pinnedManifestFile } from './subject-manifest.js';
import { readBundle, type SigstoreBundle } from '../verify/index.js';
import { type VerificationCheck, type VerifiedFile, verifiedJson, verifyFile } from './verify-file.js';

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

/** Listed before the blob is downloaded: an unsigned artifact fails without moving gigabytes. */
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

export async function verifyAgainstReferrers(
  ctx: { oras: Oras; blob: ResolvedBlob; file: string; workDir: string; run: Runner; log: Logger },
  check: VerificationCheck,
  { candidates, skipped: notExamined }: SignatureList,
): Promise<VerifiedBlob> {
  const rejected: string[] = [];
  const signers: string[] = [];
  const target = await artifactTarget(ctx);
  const skipped: SkippedSignature[] = [];
  for (const [i, referrer] of candidates.entries()) {
    let bundlePath: string;
    let bundle: SigstoreBundle;
    try {
      bundlePath = await fetchCandidateBundle(ctx.oras, ctx.blob, referrer, join(ctx.workDir, `signature-${i}`));
      bundle = await readBundle(bundlePath);
    } catch (e) {
      // One unusable referrer must not hide a good one listed after it: skip it and say so.
      // Network, auth, timeouts and tools stay fatal (they are not "this referrer is junk").
      if (!isGhcrBlobError(e) || (e.code !== 'VERIFICATION_FAILED' && e.code !== 'NOT_FOUND')) throw e;
      skipped.push({ digest: referrer.digest, reason: e.message });
      ctx.log.info(`Skipping signature ${shortDigest(referrer.digest)}: ${e.message}`);
      continue;
    }
    try {
      signers.push(bundleSigner(bundle)?.san ?? 'an unknown signer');
      const verified = await verifyFile({ file: ctx.file, bundlePath, bundle, ...check, ...target }, ctx.run);
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

/**
 * What every candidate must be about: the file (hashed once, here) and the pinned manifest.
 * A statement may name either; the chain down to the file is in the verification's JSON.
 */
async function artifactTarget(ctx: { oras: Oras; blob: ResolvedBlob; file: string; workDir: string }) {
  return {
    sha256: (await sha256File(ctx.file)).toString('hex'),
    artifact: {
      manifestDigest: ctx.blob.digest,
      layerDigest: ctx.blob.layer.digest,
      manifestFile: pinnedManifestFile(ctx.oras, ctx.blob, join(ctx.workDir, 'subject-manifest.json')),
    },
  };
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
 * once the artifact is resolved and its signatures listed (pull checks its destination there).
 */
export async function verifyArtifact(
  ctx: ArtifactContext,
  ref: Reference,
  check: VerificationCheck,
  opts: { expectDigest?: string; beforeDownload?: (blob: ResolvedBlob) => Promise<void> } = {},
): Promise<VerifiedArtifact> {
  const blob = await resolveBlob(ctx.oras, ref, ctx.workDir, opts.expectDigest);
  await opts.beforeDownload?.(blob);
  const signatures = await listSignatures(ctx.oras, blob, ctx.log);
  ctx.log.info(`Pulling ${blob.pinnedReference} (${blob.layer.size} bytes)`);
  const file = await downloadBlob(ctx.oras, blob, ctx.workDir);
  const verified = await verifyAgainstReferrers({ ...ctx, blob, file }, check, signatures);
  return { blob, file, verified };
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
