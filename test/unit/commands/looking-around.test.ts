// The pure halves of `ls` and `inspect` output: ls's columns line up and mark hidden tags; inspect's
// exit decision (0 when any signature passed or nothing was verified, 3 when none passed) and its
// human lines, which say UNVERIFIED beside every signer and time and escape what others wrote.
import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { type InspectResult, inspectLines, requirePassing } from '../../../src/commands/inspect-run.js';
import { lsLines } from '../../../src/commands/ls-run.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('lsLines', () => {
  it('one line a tag, columns aligned, hidden tags marked, unknowns as -', () => {
    const lines = lsLines({
      schemaVersion: 1,
      repository: 'r',
      order: '',
      hidden: 0,
      tags: [
        { tag: 'v10', created: '2026-01-01T00:00:00Z', digest: D },
        { tag: `sha256-${'b'.repeat(64)}.sig`, digest: D, hidden: 'cosign signature' },
        { tag: 'z', undated: 'x' },
      ],
    });
    expect(lines).toHaveLength(3);
    const timeColumn = lines[0]!.indexOf('2026');
    expect(lines[1]!.slice(timeColumn)).toMatch(/^- +sha256:/);
    expect(lines[1]!.indexOf('sha256:a')).toBe(lines[0]!.indexOf('sha256:a'));
    expect(lines[1]).toMatch(/\(cosign signature\)$/);
    expect(lines[2]).toMatch(/^z +- +-$/);
  });
});

const result = (over: Partial<InspectResult> = {}): InspectResult =>
  ({
    schemaVersion: 1,
    reference: 'r.test/o/a:v1',
    digest: D,
    pinnedReference: `r.test/o/a@${D}`,
    file: { name: 'a.txt', size: 1, digest: D, mediaType: 'text/plain' },
    signatures: [],
    notExamined: 0,
    ...over,
  }) as InspectResult;

const signature = (verification?: object) => ({
  source: 'referrer' as const,
  digest: D,
  layer: undefined,
  evidence: 'message-signature' as const,
  predicateType: undefined,
  subjects: [D],
  unverified: {
    identity: 'https://evil.test/\u001b[2Jx',
    issuer: 'https://issuer.test',
    keyHint: undefined,
    signedWithKey: false,
    integratedTime: '2026-01-01T00:00:00.000Z',
    signedTimestamps: [],
    rekorLogIndex: 1,
  },
  unusable: undefined,
  verification,
});

describe('requirePassing: the exit decision of inspect', () => {
  it('nothing verified (no --verify): 0', () => {
    expect(() => requirePassing(result({ signatures: [signature()] as never }))).not.toThrow();
  });
  it('at least one passed: 0', () => {
    expect(() => requirePassing(result({ verified: true, policy: 'p' } as never))).not.toThrow();
  });
  it('none passed: VERIFICATION_FAILED naming how many and the policy', () => {
    const r = result({ verified: false, policy: 'identity X', signatures: [signature(), signature()] } as never);
    expect(() => requirePassing(r)).toThrow(GhcrBlobError);
    expect(() => requirePassing(r)).toThrow(/none of the 2 signatures .* passes the policy \(identity X\)/);
    expect(() => requirePassing(result({ verified: false, policy: 'p' } as never))).toThrow(/no signature is attached/);
  });
});

describe('inspectLines', () => {
  it('marks signer and time UNVERIFIED, escapes what the certificate says, shows the verdict', () => {
    const text = inspectLines(
      result({
        verified: false,
        signatures: [signature({ status: 'failed', reason: 'identity differs', details: [] })],
      } as never),
    ).join('\n');
    expect(text).toMatch(/signer \(UNVERIFIED\) +https:\/\/evil\.test\//);
    expect(text).not.toContain('\u001b');
    expect(text).toMatch(/time \(UNVERIFIED\) +2026-01-01T00:00:00\.000Z \(Rekor integrated time\)/);
    expect(text).toContain('FAILED: identity differs');
  });
});
