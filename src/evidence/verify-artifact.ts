/**
 * pull --verify / verify <ref>, one flow: resolve the reference once, ask every signature source
 * (sources/) while pulling by digest into a private folder, and accept the bytes when one
 * candidate passes both verifiers for exactly those bytes. This module only coordinates and
 * chooses: junk candidates are skipped (bounded); registry and auth failures stop the search
 * (they are not "no signature").
 */
import { isGhcrBlobError, verificationError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { downloadBlob, type ResolvedBlob, resolveBlob } from '../artifact/download.js';
import type { NameChoice } from '../artifact/manifest.js';
import { MAX_CANDIDATES, resolveListingReferrers } from '../artifact/referrers.js';
import type { Reference } from '../core/reference.js';
import type { Runner } from '../tools/exec.js';
import type { Oras } from '../tools/oras.js';
import { sha256File } from '../core/digest.js';
import { TITLE_ANNOTATION } from '../tools/oci.js';
import { bundleSigner } from '../verify/bundle-signer.js';
import { label, plural, type SkippedSignature } from './skipped.js';
import { findSignatures, foundAt, type SourceName, type SourceResult } from './sources/index.js';
import { describeSigners } from './any-signer.js';
export { describeName } from './verify-file.js';

export type { SkippedSignature } from './skipped.js';
import {
  type PreparedCheck,
  type VerifiedFile,
  type VerifyFileRequest,
  verifiedJson,
  verifyFile,
} from './verify-file.js';

export interface VerifiedBlob extends VerifiedFile {
  /** Where the accepted signature was found: a bundle referrer, or cosign's `.sig` / `.att` tag. */
  signatureSource: SourceName;
  /** The referrer, or the tag's manifest, holding the accepted signature. */
  signatureDigest: string;
  /** For a tag: which of its layers (0-based). */
  signatureLayer?: number;
  /** Signatures found before it that could not be tried. */
  skippedSignatures: SkippedSignature[];
}

/**
 * Every source's candidates (see sources/). Needs nothing of the blob's bytes, so it runs while
 * the blob downloads. Nothing found anywhere is "not signed", said at once.
 */
export async function lookUpSignatures(
  ctx: { oras: Oras; blob: ResolvedBlob; workDir: string; log: Logger },
  signal?: AbortSignal,
): Promise<SourceResult> {
  const result = await findSignatures(ctx, signal);
  if (result.found.length === 0) {
    throw verificationError(`no signature is attached to ${ctx.blob.pinnedReference}`, [
      'looked for: Sigstore bundle referrers, cosign `.sig` and `.att` tags',
      'sign it with `ghcr-blob push --sign`, `ghcr-blob sign REF` or `cosign sign REF`',
    ]);
  }
  // The cap is per source (MAX_CANDIDATES each); in practice only referrers pile up.
  if (result.notExamined > 0)
    ctx.log.info(
      `${result.found.length + result.notExamined} signatures attached; examining the first ${MAX_CANDIDATES} only`,
    );
  return result;
}

/** Whether any candidate can be tried at all (else the blob's bytes are not needed). */
export const hasUsable = (f: SourceResult) => f.found.some((c) => !('skipped' in c));

/**
 * Tries the candidates in order; the first that passes both verifiers for `target` wins. One
 * unusable candidate must not hide a good one after it: it is skipped, and said so. With no
 * usable candidate, `target` is never asked for.
 */
export async function verifyCandidates(
  ctx: { blob: ResolvedBlob; file: string; run: Runner; log: Logger },
  check: PreparedCheck,
  { found, notExamined }: SourceResult,
  target: () => Promise<ArtifactTarget>,
): Promise<VerifiedBlob> {
  const rejected: string[] = [];
  const signers: string[] = [];
  const skipped: SkippedSignature[] = [];
  for (const candidate of found) {
    const where = foundAt(candidate);
    if ('skipped' in candidate) {
      skipped.push({ ...where, reason: candidate.skipped });
      ctx.log.info(`Skipping signature ${label(candidate)}: ${candidate.skipped}`);
      continue;
    }
    const { bundlePath, bundle, simpleSigning } = candidate;
    try {
      signers.push(bundleSigner(bundle)?.san ?? 'an unknown signer');
      const verified = await verifyFile(
        {
          file: ctx.file,
          bundlePath,
          bundle,
          ...check,
          ...(await target()),
          ...(simpleSigning ? { payload: simpleSigning } : {}),
        },
        ctx.run,
      );
      return {
        ...verified,
        signatureSource: where.source,
        signatureDigest: where.digest,
        ...(where.layer !== undefined ? { signatureLayer: where.layer } : {}),
        skippedSignatures: skipped,
      };
    } catch (e) {
      // Only a rejected candidate is passed over; anything else (network, auth, tools) is fatal.
      if (!isGhcrBlobError(e) || e.code !== 'VERIFICATION_FAILED') throw e;
      rejected.push(`${label(candidate)}: ${e.message}`, ...e.details.map((d) => `  ${d}`));
    }
  }
  const by = signers.length ? `, by ${[...new Set(signers)].join(' and ')}` : '';
  const tried = found.length - skipped.length;
  const unusable = skipped.length ? `; ${plural(skipped.length, 'unusable signature')} skipped` : '';
  const beyond = notExamined ? `; ${notExamined} more not examined (limit ${MAX_CANDIDATES})` : '';
  throw verificationError(
    tried > 0
      ? `${plural(tried, 'signature')} found${by}; none matches the policy (${describeSigners(check.signers)})${unusable}${beyond}`
      : `no usable signature is attached to ${ctx.blob.pinnedReference}${unusable}${beyond}`,
    [...rejected, ...skipped.map((s) => `skipped ${label(s)}: ${s.reason}`)],
  );
}

type ArtifactTarget = Pick<VerifyFileRequest, 'sha256' | 'artifact' | 'repository' | 'title'>;

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
  check: PreparedCheck,
  opts: {
    expectDigest?: string;
    naming?: Omit<NameChoice, 'title'>;
    beforeDownload?: (blob: ResolvedBlob) => Promise<void>;
  } = {},
): Promise<VerifiedArtifact> {
  // The referrers listing starts beside the manifest fetch and counts only if it names the digest
  // resolved here; a failure before the download stops it (see resolveListingReferrers).
  const blob = await resolveListingReferrers(ctx.oras, ref, async () => {
    const resolved = await resolveBlob(ctx.oras, ref, ctx.workDir, opts.expectDigest, opts.naming);
    await opts.beforeDownload?.(resolved);
    return resolved;
  });
  // The first failure of either stops the other and is the one reported.
  const stop = new AbortController();
  let failure: { reason: unknown } | undefined;
  const failed = (e: unknown): never => {
    failure ??= { reason: e };
    stop.abort();
    throw e;
  };
  const lookup = (async () => {
    const fetched = await lookUpSignatures({ ...ctx, blob }, stop.signal);
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
async function artifactTarget(blob: ResolvedBlob, file: string): Promise<ArtifactTarget> {
  return {
    sha256: (await sha256File(file)).toString('hex'),
    artifact: { manifestDigest: blob.digest, layerDigest: blob.layer.digest },
    // Evidence that names a repository must name the one resolved, and the manifest's own title
    // (not a --name chosen for landing the file).
    repository: blob.repository,
    title: blob.layer.annotations?.[TITLE_ANNOTATION] ?? '',
  };
}

/** The documented --json `verification` of pull --verify and verify <ref>. */
export const verifiedBlobJson = (v: VerifiedBlob) => ({
  ...verifiedJson(v),
  signatureSource: v.signatureSource,
  signatureDigest: v.signatureDigest,
  signatureLayer: v.signatureLayer,
  skippedSignatures: v.skippedSignatures,
});
