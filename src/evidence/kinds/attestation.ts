/**
 * The shared half of DSSE evidence: the envelope is verified in-process and by `cosign
 * verify-blob` (cosign 2.5 and 3 check a DSSE bundle against the digest they are given by the
 * statement's subject digest), and a statement subject must name the target's bytes.
 */
import type { DigestAlgorithm } from '../../core/digest.js';
import { verificationError } from '../../core/errors.js';
import type { Runner } from '../../tools/exec.js';
import {
  bundleFacts,
  type DsseBundle,
  isDsseBundle,
  parseStatement,
  type SigstoreBundle,
  type Statement,
  verifyAttestationInProcess,
} from '../../verify/index.js';
import { bothVerifiers, cosignOverDigest } from './both.js';
import type { EvidenceDescription, EvidenceName, VerifiedEvidence, VerifyRequest } from './kind.js';
import { bindName, type SignedName, subjectRepository } from './name.js';
import { bindSubject } from './subject.js';

export interface Attestation {
  bundle: DsseBundle;
  /** Parsed from the envelope for choosing and binding; trusted only once the envelope verifies. */
  statement: Statement;
}

export function parseAttestation(bundle: SigstoreBundle): Attestation {
  if (!isDsseBundle(bundle)) throw verificationError('the bundle holds no DSSE envelope');
  return { bundle, statement: parseStatement(bundle.content.dsseEnvelope) };
}

/** The statement's predicate type, or undefined when the bundle is not an in-toto DSSE envelope. */
export function peekPredicateType(bundle: SigstoreBundle): string | undefined {
  try {
    return parseAttestation(bundle).statement.predicateType;
  } catch {
    return undefined;
  }
}

/** Every subject digest ghcr-blob can compute, `alg:hex` (a subject may give several). */
export const attestationSubjects = (a: Attestation): string[] =>
  a.statement.subjects.flatMap((s) => Object.entries(s.digests).map(([alg, hex]) => `${alg}:${hex}`));

/** The file digests beyond sha256 a subject names the file by (npm provenance: sha512 only). */
export const attestationDigestsNeeded = (a: Attestation): DigestAlgorithm[] => [
  ...new Set(a.statement.subjects.flatMap((s) => Object.keys(s.digests) as DigestAlgorithm[])),
];

export const describeAttestation = (name: EvidenceName, a: Attestation): EvidenceDescription => ({
  evidence: name,
  predicateType: a.statement.predicateType,
  subjects: attestationSubjects(a),
  bundle: bundleFacts(a.bundle),
});

/**
 * `signed`: the name the statement signs, when its predicate says (ghcr-blob's own); otherwise the
 * bound subject's name counts when it reads as a repository (see name.ts).
 */
export async function verifyAttestation(
  name: EvidenceName,
  a: Attestation,
  { target, bundlePath, check }: VerifyRequest,
  run: Runner,
  signed?: SignedName,
): Promise<VerifiedEvidence> {
  const bound = bindSubject(
    a.statement.subjects.map((s) => s.digests),
    target,
    'statement subject',
  );
  const { value, verifiers } = await bothVerifiers(
    check,
    a.bundle,
    async () => verifyAttestationInProcess({ bundle: a.bundle, trustedRoot: check.trustedRoot, policy: check.policy }),
    // cosign matches a statement subject against that digest (test/e2e/cosign-digest.test.ts).
    cosignOverDigest(run, bound.digest, bundlePath, check),
  );
  // The statement that was bound above is the one whose envelope just verified: its name is signed.
  const named = signed ?? subjectRepository(a.statement.subjects[bound.index]?.name);
  return {
    name: bindName(named, target),
    ...value.signer,
    evidence: name,
    predicateType: value.statement.predicateType,
    sha256: target.sha256,
    chain: bound.chain,
    verifiers,
  };
}
