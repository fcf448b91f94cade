/**
 * One verification of one bundle against one file: the bundle's data picks the evidence kind
 * (message signature, DSSE attestation, cosign-signed artifact; see kinds/), and each kind has
 * both verifiers (in-process and cosign) accept. Junk never gets here: bundles are parsed before.
 */
import { sha256File } from '../core/digest.js';
import type { Runner } from '../tools/exec.js';
import { readBundle, type SigstoreBundle } from '../verify/index.js';
import { type Target, type VerificationCheck, type VerifiedEvidence, verifyEvidence } from './kinds/index.js';

export type { Engine, VerificationCheck } from './kinds/index.js';

export interface VerifyFileRequest extends VerificationCheck {
  file: string;
  bundlePath: string;
  /** Already parsed, when the caller has it (pull --verify parses candidates first). */
  bundle?: SigstoreBundle;
  /** The file's sha256 (hex) when the caller already hashed it. */
  sha256?: string;
  /** The artifact the file came from (pull --verify / verify <ref>). */
  artifact?: Target['artifact'];
}

export type VerifiedFile = VerifiedEvidence;

export async function verifyFile(req: VerifyFileRequest, run: Runner): Promise<VerifiedFile> {
  const bundle = req.bundle ?? (await readBundle(req.bundlePath));
  const sha256 = req.sha256 ?? (await sha256File(req.file)).toString('hex');
  const target: Target = { file: req.file, sha256, ...(req.artifact ? { artifact: req.artifact } : {}) };
  return verifyEvidence(bundle, { target, bundlePath: req.bundlePath, check: req }, run);
}

/** The documented --json shape of a verification. */
export function verifiedJson(v: VerifiedFile) {
  return {
    verified: true,
    evidence: v.evidence,
    predicateType: v.predicateType,
    identity: v.identity,
    issuer: v.issuer,
    digest: `sha256:${v.sha256}`,
    chain: v.chain,
    rekorLogIndex: v.rekorLogIndex,
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
  };
}
