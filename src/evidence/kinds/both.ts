/** Two independent verifiers must both accept; neither's word is enough when both were asked. */
import { GhcrBlobError } from '../../core/errors.js';
import { type CosignTool, verifyBlob } from '../../tools/cosign.js';
import type { Runner } from '../../tools/exec.js';
import {
  hasBareKeyRekorV2Entry,
  isRekorV2Entry,
  isSignatureBundle,
  messageDigestAlgorithm,
  type SigstoreBundle,
} from '../../verify/index.js';
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
  if (b.status === 'rejected') throw cosignCannotVerifyShape(bundle, b.reason) ?? b.reason;
  return { value: a.value, verifiers: ['sigstore-js', `cosign ${cosign.generation}`] };
}

/**
 * cosign 3.1 rebuilds a Rekor v2 entry with the certificate; an entry that records the bare public
 * key (what sigstore-js writes) then fails its inclusion proof, which reads like tampering. Only
 * when the in-process verifier accepted (it checked the proof against the log's checkpoint), the
 * entry has exactly that shape, and cosign failed exactly there, is the refusal explained so.
 */
function cosignCannotVerifyShape(bundle: SigstoreBundle, reason: unknown): GhcrBlobError | undefined {
  const said = reason instanceof Error ? reason.message : '';
  // cosign prints "verifying inclusion: calculated root:\n[…]\n does not match expected root"; we keep its first line.
  if (!/verifying inclusion: calculated root/.test(said) || !hasBareKeyRekorV2Entry(bundle)) return undefined;
  return new GhcrBlobError(
    'VERIFICATION_FAILED',
    "cosign cannot verify this bundle's entry shape: its Rekor v2 entry records the signer's bare public key (as sigstore-js writes it), and cosign rebuilds the entry with the certificate, so its inclusion proof cannot match. The in-process verifier checked the entry, its inclusion proof and the signature, and accepted them",
    {
      details: [`cosign said: ${said.replace(/^cosign rejected the signature: /, '')}`],
      recommendation: 'verify with --engine sigstore (the in-process verifier alone)',
    },
  );
}

/**
 * What cosign 2.5 cannot verify, said before it fails without saying why: Rekor v2 entries (hashedrekord
 * or dsse 0.0.2, newer than it) and signatures over a file's sha384/sha512 (what cosign 3 signs
 * with P-384/P-521 keys: cosign 2.5 answers "unexpected length of digest").
 */
function cosignCanRead(cosign: CosignTool, bundle: SigstoreBundle): void {
  if (cosign.generation !== 2) return;
  const v2 = bundle.verificationMaterial.tlogEntries.some(isRekorV2Entry);
  const alg = isSignatureBundle(bundle) ? messageDigestAlgorithm(bundle) : 'sha256';
  const what = v2
    ? 'cosign 2.5 cannot read Rekor v2 log entries, and this bundle has one'
    : alg !== 'sha256'
      ? `cosign 2.5 cannot verify a signature over a file's ${alg} (cosign 3 signs so with P-384 and P-521 keys), and this bundle has one`
      : undefined;
  if (what) {
    throw new GhcrBlobError(
      'VERIFICATION_FAILED',
      `${what}: verify with cosign 3 (--cosign PATH or GHCR_BLOB_COSIGN), or with --engine sigstore (the in-process verifier alone)`,
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
      blob: { digest },
      bundlePath,
      trustedRootPath: check.trustedRootPath,
      policyFlags: check.policy.cosignFlags(),
      // Only after the in-process side demanded a verified timestamp, or (a key policy with
      // --no-tlog-upload) demanded that there be no log entry at all (verify/verifier.ts).
      noTransparencyLog: check.trustedRoot.tlogs.length === 0 || (check.policy.kind === 'key' && !check.policy.tlog),
      noCtLog: check.trustedRoot.ctlogs.length === 0,
    });
}
