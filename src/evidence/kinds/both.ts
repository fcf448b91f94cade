/** Two independent verifiers must both accept; neither's word is enough when both were asked. */
import { GhcrBlobError } from '../../core/errors.js';
import { type CosignTool, verifyBlob } from '../../tools/cosign.js';
import type { Runner } from '../../tools/exec.js';
import type { SigstoreBundle } from '../../verify/index.js';
import type { VerificationCheck } from './kind.js';

/**
 * Runs the in-process verifier and, unless --engine sigstore, cosign side by side. When both
 * reject, the in-process reason is shown: it explains more.
 */
export async function bothVerifiers<T>(
  check: VerificationCheck,
  bundle: SigstoreBundle,
  inProcess: () => Promise<T>,
  byCosign: (cosign: CosignTool, started?: () => void) => Promise<void>,
): Promise<{ value: T; verifiers: string[] }> {
  const cosign = check.engine === 'sigstore' ? undefined : check.cosign;
  if (cosign) cosignCanRead(cosign, bundle);
  if (!cosign) return { value: await inProcess(), verifiers: ['sigstore-js'] };
  // cosign starts first: the in-process checks are CPU work on this thread that would otherwise
  // hold cosign's start back until they end. They begin once cosign runs (or has failed to start).
  let started = () => {};
  const cosignRunning = new Promise<void>((resolve) => (started = resolve));
  const theirs = byCosign(cosign, started);
  void theirs.then(started, started);
  const ours = cosignRunning.then(inProcess);
  const [a, b] = await Promise.allSettled([ours, theirs]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return { value: a.value, verifiers: ['sigstore-js', `cosign ${cosign.generation}`] };
}

/** Rekor v2 entries are kind version 0.0.2; cosign 2.5 predates them and fails without saying why. */
function cosignCanRead(cosign: CosignTool, bundle: SigstoreBundle): void {
  const v2 = bundle.verificationMaterial.tlogEntries.some((e) => e.kindVersion?.version === '0.0.2');
  if (cosign.generation === 2 && v2) {
    throw new GhcrBlobError(
      'VERIFICATION_FAILED',
      'cosign 2.5 cannot read Rekor v2 log entries, and this bundle has one: verify with cosign 3 (--cosign PATH or GHCR_BLOB_COSIGN), or with --engine sigstore (the in-process verifier alone)',
      { recommendation: 'install cosign 3, or pass --engine sigstore' },
    );
  }
}

/**
 * cosign's side of every kind: `verify-blob` over the digest we hashed (the file streamed, or the
 * manifest bytes fetched when resolving), so cosign never reads the blob. With no --trusted-root
 * it fetches the same public-good root through its own TUF client.
 */
export function cosignOverDigest(run: Runner, digest: string, bundlePath: string, check: VerificationCheck) {
  return (cosign: CosignTool, started?: () => void): Promise<void> =>
    verifyBlob(cosign, run, {
      ...(started ? { onSpawn: started } : {}),
      blob: { sha256: digest.slice('sha256:'.length) },
      bundlePath,
      trustedRootPath: check.trustedRootPath,
      policyFlags: check.policy.cosignFlags(),
      // Only after the in-process side demanded a verified timestamp (verify/verifier.ts).
      noTransparencyLog: check.trustedRoot.tlogs.length === 0,
      noCtLog: check.trustedRoot.ctlogs.length === 0,
    });
}
