import { PolicyError, VerificationError } from '@sigstore/verify';
import { GhcrBlobError, isGhcrBlobError, verificationError } from '../core/errors.js';
import { printable } from '../core/printable.js';
import type { CertificateClaims } from './certificate-claims.js';
import type { PolicyMismatch } from './policy.js';

/** Turns a @sigstore/verify error code into the check a person can act on. */
const CHECKS: Record<string, string> = {
  CERTIFICATE_ERROR:
    'the signing certificate is not from a trusted Fulcio CA, was not valid at signing time, or lacks a trusted SCT',
  PUBLIC_KEY_ERROR: 'the signing key is not trusted',
  TIMESTAMP_ERROR: 'the signing time is not attested by a trusted transparency log or timestamp authority',
  TLOG_ERROR: 'the transparency log (Rekor) entry is missing',
  TLOG_BODY_ERROR: 'the transparency log (Rekor) entry is for another signature or digest',
  TLOG_INCLUSION_PROOF_ERROR: 'the transparency log (Rekor) inclusion proof does not check out',
  TLOG_INCLUSION_PROMISE_ERROR: 'the transparency log (Rekor) signed entry timestamp does not check out',
  TLOG_MISSING_INCLUSION_ERROR: 'the transparency log (Rekor) entry has neither inclusion proof nor promise',
};

/** A failure inside the sigstore Verifier, as VERIFICATION_FAILED naming the failed check. */
export function sigstoreFailure(e: unknown, claims: CertificateClaims, signed = "the file's sha256"): GhcrBlobError {
  if (isGhcrBlobError(e)) return e;
  const known = e instanceof VerificationError || e instanceof PolicyError;
  const checks: Record<string, string> = { ...CHECKS, SIGNATURE_ERROR: `the signature does not match ${signed}` };
  const check = (known ? checks[e.code] : undefined) ?? 'the bundle could not be verified';
  const reason = e instanceof Error ? e.message : String(e);
  return new GhcrBlobError('VERIFICATION_FAILED', `signature rejected: ${check}`, {
    cause: e,
    details: [
      `sigstore: ${reason}`,
      'the certificate claims (unverified):',
      ...claimLines(claims).map((l) => `  ${l}`),
    ],
  });
}

/** The certificate is genuine but names someone else: expected vs actual, side by side. */
export function identityFailure(mismatches: PolicyMismatch[], claims: CertificateClaims): GhcrBlobError {
  const label = (c: PolicyMismatch['check']) =>
    c === 'identity' ? 'identity (SAN)' : c === 'issuer' ? 'OIDC issuer' : c;
  const failed = mismatches.map((m) => label(m.check)).join(' and ');
  const lines = mismatches.flatMap((m) => [
    `expected ${m.check}: ${m.expected}`,
    `actual ${m.check}:   ${m.actual === undefined ? '(none)' : printable(m.actual)}`,
  ]);
  return verificationError(`signature rejected: the certificate's ${failed} does not match the policy`, [
    ...lines,
    ...claimLines(claims).filter((line) => !line.startsWith('certificate ')),
  ]);
}

/** SAN, issuer and the GitHub workflow/repository/ref the certificate names. */
export function claimLines(claims: CertificateClaims): string[] {
  const f = claims.fulcio;
  const rows: Array<[string, string | undefined]> = [
    ['certificate SAN', claims.san],
    ['certificate issuer', claims.issuer],
    ['workflow', f.buildSignerUri],
    ['repository', f.sourceRepositoryUri],
    ['ref', f.sourceRepositoryRef],
    ['commit', f.sourceRepositoryDigest],
    ['runner', f.runnerEnvironment],
    ['trigger', f.buildTrigger],
    ['run', f.runInvocationUri],
  ];
  return rows.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${printable(v as string)}`);
}
