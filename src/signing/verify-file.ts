/**
 * Two independent verifiers must both accept: the in-process one (sigstore-js, exact policy
 * checks, streamed digest) and `cosign verify-blob`. The in-process one runs first: it gives the
 * better explanation when it rejects, and spares a cosign run on junk.
 */
import type { Engine } from '../options/policy.js';
import type { Runner } from '../tools/exec.js';
import { verifyBlob, type CosignTool } from '../tools/cosign.js';
import { readBundle, verifyBlobInProcess, type IdentityPolicy, type TrustedRoot, type VerifiedSignature, type SignatureBundle } from '../verify/index.js';

export interface VerifyFileRequest {
  file: string;
  bundlePath: string;
  /** Already parsed, when the caller has it (pull --verify parses candidates first). */
  bundle?: SignatureBundle;
  policy: IdentityPolicy;
  trustedRoot: TrustedRoot;
  trustedRootPath?: string;
  engine: Engine;
  /** Required unless engine is 'sigstore'. */
  cosign?: CosignTool;
}

export interface VerifiedFile extends VerifiedSignature {
  verifiers: string[];
}

export async function verifyFile(req: VerifyFileRequest, run: Runner): Promise<VerifiedFile> {
  const bundle = req.bundle ?? (await readBundle(req.bundlePath));
  const verified = await verifyBlobInProcess({ filePath: req.file, bundle, trustedRoot: req.trustedRoot, policy: req.policy });
  if (req.engine === 'sigstore') return { ...verified, verifiers: ['sigstore-js'] };
  // With no --trusted-root cosign fetches the same public-good root through its own TUF client.
  await verifyBlob(req.cosign!, run, { file: req.file, bundlePath: req.bundlePath, trustedRootPath: req.trustedRootPath, policyFlags: req.policy.cosignFlags() });
  return { ...verified, verifiers: ['sigstore-js', `cosign ${req.cosign!.generation}`] };
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
