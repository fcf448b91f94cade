import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { parseSignatureBundle } from '../../../src/verify/bundle.js';
import { buildIdentityPolicy } from '../../../src/verify/policy.js';
import { parseTrustedRoot } from '../../../src/verify/trusted-root.js';
import { verifyBlobInProcess } from '../../../src/verify/verifier.js';
import { workflowSan } from './support/github-claims.js';
import { startMockSigstore, type MockSigstore } from './support/mock-sigstore.js';
import { useSignedBlob } from './support/signed-blob.js';

// A genuine bundle checked against trust anchors that are not the ones that made it: each
// anchor (Fulcio CA, CT log, Rekor, TSA) must matter on its own.
const fx = useSignedBlob(1000);

async function rejection(root: Record<string, unknown>): Promise<GhcrBlobError> {
  const err = await verifyBlobInProcess({
    filePath: fx.blob,
    bundle: parseSignatureBundle(JSON.stringify(fx.good)),
    trustedRoot: parseTrustedRoot(JSON.stringify(root), 'test root'),
    policy: buildIdentityPolicy({ githubWorkflow: 'octo/tools/.github/workflows/release.yml' }),
  }).then(
    () => expect.unreachable('verification should have failed'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GhcrBlobError);
  expect((err as GhcrBlobError).code).toBe('VERIFICATION_FAILED');
  return err as GhcrBlobError;
}

describe('verifyBlobInProcess rejects the trust', () => {
  let other: MockSigstore;
  beforeAll(async () => {
    other = await startMockSigstore({ tsa: true });
  });
  afterAll(() => other?.close());

  it('of another Sigstore instance', async () => {
    const err = await rejection(other.trustedRoot);
    expect(err.message).toMatch(/^signature rejected: /);
    expect(err.details).toContain('the certificate claims (unverified):');
    expect(err.details).toContain(`  certificate SAN: ${workflowSan()}`);
  });

  const swap = (section: 'tlogs' | 'ctlogs' | 'certificateAuthorities' | 'timestampAuthorities') => {
    const root = structuredClone(fx.sigstore.trustedRoot) as Record<string, Array<Record<string, unknown>>>;
    root[section] = structuredClone(other.trustedRoot[section]) as Array<Record<string, unknown>>;
    return root;
  };
  it.each([
    ['Rekor key', 'tlogs', /Rekor\) signed entry timestamp/, /inclusion promise/],
    ['CT log key', 'ctlogs', /certificate/, /SCT verification failed/],
    ['Fulcio CA', 'certificateAuthorities', /certificate is not from a trusted Fulcio CA/, /certificate chain/],
    ['timestamp authority', 'timestampAuthorities', /signing time is not attested/, /timestamp/],
  ] as const)('when only the %s is foreign', async (_name, section, message, sigstoreSays) => {
    const err = await rejection(swap(section));
    expect(err.message).toMatch(message);
    expect(err.details[0]).toMatch(sigstoreSays);
  });
});
