import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { parseBundle, parseSignatureBundle, readBundle } from '../../../src/verify/bundle.js';
import { githubClaims } from './support/github-claims.js';
import { startMockSigstore } from './support/mock-sigstore.js';

let v03: SerializedBundle;
let v02: SerializedBundle;
let dir: string;

beforeAll(async () => {
  const sigstore = await startMockSigstore();
  try {
    v03 = await sigstore.sign(Buffer.from('blob'), githubClaims());
    v02 = await sigstore.sign(Buffer.from('blob'), githubClaims(), { format: 'v0.2' });
  } finally {
    await sigstore.close();
  }
  dir = await mkdtemp(join(tmpdir(), 'bundle-test-'));
});
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

/** A deep copy of the v0.3 bundle, changed by `edit`, as JSON text. */
function edited(edit: (b: any) => void): string {
  const copy = structuredClone(v03);
  edit(copy);
  return JSON.stringify(copy);
}

function failure(text: string): GhcrBlobError {
  try {
    parseBundle(text, 'bundle x.sigstore.json');
  } catch (e) {
    expect(e).toBeInstanceOf(GhcrBlobError);
    expect((e as GhcrBlobError).code).toBe('VERIFICATION_FAILED');
    return e as GhcrBlobError;
  }
  return expect.unreachable('the bundle should be refused');
}

describe('parseBundle', () => {
  it('accepts what cosign (v0.3) and sigstore-js (v0.2) write', () => {
    expect(parseSignatureBundle(JSON.stringify(v03)).content.messageSignature.messageDigest.digest).toHaveLength(32);
    expect(parseBundle(JSON.stringify(v02)).verificationMaterial.content.$case).toBe('x509CertificateChain');
  });

  const refused: Array<[string, () => string, RegExp]> = [
    ['truncated JSON', () => JSON.stringify(v03).slice(0, 200), /x\.sigstore\.json is not valid JSON \(truncated\?\)/],
    ['empty file', () => '', /not valid JSON/],
    ['JSON that is not an object', () => '[]', /not a Sigstore bundle/],
    [
      'both a message signature and a DSSE envelope',
      () =>
        edited((b) => {
          b.dsseEnvelope = {
            payload: 'e30=',
            payloadType: 'application/vnd.in-toto+json',
            signatures: [{ sig: 'AA==', keyid: '' }],
          };
        }),
      /exactly one of messageSignature .* or dsseEnvelope/,
    ],
    [
      'a DSSE envelope with two signatures',
      () =>
        edited((b) => {
          delete b.messageSignature;
          b.dsseEnvelope = {
            payload: 'e30=',
            payloadType: 'application/vnd.in-toto+json',
            signatures: [{ sig: 'AA==' }, { sig: 'AA==' }],
          };
        }),
      /exactly one signature/,
    ],
    [
      'an unknown media type',
      () => edited((b) => (b.mediaType = 'application/vnd.dev.sigstore.bundle.v0.4+json')),
      /mediaType/,
    ],
    ['neither message signature nor envelope', () => edited((b) => delete b.messageSignature), /messageSignature/],
    [
      'a sha384 algorithm over a 32-byte digest',
      () => edited((b) => (b.messageSignature.messageDigest.algorithm = 'SHA2_384')),
      /messageSignature\.messageDigest\.digest: digest length does not match its algorithm/,
    ],
    [
      'a SHA3 digest',
      () => edited((b) => (b.messageSignature.messageDigest.algorithm = 'SHA3_256')),
      /messageSignature\.messageDigest\.algorithm: must be SHA2_256, SHA2_384 or SHA2_512/,
    ],
    [
      'a short digest',
      () => edited((b) => (b.messageSignature.messageDigest.digest = Buffer.alloc(31).toString('base64'))),
      /digest length does not match its algorithm/,
    ],
    [
      'a digest that is not base64',
      () => edited((b) => (b.messageSignature.messageDigest.digest = 'not base64!')),
      /must be base64/,
    ],
    [
      'a public key instead of a certificate',
      () =>
        edited((b) => {
          delete b.verificationMaterial.certificate;
          b.verificationMaterial.publicKey = { hint: 'abc' };
        }),
      /exactly one signing certificate/,
    ],
    [
      'a log index that is not a number',
      () => edited((b) => (b.verificationMaterial.tlogEntries[0].logIndex = '-1')),
      /logIndex/,
    ],
    [
      'v0.3 without inclusion proof',
      () => edited((b) => delete b.verificationMaterial.tlogEntries[0].inclusionProof),
      /not a valid Sigstore bundle: .*inclusionProof/,
    ],
  ];
  it.each(refused)('refuses %s', (_name, text, message) => {
    expect(failure(text()).message).toMatch(message);
  });

  // Whether a bundle without a log entry is acceptable depends on the trusted root (verifier.ts).
  it('reads a bundle without a log entry (timestamps only) and one whose entry has no integratedTime (Rekor v2)', () => {
    expect(
      parseBundle(edited((b) => (b.verificationMaterial.tlogEntries = []))).verificationMaterial.tlogEntries,
    ).toEqual([]);
    const v2 = parseBundle(edited((b) => delete b.verificationMaterial.tlogEntries[0].integratedTime));
    expect(v2.verificationMaterial.tlogEntries).toHaveLength(1);
  });

  // Protobuf JSON spells an unset field as null; the npm registry serves v0.1 bundles so.
  it('reads null fields as absent (timestampVerificationData: null, as the npm registry serves)', () => {
    const b = parseBundle(
      edited((b) => {
        b.verificationMaterial.timestampVerificationData = null;
        b.dsseEnvelope = null;
      }),
    );
    expect(b.verificationMaterial.timestampVerificationData).toBeUndefined();
    expect(b.content.$case).toBe('messageSignature');
  });

  it('still refuses a bundle whose required field is null (null is absent, not a value)', () => {
    expect(failure(edited((b) => (b.messageSignature = null))).message).toMatch(/exactly one of messageSignature/);
    expect(failure(edited((b) => (b.verificationMaterial.certificate = null))).message).toMatch(
      /exactly one signing certificate/,
    );
  });

  it("names cosign 2's legacy blob bundle ({base64Signature, cert, rekorBundle}) and what to do", () => {
    const legacy = JSON.stringify({
      base64Signature: 'MEUCIQ==',
      cert: 'LS0tLS1CRUdJTg==',
      rekorBundle: {
        SignedEntryTimestamp: 'MEU=',
        Payload: { body: 'e30=', integratedTime: 1, logIndex: 1, logID: 'ab' },
      },
    });
    const e = failure(legacy);
    expect(e.message).toMatch(/is a cosign 2 legacy blob bundle \(\{base64Signature, cert, rekorBundle\}/);
    expect(e.recommendation).toMatch(/--new-bundle-format/);
    expect(e.recommendation).toMatch(/cosign bundle create --bundle OLD --artifact FILE --out NEW/);
    // A real bundle that happens to carry such a field is not mistaken for one.
    expect(() => parseBundle(edited((b) => (b.base64Signature = 'x')))).not.toThrow();
  });

  it('parseSignatureBundle refuses a DSSE attestation by name', () => {
    const dsse = edited((b) => {
      delete b.messageSignature;
      b.dsseEnvelope = { payload: 'e30=', payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'AA==' }] };
    });
    expect(parseBundle(dsse).content.$case).toBe('dsseEnvelope');
    expect(() => parseSignatureBundle(dsse)).toThrow(/DSSE envelope \(an attestation\), not a signature over a file/);
  });
});

describe('readBundle', () => {
  it('reads a bundle file', async () => {
    const file = join(dir, 'ok.sigstore.json');
    await writeFile(file, JSON.stringify(v03));
    await expect(readBundle(file)).resolves.toMatchObject({ mediaType: v03.mediaType });
  });

  it('calls a missing file a USAGE error, naming it', async () => {
    await expect(readBundle(join(dir, 'absent.json'))).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cannot read bundle .*absent\.json: no such file/),
    });
  });

  it('refuses a huge file without reading it (the blob given in its place?)', async () => {
    const file = join(dir, 'huge');
    await writeFile(file, '');
    await truncate(file, 17 * 1024 * 1024);
    await expect(readBundle(file)).rejects.toMatchObject({
      code: 'USAGE',
      recommendation: expect.stringMatching(/order of the arguments/),
    });
  });

  it('refuses a directory', async () => {
    await expect(readBundle(dir)).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/not a regular file/),
    });
  });

  it('calls a corrupt file VERIFICATION_FAILED', async () => {
    const file = join(dir, 'corrupt.json');
    await writeFile(file, '{"mediaType": ');
    await expect(readBundle(file)).rejects.toMatchObject({
      code: 'VERIFICATION_FAILED',
      message: expect.stringContaining(file),
    });
  });
});
