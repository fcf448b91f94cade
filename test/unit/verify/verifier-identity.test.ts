import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { parseSignatureBundle } from '../../../src/verify/bundle.js';
import { GITHUB_ACTIONS_ISSUER } from '../../../src/verify/github-workflow.js';
import { buildIdentityPolicy, type IdentityPolicyOptions } from '../../../src/verify/policy.js';
import { parseTrustedRoot } from '../../../src/verify/trusted-root.js';
import { verifyBlobInProcess } from '../../../src/verify/verifier.js';
import { githubClaims, workflowSan, type RunShape } from './support/github-claims.js';
import { startMockSigstore, type MockSigstore } from './support/mock-sigstore.js';

// Real certificates for real (mock-Fulcio) identities, checked against the policy after the
// sigstore checks pass: the certificate is genuine, only the signer is the wrong one.
let sigstore: MockSigstore;
let dir: string;
let blob: string;
const data = randomBytes(4096);

beforeAll(async () => {
  sigstore = await startMockSigstore();
  dir = await mkdtemp(join(tmpdir(), 'identity-test-'));
  blob = join(dir, 'blob.bin');
  await writeFile(blob, data);
});
afterAll(async () => {
  await sigstore?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function verifyAs(run: RunShape, opts: IdentityPolicyOptions) {
  const json = await sigstore.sign(data, githubClaims(run));
  return verifyBlobInProcess({
    filePath: blob,
    bundle: parseSignatureBundle(JSON.stringify(json)),
    trustedRoot: parseTrustedRoot(JSON.stringify(sigstore.trustedRoot), 'test root'),
    policy: buildIdentityPolicy(opts),
  });
}

const anyRef = { githubWorkflow: 'octo/tools/.github/workflows/release.yml' };
const pinned = { githubWorkflow: 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0' };
const exact = { certificateIdentity: workflowSan(), certificateOidcIssuer: GITHUB_ACTIONS_ISSUER };

type Row = [name: string, signer: RunShape, policy: IdentityPolicyOptions, failed: RegExp];
const rejected: Row[] = [
  ['evil sibling repository', { repo: 'octo/tools-evil' }, anyRef, /identity \(SAN\)/],
  ['other owner', { repo: 'evil/tools' }, anyRef, /identity \(SAN\)/],
  ['other workflow file', { file: 'other.yml' }, anyRef, /identity \(SAN\)/],
  ['workflow file suffix', { file: 'release.yml.evil' }, anyRef, /identity \(SAN\)/],
  ['other ref', { ref: 'refs/heads/main' }, pinned, /identity \(SAN\)/],
  ['ref with a suffix', { ref: 'refs/tags/v1.2.0-evil' }, pinned, /identity \(SAN\)/],
  ['ref with a suffix, exact flag', { ref: 'refs/tags/v1.2.0-evil' }, exact, /identity \(SAN\)/],
  ['SAN shorter than expected', { ref: 'refs/tags/v1.2.' }, exact, /identity \(SAN\)/],
  ['issuer with a suffix', { issuer: `${GITHUB_ACTIONS_ISSUER}.evil` }, anyRef, /OIDC issuer/],
  ['issuer of another provider', { issuer: 'https://accounts.google.com' }, exact, /OIDC issuer/],
  [
    'both wrong',
    { repo: 'octo/tools-evil', issuer: 'https://evil.example' },
    pinned,
    /identity \(SAN\) and OIDC issuer/,
  ],
];

describe('verifyBlobInProcess: identity policy on genuine certificates', () => {
  it.each(rejected)('rejects %s', async (_name, signer, policy, failed) => {
    const err = await verifyAs(signer, policy).then(
      () => expect.unreachable('should be rejected'),
      (e: unknown) => e as GhcrBlobError,
    );
    expect(err).toBeInstanceOf(GhcrBlobError);
    expect(err.code).toBe('VERIFICATION_FAILED');
    expect(err.message).toMatch(failed);
    // expected vs actual, plus what the certificate says about the run
    const san = workflowSan(signer);
    if (/SAN/.test(err.message)) expect(err.details).toContain(`actual identity:   ${san}`);
    expect(err.details).toContain(`workflow: ${san}`);
    expect(err.details).toContain(`repository: https://github.com/${signer.repo ?? 'octo/tools'}`);
    expect(err.details).toContain(`ref: ${signer.ref ?? 'refs/tags/v1.2.0'}`);
  });

  it.each([
    ['any ref of the workflow', anyRef],
    ['the pinned ref', pinned],
    ['the exact identity', exact],
    [
      'an anchored regexp',
      {
        certificateIdentityRegexp: '^https://github\\.com/octo/tools/.+$',
        certificateOidcIssuer: GITHUB_ACTIONS_ISSUER,
      },
    ],
  ])('accepts the right signer with %s', async (_name, policy) => {
    await expect(verifyAs({}, policy)).resolves.toMatchObject({ identity: workflowSan() });
  });

  it("does not rely on sigstore-js's SAN policy, which is an unanchored regexp", async () => {
    // Why this matters: handed the exact expected SAN, sigstore-js accepts a longer one.
    const evil = await sigstore.sign(data, githubClaims({ ref: 'refs/tags/v1.2.0-evil' }));
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)));
    const entity = toSignedEntity(bundleFromJSON(evil), data);
    expect(() => verifier.verify(entity, { subjectAlternativeName: workflowSan() })).not.toThrow();
    await expect(verifyAs({ ref: 'refs/tags/v1.2.0-evil' }, exact)).rejects.toThrow(/identity \(SAN\)/);
  });
});
