import { describe, expect, it } from 'vitest';
import {
  formatReference,
  parseReference,
  parseRepository,
  pinned,
  referenceOrMissingFile,
} from '../../../src/core/reference.js';
import { GhcrBlobError } from '../../../src/core/errors.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it.each([
    ['ghcr.io/octo/tools/report.json:v1', { host: 'ghcr.io', repository: 'octo/tools/report.json', tag: 'v1' }],
    ['localhost:5000/a/b:latest', { host: 'localhost:5000', repository: 'a/b', tag: 'latest' }],
    [`ghcr.io/octo/x@${D}`, { host: 'ghcr.io', repository: 'octo/x', digest: D }],
    [`ghcr.io/octo/x:v2@${D}`, { host: 'ghcr.io', repository: 'octo/x', tag: 'v2', digest: D }],
    ['127.0.0.1:5000/a__b/c-d:1.0_rc', { host: '127.0.0.1:5000', repository: 'a__b/c-d', tag: '1.0_rc' }],
  ])('accepts %s', (input, expected) => {
    expect(parseReference(input)).toEqual({ tag: undefined, digest: undefined, ...expected });
    expect(formatReference(parseReference(input))).toBe(input);
  });

  it.each([
    ['ghcr.io/Octo/tools:v1', /lower-case/],
    ['ghcr.io/octo/tools:-bad', /tag/],
    ['ghcr.io/octo/tools:v1!', /tag/],
    ['ghcr.io/octo/tools@sha256:abc', /64/],
    [`ghcr.io/octo/tools@sha256:${'A'.repeat(64)}`, /64/],
    ['ghcr.io/octo/tools', /needs a tag/],
    ['octo/tools:v1', /not a registry host/],
    ['tools:v1', /registry host/],
    ['ghcr.io/:v1', /repository/],
    ['ghcr.io/a//b:v1', /component/],
    ['ghcr.io/a/b.:v1', /component/],
  ])('refuses %s', (input, why) => {
    const err = (() => {
      try {
        parseReference(input);
      } catch (e) {
        return e;
      }
    })() as GhcrBlobError;
    expect(err).toBeInstanceOf(GhcrBlobError);
    expect(err.code).toBe('USAGE');
    expect(err.message).toMatch(why);
  });

  it('pins a tagged reference to a digest, dropping the tag', () => {
    expect(pinned(parseReference('ghcr.io/o/r:v1'), D)).toBe(`ghcr.io/o/r@${D}`);
  });
});

describe('references that must not reach oras', () => {
  it('user info is refused without repeating it', () => {
    expect(() => parseReference('alice:hunter2@ghcr.io/x/y:v1')).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.not.stringContaining('hunter2') }),
    );
  });
  it('a port out of range is a usage error', () => {
    expect(() => parseReference('localhost:99999/x:v1')).toThrow(/port 99999/);
    expect(parseReference('localhost:65535/x:v1').host).toBe('localhost:65535');
  });
});

describe('referenceOrMissingFile (sign/verify when no file of that name exists)', () => {
  const HINT = 'give a file or a reference';
  const refusal = (target: string) => {
    try {
      referenceOrMissingFile(target, HINT);
    } catch (e) {
      return e as GhcrBlobError;
    }
    throw new Error(`accepted ${target}`);
  };

  it('a reference is a reference', () => {
    expect(referenceOrMissingFile('ghcr.io/octo/tools/report.json:v1', HINT)).toMatchObject({ tag: 'v1' });
  });

  it.each(['nothere.bin', './nothere.bin', 'dir/nothere.bin'])('%s: "no such file", a usage error', (target) => {
    expect(refusal(target)).toMatchObject({
      code: 'USAGE',
      message: `${target}: no such file, and not a registry reference`,
      recommendation: HINT,
    });
  });

  it('user info before the host is never repeated (it may be a token), even when read as a missing file', () => {
    const e = refusal('alice:s3cret-token@ghcr.io/octo/tools:v1');
    expect(e.code).toBe('USAGE');
    expect(e.message).not.toContain('s3cret-token');
  });
});

describe('parseRepository (ls)', () => {
  it('takes host/path alone', () => {
    expect(parseRepository('ghcr.io/octo/tools/report.json')).toEqual({
      host: 'ghcr.io',
      repository: 'octo/tools/report.json',
    });
    expect(parseRepository('localhost:5000/a/b')).toEqual({ host: 'localhost:5000', repository: 'a/b' });
  });

  it.each([
    ['ghcr.io/octo/tools:v1', /has no tag/],
    [`ghcr.io/octo/tools@${D}`, /has no digest/],
    ['octo/tools', /not a registry host/],
    ['ghcr.io', /needs a registry host and a repository/],
    ['ghcr.io/Octo/tools', /lower-case/],
  ])('refuses %s', (input, why) => {
    expect(() => parseRepository(input)).toThrow(why);
  });

  it('refuses user info before the host without repeating it', () => {
    try {
      parseRepository('me:s3cret@ghcr.io/octo/tools');
      expect.unreachable();
    } catch (e) {
      expect((e as GhcrBlobError).code).toBe('USAGE');
      expect((e as GhcrBlobError).message).not.toContain('s3cret');
    }
  });
});
