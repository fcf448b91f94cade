// cosign's legacy `.sig` layer rebuilt into a v0.1 bundle: a layer made from a real signature (the
// mock Sigstore's certificate, Rekor entry and SET) verifies in-process over its payload; each evil
// layer is refused by name before any verifier runs, or by the verifier itself.
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdentityPolicy } from '../../../src/verify/policy.js';
import {
  CERTIFICATE_ANNOTATION,
  legacyLayerBundle,
  parseSimpleSigning,
  SET_ANNOTATION,
  SIGNATURE_ANNOTATION,
} from '../../../src/verify/cosign-legacy.js';
import { isSignatureBundle } from '../../../src/verify/bundle.js';
import { parseTrustedRoot } from '../../../src/verify/trusted-root.js';
import { verifyPayloadInProcess } from '../../../src/verify/verifier.js';
import { githubClaims, workflowSan } from './support/github-claims.js';
import { startMockSigstore, type MockSigstore } from './support/mock-sigstore.js';

const MANIFEST = `sha256:${'ab'.repeat(32)}`;
const payload = Buffer.from(
  JSON.stringify({
    critical: {
      identity: { 'docker-reference': 'ghcr.io/octo/file' },
      image: { 'docker-manifest-digest': MANIFEST },
      type: 'cosign container image signature',
    },
    optional: null,
  }),
);

let sigstore: MockSigstore;
let genuine: Record<string, string>;
let otherCertificate: string;

const pem = (der: string) =>
  `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

/** The annotations cosign writes on a `.sig` layer, from a bundle over the same bytes. */
function annotationsOf(b: SerializedBundle): Record<string, string> {
  const entry = b.verificationMaterial.tlogEntries[0]!;
  const set = {
    SignedEntryTimestamp: entry.inclusionPromise!.signedEntryTimestamp,
    Payload: {
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
    },
  };
  return {
    [SIGNATURE_ANNOTATION]: (b as { messageSignature: { signature: string } }).messageSignature.signature,
    [CERTIFICATE_ANNOTATION]: pem(b.verificationMaterial.certificate!.rawBytes),
    [SET_ANNOTATION]: JSON.stringify(set),
  };
}

beforeAll(async () => {
  sigstore = await startMockSigstore();
  genuine = annotationsOf(await sigstore.sign(payload, githubClaims()));
  otherCertificate = annotationsOf(await sigstore.sign(Buffer.from('other'), githubClaims()))[CERTIFICATE_ANNOTATION]!;
});
afterAll(async () => sigstore?.close());

const verify = (annotations: Record<string, string>, bytes = payload) => {
  const { bundle } = legacyLayerBundle({ simpleSigning: bytes }, annotations);
  if (!isSignatureBundle(bundle)) throw new Error('not a message signature');
  return verifyPayloadInProcess({
    bundle,
    payload: bytes,
    trustedRoot: parseTrustedRoot(JSON.stringify(sigstore.trustedRoot), 'root'),
    policy: buildIdentityPolicy({
      certificateIdentity: workflowSan(),
      certificateOidcIssuer: 'https://token.actions.githubusercontent.com',
    }),
  });
};

describe('legacyLayerBundle + verifyPayloadInProcess', () => {
  it('a genuine layer verifies over its payload, as a v0.1 bundle with the SET as inclusion promise', () => {
    const { json } = legacyLayerBundle({ simpleSigning: payload }, genuine);
    const rebuilt = JSON.parse(json);
    expect(rebuilt.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.1');
    expect(rebuilt.verificationMaterial.tlogEntries[0].kindVersion).toEqual({ kind: 'hashedrekord', version: '0.0.1' });
    expect(verify(genuine).identity).toBe(workflowSan());
  });

  it('refuses a bare key (no certificate) before any verifier: GHSA-fx35-mq7g-6g98', () => {
    const { [CERTIFICATE_ANNOTATION]: _, ...bare } = genuine;
    expect(() => legacyLayerBundle({ simpleSigning: payload }, bare)).toThrow(/bare key.*GHSA-fx35-mq7g-6g98/);
    expect(() => legacyLayerBundle({ simpleSigning: payload }, { ...bare, [CERTIFICATE_ANNOTATION]: ' ' })).toThrow(
      /bare key/,
    );
  });

  it('refuses a certificate the log entry is not about (evil: another valid certificate)', () => {
    expect(() =>
      legacyLayerBundle({ simpleSigning: payload }, { ...genuine, [CERTIFICATE_ANNOTATION]: otherCertificate }),
    ).toThrow(/not about its certificate/);
  });

  it('refuses a log entry naming a bare key while the layer shows a certificate', () => {
    const set = JSON.parse(genuine[SET_ANNOTATION]!);
    const body = JSON.parse(Buffer.from(set.Payload.body, 'base64').toString());
    body.spec.signature.publicKey.content = Buffer.from(
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
    ).toString('base64');
    set.Payload.body = Buffer.from(JSON.stringify(body)).toString('base64');
    expect(() =>
      legacyLayerBundle({ simpleSigning: payload }, { ...genuine, [SET_ANNOTATION]: JSON.stringify(set) }),
    ).toThrow(/names a bare key/);
  });

  it('refuses a layer without a SET, and a SET that is not JSON', () => {
    const { [SET_ANNOTATION]: _, ...noSet } = genuine;
    expect(() => legacyLayerBundle({ simpleSigning: payload }, noSet)).toThrow(/no Rekor signed entry timestamp/);
    expect(() => legacyLayerBundle({ simpleSigning: payload }, { ...genuine, [SET_ANNOTATION]: '{' })).toThrow(
      /not valid JSON/,
    );
  });

  it('the verifier refuses an edited payload (the signature and log entry are over other bytes)', () => {
    const edited = Buffer.from(payload.toString().replace(MANIFEST, `sha256:${'cd'.repeat(32)}`));
    expect(() => verify(genuine, edited)).toThrow();
  });

  it('the verifier refuses a SET moved to another entry (integrated time changed)', () => {
    const set = JSON.parse(genuine[SET_ANNOTATION]!);
    set.Payload.integratedTime += 1;
    expect(() => verify({ ...genuine, [SET_ANNOTATION]: JSON.stringify(set) })).toThrow(
      /signed entry timestamp|inclusion promise/i,
    );
  });
});

describe('parseSimpleSigning', () => {
  it('reads the manifest digest the payload names', () => {
    expect(parseSimpleSigning(payload).manifestDigest).toBe(MANIFEST);
  });

  it.each([
    ['a near type (evil suffix)', 'cosign container image signature '],
    ['a near type (evil prefix)', 'not a cosign container image signature'],
    ['another type', 'atomic container signature'],
  ])('refuses %s', (_, type) => {
    const p = JSON.parse(payload.toString());
    p.critical.type = type;
    expect(() => parseSimpleSigning(Buffer.from(JSON.stringify(p)))).toThrow(/not a cosign image signature/);
  });

  it('refuses a payload without the manifest digest', () => {
    expect(() => parseSimpleSigning(Buffer.from('{"critical":{"type":"cosign container image signature"}}'))).toThrow(
      /critical/,
    );
  });
});
