/** The evidence kinds, as data: the first that recognizes a bundle verifies it. */
import type { DigestAlgorithm } from '../../core/digest.js';
import type { Runner } from '../../tools/exec.js';
import { verificationError } from '../../core/errors.js';
import type { SigstoreBundle } from '../../verify/index.js';
import { cosignSignedArtifact } from './cosign-signed-artifact.js';
import { dsseAttestation } from './dsse-attestation.js';
import { ghcrBlobStatement } from './ghcr-blob-statement.js';
import type { EvidenceDescription, EvidenceKind, VerifiedEvidence, VerifyRequest } from './kind.js';
import { NOT_BOUND } from './name.js';
import { cosignSimpleSigning } from './cosign-simple-signing.js';
import { messageSignature } from './message-signature.js';

export * from './kind.js';
export { describeName, NOT_BOUND, type NameBinding } from './name.js';

export const EVIDENCE_KINDS: ReadonlyArray<EvidenceKind<unknown>> = [
  messageSignature,
  cosignSimpleSigning,
  cosignSignedArtifact,
  ghcrBlobStatement,
  dsseAttestation,
];

export function evidenceKindOf(bundle: SigstoreBundle, payload?: Buffer): EvidenceKind<unknown> {
  const kind = EVIDENCE_KINDS.find((k) => k.recognizes(bundle, payload));
  if (!kind) throw verificationError('the bundle is no kind of evidence ghcr-blob verifies');
  return kind;
}

/** The file digests beyond sha256 this bundle may name the file by, to hash in the same read. */
export function digestsNeededBy(bundle: SigstoreBundle, payload?: Buffer): DigestAlgorithm[] {
  const kind = evidenceKindOf(bundle, payload);
  return (kind.digestsNeeded?.(kind.parse(bundle, payload)) ?? []).filter((alg) => alg !== 'sha256');
}

/** Parse, bind and verify a bundle with the kind its data calls for. */
export async function verifyEvidence(
  bundle: SigstoreBundle,
  req: VerifyRequest,
  run: Runner,
  payload?: Buffer,
): Promise<VerifiedEvidence> {
  const kind = evidenceKindOf(bundle, payload);
  const verified = await kind.verify(kind.parse(bundle, payload), req, run);
  if (req.check.requireName && !verified.name.bound) {
    throw verificationError(`the signature is ${NOT_BOUND} (--require-name)`, [
      `evidence: ${verified.evidence}, which names ${'repository' in verified.name ? `${verified.name.repository}, not checked` : 'no repository'}`,
      'ghcr-blob push --sign and sign REF sign a statement that names the repository; re-sign with a current ghcr-blob',
    ]);
  }
  return verified;
}

/** What a bundle says it is, unverified, read by the kind its data calls for. */
export function describeEvidence(bundle: SigstoreBundle, payload?: Buffer): EvidenceDescription {
  const kind = evidenceKindOf(bundle, payload);
  return kind.describe(kind.parse(bundle, payload));
}
