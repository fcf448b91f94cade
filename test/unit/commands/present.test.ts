// One presenter per command: what people read, what stdout carries, the --json document and the
// step outputs all come from the same result, so they cannot disagree.
import { describe, expect, it } from 'vitest';
import { presentDoctor } from '../../../src/commands/present/doctor.js';
import { asksForJson, errorDocument } from '../../../src/commands/present/error.js';
import { presentPull } from '../../../src/commands/present/pull.js';
import { presentPush } from '../../../src/commands/present/push.js';
import { presentSign } from '../../../src/commands/present/sign.js';
import { presentVerify } from '../../../src/commands/present/verify.js';
import { describeVerified } from '../../../src/commands/present/verified.js';
import type { PullResult } from '../../../src/commands/pull-run.js';
import type { VerifyResult } from '../../../src/commands/verify-run.js';
import { GhcrBlobError } from '../../../src/core/errors.js';

const D = `sha256:${'a'.repeat(64)}`;
const S = `sha256:${'b'.repeat(64)}`;
const REF = 'r.example/o/n:v1';
const PINNED = `r.example/o/n@${D}`;
const SAN = 'https://github.com/o/n/.github/workflows/release.yml@refs/tags/v1';
const ISS = 'https://token.actions.githubusercontent.com';

const verification = {
  verified: true,
  identity: SAN,
  issuer: ISS,
  verifiers: ['sigstore-js', 'cosign 3'],
  skippedSignatures: [],
} as unknown as NonNullable<PullResult['verification']>;

describe('the "Verified:" line', () => {
  it('is the same for verify and pull --verify: identity, issuer, both verifiers', () => {
    const line = `Verified: signed by ${SAN} (issuer ${ISS}); checked by sigstore-js and cosign 3`;
    expect(describeVerified(verification)).toBe(line);
    const pulled = presentPull({
      reference: REF,
      digest: D,
      pinnedReference: PINNED,
      file: { path: '/o/n' },
      verification,
    } as PullResult);
    expect(pulled.messages[0]).toBe(line);
    expect(presentVerify(verification as unknown as VerifyResult).messages).toEqual([line]);
  });

  it('names the key for a key signature, and the skipped signatures', () => {
    const line = describeVerified({
      ...verification,
      publicKey: S,
      skippedSignatures: [{ source: 'referrer', digest: D, reason: 'not JSON' }],
    });
    expect(line).toBe(
      `Verified: signed with the key ${S}; checked by sigstore-js and cosign 3, after skipping 1 unusable signature (sha256:aaaaaaaaaaaa…: not JSON)`,
    );
  });
});

describe('step outputs, stdout and --json from one result', () => {
  it('push: the pinned reference; with --sign the signer', () => {
    const p = presentPush({
      reference: REF,
      digest: D,
      pinnedReference: PINNED,
      mediaType: 'm',
      file: { name: 'n', size: 1, mediaType: 'x' },
      signature: { digest: S, bundleDigest: S, identity: SAN, issuer: ISS },
    });
    expect(p.lines).toEqual([PINNED]);
    expect(p.json).toMatchObject({ digest: D, signature: { digest: S } });
    expect(p.outputs).toEqual([
      ['digest', D],
      ['pinned-reference', PINNED],
      ['signature-digest', S],
      ['identity', SAN],
      ['issuer', ISS],
    ]);
    expect(p.messages).toEqual([`Pushed ${PINNED}`, `Signed as ${SAN}; signature ${S}`]);
  });

  it('pull: the path; with --verify the signer', () => {
    const p = presentPull({
      reference: REF,
      digest: D,
      pinnedReference: PINNED,
      file: { path: '/o/f' },
      verification,
    } as PullResult);
    expect(p.lines).toEqual(['/o/f']);
    expect(p.outputs).toEqual([
      ['digest', D],
      ['pinned-reference', PINNED],
      ['path', '/o/f'],
      ['identity', SAN],
      ['issuer', ISS],
    ]);
  });

  it('sign a file: the bundle path, and no `kind` in the JSON', () => {
    const p = presentSign({
      kind: 'file',
      bundlePath: '/b.json',
      sha256: 'aa',
      identity: SAN,
      issuer: ISS,
      rekorLogIndex: 1,
    });
    expect(p.lines).toEqual(['/b.json']);
    expect(p.json).not.toHaveProperty('kind');
    expect(p.outputs).toEqual([
      ['bundle-path', '/b.json'],
      ['identity', SAN],
      ['issuer', ISS],
    ]);
  });

  it('sign a reference: the signature digest', () => {
    const p = presentSign({
      kind: 'ref',
      reference: REF,
      digest: D,
      pinnedReference: PINNED,
      file: { name: 'n', digest: D },
      signature: { digest: S, bundleDigest: S, key: 'cosign.key' },
    });
    expect(p.lines).toEqual([S]);
    expect(p.json).not.toHaveProperty('kind');
    expect(p.messages).toEqual([`Signed ${PINNED} with the key cosign.key; signature ${S}`]);
    expect(p.outputs.map(([n]) => n)).toEqual(['digest', 'pinned-reference', 'signature-digest']);
  });

  it('verify a reference: the identity, and the pinned reference among the outputs', () => {
    const p = presentVerify({
      reference: REF,
      digest: D,
      pinnedReference: PINNED,
      file: {},
      verification,
    } as unknown as VerifyResult);
    expect(p.lines).toEqual([SAN]);
    expect(p.outputs.map(([n]) => n)).toEqual(['digest', 'pinned-reference', 'identity', 'issuer']);
  });

  it('doctor: a line per check and a fix under a failed one; ok only when all passed', () => {
    const p = presentDoctor([
      { name: 'node', ok: true, detail: 'Node 22' },
      { name: 'oras', ok: false, detail: 'not found', fix: 'install oras', code: 'TOOL_MISSING' },
    ]);
    expect(p.lines).toEqual(['✓ node: Node 22', '✗ oras: not found', '    fix: install oras']);
    expect(p.json).toMatchObject({ ok: false });
    expect(p.outputs).toEqual([]);
  });
});

describe('a failure under --json', () => {
  const failure = new GhcrBlobError('VERIFICATION_FAILED', 'no signature matches', {
    recommendation: 'check the policy',
    details: ['expected X, got Y'],
  });

  it('is the error with its exit code and hints; verify adds verified:false and the reasons', () => {
    expect(errorDocument(failure, 'pull')).toEqual({
      schemaVersion: 1,
      error: {
        code: 'VERIFICATION_FAILED',
        exitCode: 3,
        message: 'no signature matches',
        details: ['expected X, got Y'],
        hints: ['check the policy'],
      },
    });
    expect(errorDocument(failure, 'verify')).toMatchObject({
      schemaVersion: 1,
      verified: false,
      reasons: ['no signature matches', 'expected X, got Y'],
    });
    // Not a verification failure: verify says nothing about `verified`.
    expect(errorDocument(new GhcrBlobError('NOT_FOUND', 'gone'), 'verify')).not.toHaveProperty('verified');
  });

  it('is asked for by --json anywhere before `--`', () => {
    expect(asksForJson(['pull', 'r', '--json'])).toBe(true);
    expect(asksForJson(['pull', 'r', '--', '--json'])).toBe(false);
    expect(asksForJson(['pull', 'r'])).toBe(false);
  });
});
