import { createHash } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type SignedEntity } from '@sigstore/verify';
import { GhcrBlobError, verificationError } from '../core/errors.js';
import {
  type DsseBundle,
  isRekorV2Entry,
  messageDigestAlgorithm,
  type SigstoreBundle,
  type SignatureBundle,
} from './bundle.js';
import { certificateClaims, type FulcioClaims } from './certificate-claims.js';
import { identityFailure, sigstoreFailure } from './failure.js';
import { digestsEqual, fileDigests } from '../core/digest.js';
import type { KeyPolicy } from './key-policy.js';
import type { IdentityPolicy, VerificationPolicy } from './policy.js';
import { loadCurves, type SignedBytes, toPrehashedEntity } from './prehashed-signature.js';
import { keyName, requireSupportedKey } from './signing-key.js';
import { parseStatement, requireInTotoPayload, type Statement } from './statement.js';

export interface VerifyBlobInput {
  filePath: string;
  bundle: SignatureBundle;
  trustedRoot: TrustedRoot;
  policy: VerificationPolicy;
}

/** Who signed, and when: what every verified bundle tells, whatever it signs. */
export interface VerifiedSigner {
  /** The certificate's SAN, which matched the policy. */
  identity: string;
  issuer: string;
  /** The certificate's key, e.g. `ECDSA P-256` (what Fulcio's clients sign with by default). */
  signingKey: string;
  rekorLogIndex?: number;
  /** The entry's kind: `hashedrekord`, `dsse`, or `intoto` (Rekor v1 only); undefined without a log entry. */
  rekorEntryKind?: string;
  /** `0.0.1` for Rekor v1 hashedrekord entries, `0.0.2` for Rekor v2 (hashedrekord, dsse) and v1 intoto. */
  rekorEntryVersion?: string;
  /** Rekor's integrated time, only when its signed entry timestamp vouches for it. */
  integratedTime?: Date;
  /** RFC 3161 times from timestamp authorities in the bundle (all verified). */
  signedTimestamps: Date[];
  /** CI claims from the certificate (GitHub workflow, repository, ref, run…). */
  claims: FulcioClaims;
  /** Signed with a key (a key policy): its `sha256:` fingerprint. identity and issuer then say so. */
  publicKey?: string;
}

/** What a verified signature tells: who signed which bytes, and when. */
export interface VerifiedSignature extends VerifiedSigner {
  /** sha256 of the file as read, lower-case hex. */
  sha256: string;
}

/**
 * Verifies `filePath` against a cosign blob bundle, in-process, the second of the two
 * verifiers that must both accept. The file is streamed once for its sha256; @sigstore/verify
 * checks chain, SCT, Rekor and timestamps; the identity check is ours, because sigstore-js
 * treats a SAN policy as an unanchored regexp. Every failure is VERIFICATION_FAILED, except an
 * unreadable file (USAGE).
 */
export async function verifyBlobInProcess(input: VerifyBlobInput): Promise<VerifiedSignature> {
  const alg = messageDigestAlgorithm(input.bundle);
  const digests = await fileDigests(input.filePath, [alg]);
  const digest = Buffer.from(digests[alg] ?? '', 'hex');
  const signed = input.bundle.content.messageSignature.messageDigest.digest;
  if (!digestsEqual(digest, signed)) {
    throw verificationError(`${input.filePath} is not the file this bundle signs: its ${alg} differs`, [
      `signed ${alg}: ${signed.toString('hex')}`,
      `file ${alg}:   ${digest.toString('hex')}`,
    ]);
  }
  return { ...(await verifyMessageInProcess({ ...input, digest })), sha256: digests.sha256 };
}

/**
 * A message signature over `digest` (the digest, of the algorithm the bundle names, of bytes the
 * caller hashed: a file, or the manifest bytes that pin it). The bundle's own digest must be the same.
 */
export async function verifyMessageInProcess(input: {
  bundle: SignatureBundle;
  digest: Buffer;
  /** The bytes `digest` is of, when small enough to hold (see prehashed-signature.ts). */
  bytes?: Buffer;
  trustedRoot: TrustedRoot;
  policy: VerificationPolicy;
}): Promise<VerifiedSigner> {
  const signed = input.bundle.content.messageSignature.messageDigest.digest;
  const alg = messageDigestAlgorithm(input.bundle);
  if (!digestsEqual(input.digest, signed)) {
    throw verificationError('the bundle signs other bytes', [
      `signed ${alg}:   ${signed.toString('hex')}`,
      `expected ${alg}: ${input.digest.toString('hex')}`,
    ]);
  }
  // Why exact: the bytes Node's ECDSA checks must be the very bytes hashed before.
  if (input.bytes && !digestsEqual(createHash(alg).update(input.bytes).digest(), input.digest)) {
    throw verificationError('the file changed while it was verified', [
      `expected ${alg}: ${input.digest.toString('hex')}`,
    ]);
  }
  const held = input.bytes ? { algorithm: alg, bytes: input.bytes } : undefined;
  if (!held) await loadCurves();
  return verifySignedEntity(prehashedEntity(input.bundle, input.digest, held), input);
}

/**
 * A message signature over small bytes held in memory (cosign's `.sig` payload, a few hundred
 * bytes): @sigstore/verify checks the signature over exactly these bytes, and the log entry's
 * digest against theirs.
 */
export function verifyPayloadInProcess(input: {
  bundle: SignatureBundle;
  payload: Buffer;
  trustedRoot: TrustedRoot;
  policy: IdentityPolicy;
}): VerifiedSigner {
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(input.bundle, input.payload);
  } catch (e) {
    throw unparsable(e);
  }
  return verifySignedEntity(entity, { ...input, signed: 'the signed payload' });
}

/** A verified DSSE attestation: its signer, and the statement the signature covers. */
export interface VerifiedAttestation {
  signer: VerifiedSigner;
  statement: Statement;
}

/**
 * Verifies a DSSE bundle in-process: the payload type is in-toto, the envelope signature is over
 * exactly this payload (its PAE), and certificate, log and time check out as for a signature.
 * Which bytes the statement names is the caller's question (see evidence/).
 */
export function verifyAttestationInProcess(input: {
  bundle: DsseBundle;
  trustedRoot: TrustedRoot;
  policy: VerificationPolicy;
}): VerifiedAttestation {
  const envelope = input.bundle.content.dsseEnvelope;
  requireInTotoPayload(envelope.payloadType);
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(input.bundle);
  } catch (e) {
    throw unparsable(e);
  }
  const signer = verifySignedEntity(entity, { ...input, signed: 'the attestation envelope (its payload)' });
  // Read once the signature over it checked out; its subjects are the caller's to bind.
  return { signer, statement: parseStatement(envelope) };
}

/**
 * The checks every bundle goes through, in-process: a usable time source, then @sigstore/verify
 * (certificate chain and SCT at the verified times, log entries, timestamps, signature), then
 * our exact policy.
 */
function verifySignedEntity(
  entity: SignedEntity,
  input: { bundle: SigstoreBundle; trustedRoot: TrustedRoot; policy: VerificationPolicy; signed?: string },
): VerifiedSigner {
  const policy = input.policy;
  if (policy.kind === 'key') return verifyKeySigned(entity, { ...input, policy });
  if (entity.key.$case !== 'certificate') {
    throw verificationError('signature rejected: the bundle is signed with a key, and the policy names an identity', [
      'a key signature never satisfies an identity policy: verify it with --key PUB.pem',
    ]);
  }
  const signingKey = requireSupportedKey(
    entity.key.certificate.publicKey,
    input.bundle.content.$case === 'dsseEnvelope' ? 'a DSSE envelope' : 'a file',
  );
  const claims = certificateClaims(entity.key.certificate);
  const rootHasLogs = input.trustedRoot.tlogs.length > 0;
  try {
    requireTimeSource(input.bundle, rootHasLogs);
    // No policy argument on purpose: its SAN match is an unanchored regexp (see policy.ts).
    // A trusted root without logs (timestamps only) asks for no log entry; any other asks for
    // one. Likewise SCTs: GitHub's own instance has no CT log, so its root lists none.
    new Verifier(toTrustMaterial(input.trustedRoot), {
      tlogThreshold: rootHasLogs ? 1 : 0,
      ctlogThreshold: input.trustedRoot.ctlogs.length > 0 ? 1 : 0,
    }).verify(entity);
  } catch (e) {
    throw sigstoreFailure(e, claims, input.signed);
  }
  const verdict = policy.matches(claims.san, claims.issuer, claims.fulcio);
  if (!verdict.ok) throw identityFailure(verdict.mismatches, claims);
  // matches() accepted both, so neither is undefined.
  return {
    identity: claims.san as string,
    issuer: claims.issuer as string,
    signingKey,
    ...rekorTimes(input.bundle),
    signedTimestamps: tsaTimes(entity),
    claims: claims.fulcio,
  };
}

/** What identity and issuer say about a key signature (no certificate names anyone). */
export const KEY_ISSUER = 'none: signed with a key';

/**
 * A bundle signed with a key: checked against the policy's key alone (the bundle's hint only names
 * it), with exactly the transparency-log choice the policy makes.
 */
function verifyKeySigned(
  entity: SignedEntity,
  input: { bundle: SigstoreBundle; trustedRoot: TrustedRoot; policy: KeyPolicy; signed?: string },
): VerifiedSigner {
  const { policy, bundle } = input;
  if (entity.key.$case !== 'public-key') {
    throw verificationError(
      'signature rejected: the bundle carries a keyless certificate, and the policy names a key',
      [
        'a certificate never satisfies a key policy: verify it with --certificate-identity/--github-workflow/--gitlab-pipeline',
      ],
    );
  }
  const entries = bundle.verificationMaterial.tlogEntries.length;
  // Why exact: verify asks for what signing chose; a log skipped silently would be no log at all.
  if (policy.tlog && entries === 0)
    throw verificationError('signature rejected: the bundle has no transparency log entry', [
      'it was signed with --no-tlog-upload: verify with --no-tlog-upload if that is what you expect',
    ]);
  if (!policy.tlog && entries > 0)
    throw verificationError(
      'signature rejected: the bundle has a transparency log entry, and --no-tlog-upload expects none',
      ['drop --no-tlog-upload: this signature was recorded in the log'],
    );
  const claims = { fulcio: {} };
  try {
    if (policy.tlog) requireTimeSource(bundle, true);
    const material = toTrustMaterial(input.trustedRoot, () => ({ publicKey: policy.publicKey, validFor: () => true }));
    // A key has no validity window: without a log, no signing time is needed (cosign agrees).
    new Verifier(material, {
      tlogThreshold: policy.tlog ? 1 : 0,
      ctlogThreshold: 0,
      timestampThreshold: policy.tlog ? 1 : 0,
    }).verify(entity);
  } catch (e) {
    throw sigstoreFailure(e, claims, input.signed);
  }
  return {
    identity: policy.fingerprint,
    issuer: KEY_ISSUER,
    publicKey: policy.fingerprint,
    signingKey: keyName(policy.publicKey),
    ...rekorTimes(bundle),
    signedTimestamps: tsaTimes(entity),
    claims: {},
  };
}

/**
 * Said here, not left to the library's defaults: a bundle must carry a time we can verify (an
 * RFC 3161 timestamp, or an integrated time under a signed entry timestamp; a Rekor v2 entry has
 * neither time nor SET), and may lack a log entry only when the trusted root has no logs.
 * cosign, told to ignore the log, would accept a bundle whose timestamp was removed.
 */
function requireTimeSource(bundle: SigstoreBundle, rootHasLogs: boolean): void {
  const entries = bundle.verificationMaterial.tlogEntries;
  const timestamps = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
  if (rootHasLogs && entries.length === 0) {
    throw verificationError('the bundle has no transparency log entry, and the trusted root lists transparency logs', [
      'a bundle without a log entry is accepted only with a trusted root that has no logs (timestamps only)',
    ]);
  }
  const setBacked = entries.some((e) => e.inclusionPromise !== undefined && Number(e.integratedTime) > 0);
  if (timestamps.length === 0 && !setBacked) {
    const v2 = entries.some(isRekorV2Entry);
    throw verificationError('the bundle carries no verifiable signing time', [
      'expected: an RFC 3161 timestamp from a timestamp authority in the trusted root, or a Rekor integrated time under a signed entry timestamp',
      `actual: ${entries.length === 0 ? 'no log entry' : v2 ? 'a Rekor v2 entry (it has no integrated time)' : 'a log entry without a signed entry timestamp'} and no RFC 3161 timestamp`,
    ]);
  }
}

function prehashedEntity(bundle: SignatureBundle, digest: Buffer, signed?: SignedBytes): SignedEntity {
  try {
    return toPrehashedEntity(bundle, digest, signed);
  } catch (e) {
    throw unparsable(e);
  }
}

const unparsable = (e: unknown) =>
  new GhcrBlobError(
    'VERIFICATION_FAILED',
    `the bundle's certificate or timestamps cannot be parsed: ${e instanceof Error ? e.message : String(e)}`,
    { cause: e },
  );

function rekorTimes(
  bundle: SigstoreBundle,
): Pick<VerifiedSigner, 'rekorLogIndex' | 'integratedTime' | 'rekorEntryKind' | 'rekorEntryVersion'> {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (entry === undefined) return {};
  const index = Number(entry.logIndex);
  const seconds = Number(entry.integratedTime);
  return {
    ...(Number.isSafeInteger(index) ? { rekorLogIndex: index } : {}),
    ...(entry.kindVersion
      ? { rekorEntryKind: entry.kindVersion.kind, rekorEntryVersion: entry.kindVersion.version }
      : {}),
    // The integrated time is signed only by the SET (inclusion promise), not by an inclusion proof.
    ...(entry.inclusionPromise !== undefined && seconds > 0 ? { integratedTime: new Date(seconds * 1000) } : {}),
  };
}

function tsaTimes(entity: SignedEntity): Date[] {
  return entity.timestamps.flatMap((t) => (t.$case === 'timestamp-authority' ? [t.timestamp.signingTime] : []));
}
