/**
 * One verification of one bundle against one file: the bundle's data picks the evidence kind
 * (message signature, DSSE attestation, cosign-signed artifact; see kinds/), and each kind has
 * both verifiers (in-process and cosign) accept, for one of the accepted signers (any-signer.ts).
 * Junk never gets here: bundles are parsed before.
 */
import { type DigestAlgorithm, type FileDigests, fileDigests } from '../core/digest.js';
import { verificationError } from '../core/errors.js';
import type { Runner } from '../tools/exec.js';
import { type AcceptedSigner, readBundle, type SigstoreBundle } from '../verify/index.js';
import { firstAccepting } from './any-signer.js';
import {
  digestsNeededBy,
  type Target,
  type VerificationCheck,
  type VerifiedEvidence,
  verifyEvidence,
} from './kinds/index.js';

export type { Engine, VerificationCheck } from './kinds/index.js';
export { describeName } from './kinds/index.js';

/** What a command prepares: the trust and verifiers, and the signers any one of whom may sign. */
export interface PreparedCheck extends Omit<VerificationCheck, 'policy' | 'predicateType'> {
  signers: readonly AcceptedSigner[];
}

export interface VerifyFileRequest extends PreparedCheck {
  file: string;
  bundlePath: string;
  /** Already parsed, when the caller has it (pull --verify parses candidates first). */
  bundle?: SigstoreBundle;
  /** The file's sha256 (hex) when the caller already hashed it. */
  sha256?: string;
  /** The artifact the file came from (pull --verify / verify <ref>). */
  artifact?: Target['artifact'];
  /** The bytes the signature covers, when they travel beside the bundle (a `.sig` layer's payload). */
  payload?: Buffer;
  /** The repository a signed name must be (pull --verify, verify REF, verify FILE --repository). */
  repository?: string;
  /** The artifact's title ('' for none); undefined for a local file. */
  title?: string;
}

export interface VerifiedFile extends VerifiedEvidence {
  /** The accepted signer that matched, and its place in the list (0-based). */
  signer: AcceptedSigner;
  signerIndex: number;
}

export async function verifyFile(req: VerifyFileRequest, run: Runner): Promise<VerifiedFile> {
  const bundle = req.bundle ?? (await readBundle(req.bundlePath));
  const digests = await digestsOf(req, digestsNeededBy(bundle, req.payload));
  const target: Target = {
    file: req.file,
    ...digests,
    ...(req.artifact ? { artifact: req.artifact } : {}),
    ...(req.repository !== undefined ? { repository: req.repository } : {}),
    ...(req.title !== undefined ? { title: req.title } : {}),
  };
  return firstAccepting(req.signers, bundle, (signer) => {
    const check: VerificationCheck = { ...req, policy: signer.policy, predicateType: signer.predicateType };
    return verifyEvidence(bundle, { target, bundlePath: req.bundlePath, check }, run, req.payload);
  });
}

/**
 * The file's sha256 and whatever else the evidence names it by (sha512 for npm provenance), in one
 * read. A caller that hashed the file already (pull --verify) hashed sha256 only; a second read
 * for sha512 must find the same bytes.
 */
async function digestsOf(req: VerifyFileRequest, needed: DigestAlgorithm[]): Promise<FileDigests> {
  if (req.sha256 !== undefined && needed.length === 0) return { sha256: req.sha256 };
  const digests = await fileDigests(req.file, needed);
  // Why exact: the same file in our private folder must still be the bytes hashed before.
  if (req.sha256 !== undefined && digests.sha256 !== req.sha256) {
    throw verificationError('the file changed while it was verified', [
      `sha256 before: ${req.sha256}`,
      `sha256 now:    ${digests.sha256}`,
    ]);
  }
  return digests;
}

/** The documented --json shape of a verification. */
export function verifiedJson(v: VerifiedFile) {
  return {
    verified: true,
    evidence: v.evidence,
    predicateType: v.predicateType,
    identity: v.identity,
    issuer: v.issuer,
    signingKey: v.signingKey,
    digest: `sha256:${v.sha256}`,
    chain: v.chain,
    rekorLogIndex: v.rekorLogIndex,
    rekorEntryKind: v.rekorEntryKind,
    rekorEntryVersion: v.rekorEntryVersion,
    integratedTime: v.integratedTime?.toISOString(),
    signedTimestamps: v.signedTimestamps.map((t) => t.toISOString()),
    githubWorkflow: v.claims.buildSignerUri,
    repository: v.claims.sourceRepositoryUri,
    ref: v.claims.sourceRepositoryRef,
    commit: v.claims.sourceRepositoryDigest,
    runnerEnvironment: v.claims.runnerEnvironment,
    publicKey: v.publicKey,
    verifiers: v.verifiers,
    signer: {
      index: v.signerIndex + 1,
      policy: v.signer.policy.describe(),
      ...(v.signer.from
        ? {
            policyFile: v.signer.from.file,
            entry: v.signer.from.at,
            ...(v.signer.from.repositories !== undefined ? { repositories: v.signer.from.repositories } : {}),
          }
        : {}),
    },
    name: v.name,
  };
}
