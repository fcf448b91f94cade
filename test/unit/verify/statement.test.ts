import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { IN_TOTO_PAYLOAD_TYPE, parseStatement, STATEMENT_V01, STATEMENT_V1 } from '../../../src/verify/statement.js';

const HEX = 'ab'.repeat(32);
const envelope = (statement: unknown, payloadType = IN_TOTO_PAYLOAD_TYPE) => ({
  payloadType,
  payload: Buffer.from(typeof statement === 'string' ? statement : JSON.stringify(statement)),
});
const statement = (o: Record<string, unknown> = {}) => ({
  _type: STATEMENT_V1,
  subject: [{ name: 'report.json', digest: { sha256: HEX } }],
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: {},
  ...o,
});

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

describe('parseStatement', () => {
  it.each([STATEMENT_V01, STATEMENT_V1])('reads %s with its sha256 subjects', (type) => {
    expect(parseStatement(envelope(statement({ _type: type })))).toEqual({
      type,
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {},
      subjects: [{ name: 'report.json', digests: { sha256: HEX } }],
      sha256Subjects: [{ name: 'report.json', sha256: HEX }],
    });
  });

  it('reads subjects by sha512 only (npm provenance: pkg:npm/NAME@VER) and by several digests', () => {
    const sha512 = 'cd'.repeat(64);
    const s = statement({
      subject: [
        { name: 'pkg:npm/sigstore@2.1.0', digest: { sha512 } },
        { name: 'both', digest: { sha256: HEX, sha512, gitCommit: 'ef'.repeat(20) } },
        { name: 'git only', digest: { gitCommit: 'ef'.repeat(20) } },
      ],
    });
    expect(parseStatement(envelope(s)).subjects).toEqual([
      { name: 'pkg:npm/sigstore@2.1.0', digests: { sha512 } },
      { name: 'both', digests: { sha256: HEX, sha512 } },
    ]);
  });

  it('leaves out digests of the wrong length or case (a short sha512 names nothing)', () => {
    const s = statement({
      subject: [
        { name: 'short', digest: { sha512: 'cd'.repeat(63) } },
        { name: 'upper', digest: { sha384: 'CD'.repeat(48) } },
        { name: 'ok', digest: { sha384: 'cd'.repeat(48) } },
      ],
    });
    expect(parseStatement(envelope(s)).subjects).toEqual([{ name: 'ok', digests: { sha384: 'cd'.repeat(48) } }]);
  });

  it('keeps only well-formed sha256 subjects in sha256Subjects', () => {
    const s = statement({
      subject: [
        { name: 'a', digest: { sha512: 'cd'.repeat(64) } },
        { name: 'b', digest: { sha256: HEX.toUpperCase() } },
        { digest: { sha256: HEX } },
      ],
    });
    expect(parseStatement(envelope(s)).sha256Subjects).toEqual([{ sha256: HEX }]);
  });

  it.each<[string, ReturnType<typeof envelope>, RegExp]>([
    [
      'a payload type that is not in-toto',
      envelope(statement(), 'application/vnd.example+json'),
      /payload type is not in-toto/,
    ],
    ['a payload that is not JSON', envelope('{"_type":'), /not valid JSON/],
    ['an unknown statement type', envelope(statement({ _type: 'https://in-toto.io/Statement/v2' })), /_type/],
    ['no subject', envelope(statement({ subject: [] })), /at least one subject/],
    [
      'no sha256/sha384/sha512 subject',
      envelope(statement({ subject: [{ name: 'x', digest: { sha1: 'ab'.repeat(20) } }] })),
      /no subject by sha256, sha384 or sha512/,
    ],
    ['no predicate type', envelope(statement({ predicateType: '' })), /predicateType/],
  ])('refuses %s', (_name, env, message) => {
    expect(refusal(() => parseStatement(env)).message + refusal(() => parseStatement(env)).details.join('\n')).toMatch(
      message,
    );
  });

  it('shows the actual payload type, escaped', () => {
    const e = refusal(() => parseStatement(envelope(statement(), 'text/plain\n')));
    expect(e.details).toContain('actual payload type:   text/plain\\u000a');
  });
});
