import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, Verifier, type SignedEntity } from '@sigstore/verify';
import { GhcrBlobError, verificationError } from '../core/errors.js';
import type { SignatureBundle } from './bundle.js';
import { certificateClaims, type FulcioClaims } from './certificate-claims.js';
import { identityFailure, sigstoreFailure } from './failure.js';
import { digestsEqual, sha256File } from '../core/digest.js';
import type { IdentityPolicy } from './policy.js';
import { toPrehashedEntity } from './prehashed-signature.js';

export interface VerifyBlobInput {
  filePath: string;
  bundle: SignatureBundle;
  trustedRoot: TrustedRoot;
  policy: IdentityPolicy;
}

/** What a verified signature tells: who signed which bytes, and when. */
export interface VerifiedSignature {
  /** The certificate's SAN, which matched the policy. */
  identity: string;
  issuer: string;
  /** sha256 of the file as read, lower-case hex. */
  sha256: string;
  rekorLogIndex?: number;
  /** Rekor's integrated time, only when its signed entry timestamp vouches for it. */
  integratedTime?: Date;
  /** RFC 3161 times from timestamp authorities in the bundle (all verified). */
  signedTimestamps: Date[];
  /** CI claims from the certificate (GitHub workflow, repository, ref, run…). */
  claims: FulcioClaims;
}

/**
 * Verifies `filePath` against a cosign blob bundle, in-process, the second of the two
 * verifiers that must both accept. The file is streamed once for its sha256; @sigstore/verify
 * checks chain, SCT, Rekor and timestamps; the identity check is ours, because sigstore-js
 * treats a SAN policy as an unanchored regexp. Every failure is VERIFICATION_FAILED, except an
 * unreadable file (USAGE).
 */
export async function verifyBlobInProcess(input: VerifyBlobInput): Promise<VerifiedSignature> {
  const { bundle, policy } = input;
  const digest = await sha256File(input.filePath);
  const signed = bundle.content.messageSignature.messageDigest.digest;
  if (!digestsEqual(digest, signed)) {
    throw verificationError(`${input.filePath} is not the file this bundle signs: its sha256 differs`, [
      `signed sha256: ${signed.toString('hex')}`,
      `file sha256:   ${digest.toString('hex')}`,
    ]);
  }

  const entity = prehashedEntity(bundle, digest);
  if (entity.key.$case !== 'certificate') throw verificationError('the bundle has no signing certificate');
  const claims = certificateClaims(entity.key.certificate);
  try {
    // No policy argument on purpose: its SAN match is an unanchored regexp (see policy.ts).
    new Verifier(toTrustMaterial(input.trustedRoot)).verify(entity);
  } catch (e) {
    throw sigstoreFailure(e, claims);
  }

  const verdict = policy.matches(claims.san, claims.issuer);
  if (!verdict.ok) throw identityFailure(verdict.mismatches, claims);
  // matches() accepted both, so neither is undefined.
  return {
    identity: claims.san as string,
    issuer: claims.issuer as string,
    sha256: digest.toString('hex'),
    ...rekorTimes(bundle),
    signedTimestamps: tsaTimes(entity),
    claims: claims.fulcio,
  };
}

function prehashedEntity(bundle: SignatureBundle, digest: Buffer): SignedEntity {
  try {
    return toPrehashedEntity(bundle, digest);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new GhcrBlobError(
      'VERIFICATION_FAILED',
      `the bundle's certificate or timestamps cannot be parsed: ${reason}`,
      {
        cause: e,
      },
    );
  }
}

function rekorTimes(bundle: SignatureBundle): Pick<VerifiedSignature, 'rekorLogIndex' | 'integratedTime'> {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (entry === undefined) return {};
  const index = Number(entry.logIndex);
  const seconds = Number(entry.integratedTime);
  return {
    ...(Number.isSafeInteger(index) ? { rekorLogIndex: index } : {}),
    // The integrated time is signed only by the SET (inclusion promise), not by an inclusion proof.
    ...(entry.inclusionPromise !== undefined && seconds > 0 ? { integratedTime: new Date(seconds * 1000) } : {}),
  };
}

function tsaTimes(entity: SignedEntity): Date[] {
  return entity.timestamps.flatMap((t) => (t.$case === 'timestamp-authority' ? [t.timestamp.signingTime] : []));
}
