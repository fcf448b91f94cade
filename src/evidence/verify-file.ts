/**
 * Two independent verifiers must both accept: the in-process one (sigstore-js, exact policy
 * checks, streamed digest) and `cosign verify-blob`. They run side by side (each reads the file
 * once); when both reject, the in-process reason is shown, as it explains more. Junk never gets
 * here: bundles are parsed before.
 */
import type { Runner } from '../tools/exec.js';
import { verifyBlob, type CosignTool } from '../tools/cosign.js';
import {
  readBundle,
  verifyBlobInProcess,
  type IdentityPolicy,
  type TrustedRoot,
  type VerifiedSignature,
  type SignatureBundle,
} from '../verify/index.js';

/** both: cosign and the in-process verifier must accept; sigstore: the in-process one alone. */
export type Engine = 'both' | 'sigstore';

/** Who must have signed and what to trust, settled before anything is read or downloaded. */
export interface VerificationCheck {
  policy: IdentityPolicy;
  trustedRoot: TrustedRoot;
  /** The same root as a file, for cosign; undefined: public-good through cosign's own TUF. */
  trustedRootPath?: string;
  engine: Engine;
  /** Required unless engine is 'sigstore'. */
  cosign?: CosignTool;
}

export interface VerifyFileRequest extends VerificationCheck {
  file: string;
  bundlePath: string;
  /** Already parsed, when the caller has it (pull --verify parses candidates first). */
  bundle?: SignatureBundle;
}

export interface VerifiedFile extends VerifiedSignature {
  verifiers: string[];
}

export async function verifyFile(req: VerifyFileRequest, run: Runner): Promise<VerifiedFile> {
  const bundle = req.bundle ?? (await readBundle(req.bundlePath));
  const inProcess = verifyBlobInProcess({
    filePath: req.file,
    bundle,
    trustedRoot: req.trustedRoot,
    policy: req.policy,
  });
  if (req.engine === 'sigstore') return { ...(await inProcess), verifiers: ['sigstore-js'] };
  // With no --trusted-root cosign fetches the same public-good root through its own TUF client.
  const byCosign = verifyBlob(req.cosign!, run, {
    file: req.file,
    bundlePath: req.bundlePath,
    trustedRootPath: req.trustedRootPath,
    policyFlags: req.policy.cosignFlags(),
  });
  const [ours, theirs] = await Promise.allSettled([inProcess, byCosign]);
  if (ours.status === 'rejected') throw ours.reason;
  if (theirs.status === 'rejected') throw theirs.reason;
  return { ...ours.value, verifiers: ['sigstore-js', `cosign ${req.cosign!.generation}`] };
}

/** The documented --json shape of a verification. */
export function verifiedJson(v: VerifiedFile) {
  return {
    verified: true,
    identity: v.identity,
    issuer: v.issuer,
    digest: `sha256:${v.sha256}`,
    rekorLogIndex: v.rekorLogIndex,
    integratedTime: v.integratedTime?.toISOString(),
    signedTimestamps: v.signedTimestamps.map((t) => t.toISOString()),
    githubWorkflow: v.claims.buildSignerUri,
    repository: v.claims.sourceRepositoryUri,
    ref: v.claims.sourceRepositoryRef,
    commit: v.claims.sourceRepositoryDigest,
    verifiers: v.verifiers,
  };
}
