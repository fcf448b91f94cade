import { VerificationError } from '@sigstore/verify';
import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import type { CertificateClaims } from '../../../src/verify/certificate-claims.js';
import { printable } from '../../../src/core/printable.js';
import { identityFailure, sigstoreFailure } from '../../../src/verify/failure.js';

const claims: CertificateClaims = {
  san: 'https://github.com/octo/tools-evil/.github/workflows/release.yml@refs/heads/x\u001b[2K\rOK',
  issuer: 'https://token.actions.githubusercontent.com',
  fulcio: { sourceRepositoryUri: 'https://github.com/octo/tools-evil', sourceRepositoryRef: 'refs/heads/x' },
};

describe('failure messages', () => {
  it('escape control characters from certificates', () => {
    expect(printable('a\u001b[31mb\nc\u009b')).toBe('a\\u001b[31mb\\u000ac\\u009b');
    const err = sigstoreFailure(new VerificationError({ code: 'SIGNATURE_ERROR', message: 'x' }), claims);
    expect(err.details.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(err.details).toContain(
      '  certificate SAN: https://github.com/octo/tools-evil/.github/workflows/release.yml@refs/heads/x\\u001b[2K\\u000dOK',
    );
  });

  it('name the sigstore check that failed', () => {
    const err = sigstoreFailure(new VerificationError({ code: 'TLOG_BODY_ERROR', message: 'digest mismatch' }), claims);
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toBe(
      'signature rejected: the transparency log (Rekor) entry is for another signature or digest',
    );
    expect(err.details[0]).toBe('sigstore: digest mismatch');
    expect(sigstoreFailure(new Error('asn.1 parse'), claims).message).toBe(
      'signature rejected: the bundle could not be verified',
    );
  });

  it('pass our own errors through', () => {
    const ours = new GhcrBlobError('VERIFICATION_FAILED', 'unsupported key');
    expect(sigstoreFailure(ours, claims)).toBe(ours);
  });

  it('put expected and actual identity side by side', () => {
    const err = identityFailure([{ check: 'identity', expected: '"https://x"', actual: undefined }], claims);
    expect(err.message).toBe("signature rejected: the certificate's identity (SAN) does not match the policy");
    expect(err.details).toEqual([
      'expected identity: "https://x"',
      'actual identity:   (none)',
      'repository: https://github.com/octo/tools-evil',
      'ref: refs/heads/x',
    ]);
  });
});
