/** The one "Verified:" line, for verify and pull --verify alike. */
import { describeName, type NameBinding } from '../../evidence/kinds/name.js';
import { describeSkipped, type SkippedSignature } from '../../evidence/skipped.js';

export interface VerifiedSummary {
  identity: string;
  issuer: string;
  verifiers: readonly string[];
  publicKey?: string;
  skippedSignatures?: readonly SkippedSignature[];
  /** Whether the evidence names the repository (absent: nothing to say, e.g. a result from before). */
  name?: NameBinding;
  /** Which accepted signer matched; a policy file's entry is named. */
  signer?: { policyFile?: string; entry?: string };
}

/** `; accepted as signers[1] of ./policy.yaml` for the line people read; nothing for the flags. */
const matchedSigner = (signer: VerifiedSummary['signer']): string =>
  signer?.policyFile ? `; accepted as ${signer.entry} of ${signer.policyFile}` : '';

export function describeVerified(v: VerifiedSummary): string {
  const who = v.publicKey ? `signed with the key ${v.publicKey}` : `signed by ${v.identity} (issuer ${v.issuer})`;
  const name = v.name ? `; ${describeName(v.name)}` : '';
  return `Verified: ${who}; checked by ${v.verifiers.join(' and ')}${name}${matchedSigner(v.signer)}${describeSkipped(v.skippedSignatures ?? [])}`;
}
