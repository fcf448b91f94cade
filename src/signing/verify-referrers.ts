/**
 * pull --verify / verify <ref>: the pulled bytes are accepted when one attached bundle passes
 * both verifiers for exactly those bytes. Junk referrers are skipped (bounded); registry and
 * auth failures stop the search (they are not "no signature").
 */
import { join } from 'node:path';
import { isGhcrBlobError, verificationError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ResolvedBlob } from '../artifact/download.js';
import type { Engine } from '../options/policy.js';
import type { Runner } from '../tools/exec.js';
import type { CosignTool } from '../tools/cosign.js';
import type { Oras } from '../tools/oras.js';
import type { Descriptor } from '../tools/oci.js';
import { readBundle, type IdentityPolicy, type TrustedRoot } from '../verify/index.js';
import { fetchCandidateBundle, listBundleReferrers, MAX_CANDIDATES } from './referrers.js';
import { bundleSigner } from './signer.js';
import { verifyFile, type VerifiedFile } from './verify-file.js';

export interface ReferrerCheck {
  policy: IdentityPolicy;
  trustedRoot: TrustedRoot;
  trustedRootPath?: string;
  engine: Engine;
  cosign?: CosignTool;
}

export interface VerifiedBlob extends VerifiedFile {
  /** The referrer whose bundle was accepted. */
  signatureDigest: string;
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

export async function verifyAgainstReferrers(
  ctx: { oras: Oras; blob: ResolvedBlob; file: string; workDir: string; run: Runner },
  check: ReferrerCheck,
  { candidates, skipped }: SignatureList,
): Promise<VerifiedBlob> {
  const rejected: string[] = [];
  const signers: string[] = [];
  for (const [i, referrer] of candidates.entries()) {
    try {
      const bundlePath = await fetchCandidateBundle(ctx.oras, ctx.blob, referrer, join(ctx.workDir, `signature-${i}`));
      const bundle = await readBundle(bundlePath);
      signers.push(bundleSigner(bundle)?.san ?? 'an unknown signer');
      const verified = await verifyFile({ file: ctx.file, bundlePath, bundle, ...check }, ctx.run);
      return { ...verified, signatureDigest: referrer.digest };
    } catch (e) {
      // Only a rejected candidate is skipped; anything else (network, auth, tools) is fatal.
      if (!isGhcrBlobError(e) || e.code !== 'VERIFICATION_FAILED') throw e;
      rejected.push(`${referrer.digest.slice(0, 19)}…: ${e.message}`, ...e.details.map((d) => `  ${d}`));
    }
  }
  const by = signers.length ? `, by ${[...new Set(signers)].join(' and ')}` : '';
  throw verificationError(
    `${plural(candidates.length, 'signature')} found${by}; none matches the policy (${check.policy.describe()})${skipped ? `; ${skipped} more not examined (limit ${MAX_CANDIDATES})` : ''}`,
    rejected,
  );
}
