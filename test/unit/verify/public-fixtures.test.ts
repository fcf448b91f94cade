// Real evidence from GitHub's own Sigstore instance (staging), taken from sigstore-go's examples
// (see fixtures/README.md): a DSSE attestation with no log entry and one RFC 3161 timestamp, and a
// trusted root with neither transparency nor CT logs — the shape of private-repository attestations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { isDsseBundle, parseBundle } from '../../../src/verify/bundle.js';
import { buildIdentityPolicy } from '../../../src/verify/policy.js';
import { parseTrustedRoot } from '../../../src/verify/trusted-root.js';
import { parseStatement } from '../../../src/verify/statement.js';
import { verifyAttestationInProcess } from '../../../src/verify/verifier.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const root = parseTrustedRoot(fixture('github-staging-trusted-root.json'), 'github staging root');
const bundleText = fixture('github-staging-bundle.json');
const SIGNER = { certificateIdentity: 'cody@soyland.com', certificateOidcIssuer: 'https://github.com/login/oauth' };

function refusal(fn: () => unknown): GhcrBlobError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GhcrBlobError);
    expect((e as GhcrBlobError).code).toBe('VERIFICATION_FAILED');
    return e as GhcrBlobError;
  }
  return expect.unreachable('refused');
}

const verify = (text: string, policy = SIGNER) => {
  const bundle = parseBundle(text);
  if (!isDsseBundle(bundle)) throw new Error('fixture is not DSSE');
  return verifyAttestationInProcess({ bundle, trustedRoot: root, policy: buildIdentityPolicy(policy) });
};

describe("GitHub's own Sigstore instance (public fixture)", () => {
  it('reads a trusted root without transparency logs or CT logs', () => {
    expect(root.tlogs).toEqual([]);
    expect(root.ctlogs).toEqual([]);
    expect(root.timestampAuthorities).toHaveLength(1);
  });

  it('reads the bundle: a DSSE envelope, v0.1 media type, no log entry, one RFC 3161 timestamp', () => {
    const bundle = parseBundle(bundleText);
    expect(bundle.content.$case).toBe('dsseEnvelope');
    expect(bundle.verificationMaterial.tlogEntries).toEqual([]);
    expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
  });

  it('its statement names its subject by sha512 only, which ghcr-blob binds by', () => {
    const bundle = parseBundle(bundleText);
    if (!isDsseBundle(bundle)) throw new Error('fixture is not DSSE');
    const { subjects, sha256Subjects } = parseStatement(bundle.content.dsseEnvelope);
    expect(sha256Subjects).toEqual([]);
    expect(subjects).toHaveLength(1);
    expect(Object.keys(subjects[0]?.digests ?? {})).toEqual(['sha512']);
  });

  // @sigstore/verify wants the CA chain to end in a self-signed root; this staging root lists two
  // intermediates only, so the full in-process verification of this fixture stops at the chain
  // ("Failed to verify certificate chain"), as asserted here so a library change gets noticed.
  it('the in-process chain check needs a self-signed root, which this staging root lacks', () => {
    expect(refusal(() => verify(bundleText)).details).toContain('sigstore: Failed to verify certificate chain');
  });

  it('refuses it without its timestamp: no log entry and no time', () => {
    const json = JSON.parse(bundleText);
    delete json.verificationMaterial.timestampVerificationData;
    expect(refusal(() => verify(JSON.stringify(json))).message).toMatch(/no verifiable signing time/);
  });
});
