import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { anchoringProblem, compileAnchoredRegexp, quoteMeta } from '../../../src/verify/anchored-regexp.js';

describe('anchoringProblem', () => {
  const anchored = [
    '^a$',
    '^https://github\\.com/octo/(?:tools|cli)/.+$',
    '^(a|b)$',
    '^[|]$',
    '^[]|]$',
    '^[^]|]$',
    '^[[:alpha:]|]+$',
    '^a\\\\$', // an escaped backslash, then a real $
    '^\\Q|\\E$',
  ];
  it.each(anchored)('accepts %s', (p) => expect(anchoringProblem(p)).toBeUndefined());

  const open: Array<[string, RegExp]> = [
    ['a$', /start with \^/],
    ['^a', /end with/],
    ['^a|b$', /top-level \|/],
    ['^a$|^b$', /top-level \|/],
    ['^(a)|(b)$', /top-level \|/],
    ['^a\\$', /end with/], // escaped $ is a literal dollar
    ['^a[$]', /end with/],
    ['^(a$)', /end with/],
    ['^a$b', /end with/],
    ['^\\Qa$', /end with/], // \Q runs to the end: the $ is literal
    ['^x\\Q(\\E|evil\\Q)\\E$', /top-level \|/], // the parentheses are literals, the | is not
  ];
  it.each(open)('refuses %s', (p, why) => expect(anchoringProblem(p)).toMatch(why));
});

describe('compileAnchoredRegexp', () => {
  it('matches the whole value only', () => {
    const re = compileAnchoredRegexp('--x', '^a.c$');
    expect(re.effective).toBe('^(?:^a.c$)$');
    expect(re.test('abc')).toBe(true);
    expect(re.test('abcd')).toBe(false);
    expect(re.test('xabc')).toBe(false);
    expect(re.test('a\nc')).toBe(false); // RE2: . does not match a newline
  });

  it('refuses with a USAGE error that says why', () => {
    try {
      compileAnchoredRegexp('--certificate-identity-regexp', 'octo/tools');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GhcrBlobError);
      expect((e as GhcrBlobError).code).toBe('USAGE');
      expect((e as GhcrBlobError).message).toContain('tools-evil');
      expect((e as GhcrBlobError).recommendation).toContain('^');
    }
  });

  it('refuses a pattern whose parenthesis would close the wrapping group', () => {
    expect(() => compileAnchoredRegexp('--x', '^a)|(b$')).toThrow(/top-level|valid RE2/);
  });

  it('uses RE2 syntax, not JavaScript syntax', () => {
    expect(() => compileAnchoredRegexp('--x', '^(?<=a)b$')).toThrow(/valid RE2/); // no lookbehind in RE2
    expect(compileAnchoredRegexp('--x', '^(?P<name>a)$').test('a')).toBe(true); // Go-style named group
  });
});

describe('quoteMeta', () => {
  it('makes every metacharacter literal', () => {
    const text = 'a.b+c*d?e(f)g|h[i]j{k}l^m$n\\o';
    const re = compileAnchoredRegexp('--x', `^${quoteMeta(text)}$`);
    expect(re.test(text)).toBe(true);
    expect(re.test(text.replace('.', 'X'))).toBe(false);
  });
});
