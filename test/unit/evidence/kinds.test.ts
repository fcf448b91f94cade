// Which evidence kind handles a bundle is decided by the bundle's data, and the subject chain is
// explicit: these are pure checks, no processes and no network.
import type { SerializedBundle } from '@sigstore/bundle';
import { beforeAll, describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { describeEvidence, evidenceKindOf } from '../../../src/evidence/kinds/index.js';
import { bindSubject } from '../../../src/evidence/kinds/subject.js';
import { parseBundle } from '../../../src/verify/bundle.js';
import { sha256Bytes } from '../../../src/core/digest.js';
import { FILE_PREDICATE_TYPE as FILE } from '../../../src/verify/file-statement.js';
import { GITHUB_ACTIONS_ISSUER } from '../../../src/verify/github-workflow.js';
import { githubClaims, workflowSan } from '../verify/support/github-claims.js';
import { startMockSigstore } from '../verify/support/mock-sigstore.js';

let signature: SerializedBundle;
beforeAll(async () => {
  const sigstore = await startMockSigstore();
  try {
    signature = await sigstore.sign(Buffer.from('blob'), githubClaims());
  } finally {
    await sigstore.close();
  }
});

/** The signature bundle with a DSSE envelope in place of its message signature (never verified here). */
function dsse(predicateType: string, payloadType = 'application/vnd.in-toto+json', predicate: unknown = {}) {
  const copy = structuredClone(signature) as any;
  delete copy.messageSignature;
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'x', digest: { sha256: 'ab'.repeat(32) } }],
    predicateType,
    predicate,
  };
  copy.dsseEnvelope = {
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    payloadType,
    signatures: [{ sig: 'AA==' }],
  };
  return parseBundle(JSON.stringify(copy));
}

describe('evidenceKindOf: chosen by the bundle', () => {
  it.each([
    ['a message signature', () => parseBundle(JSON.stringify(signature)), 'message-signature'],
    ['a SLSA provenance attestation', () => dsse('https://slsa.dev/provenance/v1'), 'dsse-attestation'],
    ['any other predicate', () => dsse('https://example.test/sbom/v1'), 'dsse-attestation'],
    ['cosign sign <ref>', () => dsse('https://sigstore.dev/cosign/sign/v1'), 'cosign-signed-artifact'],
    ["ghcr-blob's own statement (push --sign, sign REF)", () => dsse(FILE), 'ghcr-blob-statement'],
    // It lands with the attestations, whose parse() refuses it by its payload type.
    ['a DSSE envelope that is not in-toto', () => dsse('x', 'application/vnd.example+json'), 'dsse-attestation'],
  ])('%s → %s', (_name, bundle, kind) => {
    expect(evidenceKindOf(bundle()).name).toBe(kind);
  });

  it('subjectDigests: what each kind claims to be about', () => {
    const att = evidenceKindOf(dsse('https://slsa.dev/provenance/v1'));
    expect(att.subjectDigests(att.parse(dsse('https://slsa.dev/provenance/v1')))).toEqual([
      `sha256:${'ab'.repeat(32)}`,
    ]);
    const bad = dsse('x', 'application/vnd.example+json');
    expect(() => evidenceKindOf(bad).parse(bad)).toThrow(/payload type is not in-toto/);
  });
});

describe('describeEvidence: what a candidate says about itself, unverified', () => {
  it('a message signature: its signed digest and the signer its certificate names, with its times', () => {
    const d = describeEvidence(parseBundle(JSON.stringify(signature)));
    expect(d.evidence).toBe('message-signature');
    expect(d.predicateType).toBeUndefined();
    expect(d.subjects).toEqual([`sha256:${sha256Bytes(Buffer.from('blob')).toString('hex')}`]);
    expect(d.bundle.signer).toEqual({ certificate: true, identity: workflowSan(), issuer: GITHUB_ACTIONS_ISSUER });
    expect(d.bundle.integratedTime ?? d.bundle.signedTimestamps[0]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('an attestation: its predicate type and subjects', () => {
    const d = describeEvidence(dsse('https://slsa.dev/provenance/v1'));
    expect(d).toMatchObject({
      evidence: 'dsse-attestation',
      predicateType: 'https://slsa.dev/provenance/v1',
      subjects: [`sha256:${'ab'.repeat(32)}`],
    });
    expect(describeEvidence(dsse('https://sigstore.dev/cosign/sign/v1')).evidence).toBe('cosign-signed-artifact');
  });

  it('signed with a key: no certificate, only the hint (never an identity)', () => {
    const copy = structuredClone(signature) as any;
    delete copy.verificationMaterial.certificate;
    delete copy.verificationMaterial.x509CertificateChain;
    copy.verificationMaterial.publicKey = { hint: 'release-key' };
    const d = describeEvidence(parseBundle(JSON.stringify(copy)));
    expect(d.bundle.signer).toEqual({ certificate: false, keyHint: 'release-key' });
  });

  it('a statement that is not in-toto cannot be described: refused like parse()', () => {
    expect(() => describeEvidence(dsse('x', 'application/vnd.example+json'))).toThrow(/payload type is not in-toto/);
  });
});

describe("ghcr-blob's statement: the predicate names the repository and title", () => {
  it('parse reads the signed name (unverified until the envelope is)', () => {
    const b = dsse(FILE, undefined, { repository: 'ghcr.io/octo/tools/report.json', title: 'report.json' });
    const kind = evidenceKindOf(b);
    expect(kind.parse(b)).toMatchObject({
      signedName: { repository: 'ghcr.io/octo/tools/report.json', title: 'report.json' },
    });
  });

  it.each([
    ['no predicate', undefined],
    ['no repository', { title: 'report.json' }],
    ['an empty repository', { repository: '' }],
    ['a repository that is not a string', { repository: ['ghcr.io/octo/tools'] }],
  ])('refuses a predicate with %s (exit 3)', (_n, predicate) => {
    const b = dsse(FILE, undefined, predicate);
    expect(() => evidenceKindOf(b).parse(b)).toThrow(/predicate is not a https:\/\/ghcr-blob.dev\/file\/v1 predicate/);
  });
});

describe('bindSubject: statement subject → manifest → layer → file', () => {
  const file = 'cd'.repeat(32);
  const manifest = `sha256:${'ef'.repeat(32)}`;
  const artifact = { manifestDigest: manifest, layerDigest: `sha256:${file}` };

  it('a manifest subject gives the four links, each with who checked it', () => {
    const b = bindSubject([manifest], { file: '/f', sha256: file, artifact }, 'statement subject');
    expect(b.names).toBe('manifest');
    expect(b.chain.map((l) => [l.link, l.digest])).toEqual([
      ['statement subject', manifest],
      ['manifest', manifest],
      ['layer', `sha256:${file}`],
      ['file', `sha256:${file}`],
    ]);
  });

  it('a layer subject names the file directly', () => {
    const b = bindSubject([`sha256:${file}`], { file: '/f', sha256: file, artifact }, 'statement subject');
    expect(b.chain.map((l) => l.link)).toEqual(['statement subject', 'layer', 'file']);
  });

  it('a local file: only its own sha256 binds (a manifest digest means nothing there)', () => {
    expect(bindSubject([`sha256:${file}`], { file: '/f', sha256: file }, 'signed digest').names).toBe('file');
    expect(() => bindSubject([manifest], { file: '/f', sha256: file }, 'signed digest')).toThrow(
      /is not the file this bundle signs/,
    );
  });

  it('other bytes are refused with expected vs actual', () => {
    try {
      bindSubject([`sha256:${'00'.repeat(32)}`], { file: '/f', sha256: file, artifact }, 'statement subject');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GhcrBlobError);
      expect((e as GhcrBlobError).code).toBe('VERIFICATION_FAILED');
      expect((e as GhcrBlobError).details.join('\n')).toMatch(
        /expected: the manifest sha256:efef.* or the file sha256:cdcd/,
      );
    }
  });

  describe('subjects by sha512 / several digests (npm provenance)', () => {
    const sha512 = 'ab'.repeat(64);
    const target = { file: '/f', sha256: file, sha512 };

    it('a sha512-only subject binds the file, and the chain says the sha512 matched', () => {
      const b = bindSubject([{ sha512 }], target, 'statement subject');
      expect(b).toMatchObject({ names: 'file', digest: `sha512:${sha512}` });
      expect(b.chain.map((l) => [l.link, l.digest, l.checkedBy])).toEqual([
        ['statement subject', `sha512:${sha512}`, 'the verified signature'],
        ['file', `sha512:${sha512}`, 'ghcr-blob: sha512 of the file as read'],
        ['file', `sha256:${file}`, 'ghcr-blob: sha256 of the file as read'],
      ]);
      // Spelled as a string, as other kinds hand it over.
      expect(bindSubject([`sha512:${sha512}`], target, 'statement subject').names).toBe('file');
    });

    it('every digest a subject gives must match: the right sha256 with another sha512 names other bytes', () => {
      expect(() => bindSubject([{ sha256: file, sha512: 'ff'.repeat(64) }], target, 'statement subject')).toThrow(
        /the statement subject names other bytes/,
      );
      const both = bindSubject([{ sha256: file, sha512 }], target, 'statement subject');
      expect(both.digest).toBe(`sha512:${sha512}`);
      expect(both.chain.map((l) => l.digest.split(':')[0])).toEqual(['sha256', 'sha512', 'sha256', 'sha512']);
    });

    it('a digest the caller did not compute never matches (no sha512 hashed: no binding by it)', () => {
      expect(() => bindSubject([{ sha512 }], { file: '/f', sha256: file }, 'statement subject')).toThrow(
        /names other bytes/,
      );
      expect(() => bindSubject([{}], target, 'statement subject')).toThrow(/names other bytes/);
    });

    it('a near sha512 (one digit off, or a prefix) is refused, with both sides shown', () => {
      const near = `${sha512.slice(0, -1)}c`;
      try {
        bindSubject([{ sha512: near }, { sha512: sha512.slice(0, 64) }], target, 'statement subject');
        expect.unreachable();
      } catch (e) {
        const details = (e as GhcrBlobError).details.join('\n');
        expect(details).toContain(`expected: the file sha512:${sha512}`);
        expect(details).toContain(`actual statement subject: sha512:${near}`);
      }
    });

    it('a message signature over sha384 says its sha384 differs', () => {
      expect(() =>
        bindSubject([`sha384:${'00'.repeat(48)}`], { ...target, sha384: '11'.repeat(48) }, 'signed digest'),
      ).toThrow(/\/f is not the file this bundle signs: its sha384 differs/);
    });
  });

  it('a file that is not the layer breaks the chain', () => {
    const wrong = { ...artifact, layerDigest: `sha256:${'11'.repeat(32)}` };
    expect(() => bindSubject([manifest], { file: '/f', sha256: file, artifact: wrong }, 'statement subject')).toThrow(
      /not the layer the manifest names/,
    );
  });
});
