/**
 * Any one of the accepted signers may have signed (a policy file names several): each is tried in
 * order, whole, with both verifiers given that signer's policy; the first that accepts wins. The
 * certificate's claims, read unverified, only pass over signers that cannot match (saving their
 * cosign runs); they never accept anything.
 */
import { isGhcrBlobError, verificationError } from '../core/errors.js';
import { printable } from '../core/printable.js';
import { bundleSigner } from '../verify/bundle-signer.js';
import type { AcceptedSigner, SigstoreBundle } from '../verify/index.js';

/** `signer 2 (signers[1] of ./policy.yaml)`, or the policy itself for the flags. */
export function signerName(s: AcceptedSigner, index: number): string {
  return s.from ? `signer ${index + 1} (${s.from.at} of ${s.from.file})` : s.policy.describe();
}

/** For "none matches the policy (…)": the one policy, or how many signers of which file. */
export function describeSigners(signers: readonly AcceptedSigner[]): string {
  const first = signers[0];
  if (signers.length === 1 || !first?.from) return signers.map((s) => s.policy.describe()).join('; or ');
  return `any of ${signers.length} signers of ${first.from.file}`;
}

export async function firstAccepting<T>(
  signers: readonly AcceptedSigner[],
  bundle: SigstoreBundle,
  verifyAs: (signer: AcceptedSigner) => Promise<T>,
): Promise<T & { signer: AcceptedSigner; signerIndex: number }> {
  const only = signers.length === 1 ? signers[0] : undefined;
  // One signer: its own refusal, exactly as the flags have always given it.
  if (only) return { ...(await verifyAs(only)), signer: only, signerIndex: 0 };
  const refusals: string[] = [];
  for (const [i, signer] of signers.entries()) {
    const cannot = cannotMatch(signer, bundle);
    if (cannot) {
      refusals.push(`${signerName(signer, i)}: ${cannot}`);
      continue;
    }
    try {
      return { ...(await verifyAs(signer)), signer, signerIndex: i };
    } catch (e) {
      // Only a refusal moves on to the next signer; a tool or network failure ends the search.
      if (!isGhcrBlobError(e) || e.code !== 'VERIFICATION_FAILED') throw e;
      refusals.push(`${signerName(signer, i)}: ${e.message}`, ...e.details.map((d) => `  ${d}`));
    }
  }
  throw verificationError(`signature rejected: none of the ${signers.length} accepted signers matches`, refusals);
}

/** Why `signer` cannot accept this bundle, from its unverified material; undefined: try it. */
function cannotMatch(signer: AcceptedSigner, bundle: SigstoreBundle): string | undefined {
  const keyed = bundle.verificationMaterial.content.$case === 'publicKey';
  const policy = signer.policy;
  if (policy.kind === 'key')
    return keyed ? undefined : 'a key signer, and the bundle is signed keyless (a certificate)';
  if (keyed) return 'an identity signer, and the bundle is signed with a key (no certificate)';
  const claims = bundleSigner(bundle);
  if (!claims) return undefined;
  const result = policy.matches(claims.san, claims.issuer, claims.fulcio);
  if (result.ok) return undefined;
  const m = result.mismatches[0];
  return `the certificate's ${m?.check} is ${printable(m?.actual ?? '(none)')}, not ${m?.expected}`;
}
