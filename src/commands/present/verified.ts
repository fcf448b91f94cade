/** The one "Verified:" line, for verify and pull --verify alike. */
import { describeSkipped, type SkippedSignature } from '../../evidence/skipped.js';

export interface VerifiedSummary {
  identity: string;
  issuer: string;
  verifiers: readonly string[];
  publicKey?: string;
  skippedSignatures?: readonly SkippedSignature[];
}

export function describeVerified(v: VerifiedSummary): string {
  const who = v.publicKey ? `signed with the key ${v.publicKey}` : `signed by ${v.identity} (issuer ${v.issuer})`;
  return `Verified: ${who}; checked by ${v.verifiers.join(' and ')}${describeSkipped(v.skippedSignatures ?? [])}`;
}
