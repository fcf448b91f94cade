import { usageError } from '../core/errors.js';
import { compileAnchoredRegexp } from './anchored-regexp.js';

/**
 * One side of an identity policy (the certificate's SAN, or its OIDC issuer): an exact value
 * or an anchored RE2 pattern. Each matcher also knows how cosign spells it, so the in-process
 * verifier and `cosign verify-blob` are handed the very same rule.
 */
export interface StringMatcher {
  readonly kind: 'exact' | 'regexp' | 'one-of';
  /** The exact value, or the anchored pattern both verifiers use. */
  readonly expected: string;
  test(actual: string | undefined): boolean;
  /** For messages: `"X"` or `matching ^…$`. */
  describe(): string;
  /** cosign's flag pair, e.g. ['--certificate-identity', X] or ['--certificate-identity-regexp', '^…$']. */
  cosignFlags(): [string, string];
}

/** `base` is the cosign flag for the exact form; the regexp form adds `-regexp`, as cosign does. */
export function exactMatcher(base: string, value: string): StringMatcher {
  return {
    kind: 'exact',
    expected: value,
    // Why exact: a prefix, suffix or case-folded match would accept another repo's workflow.
    test: (actual) => actual !== undefined && actual === value,
    describe: () => JSON.stringify(value),
    cosignFlags: () => [base, value],
  };
}

/**
 * Values no policy may accept all at once: a pattern that matches every one of them (`^.*$`,
 * `^.+$`, `^\\S+$`, …) accepts any signer, which is no policy at all.
 */
const UNRELATED = [
  'x',
  'https://attacker.invalid/evil/evil/.github/workflows/evil.yml@refs/heads/evil',
  'someone@attacker.invalid',
];

export function regexpMatcher(base: string, source: string): StringMatcher {
  const re = compileAnchoredRegexp(`${base}-regexp`, source);
  if (UNRELATED.every((v) => re.test(v))) {
    throw usageError(
      `${base}-regexp ${JSON.stringify(source)} accepts any value, so it checks nothing; refusing it as unsafe`,
      `Name what you trust, e.g. ${base}-regexp '^https://github\\.com/octo/tools/\\.github/workflows/release\\.yml@refs/tags/v.+$'`,
    );
  }
  return {
    kind: 'regexp',
    expected: re.effective,
    // Why whole-string: cosign's regexps are searches; only ^(?:…)$ keeps `…-evil` out.
    test: (actual) => actual !== undefined && re.test(actual),
    // Show the pattern as given; the ^(?:…)$ wrapping is ours and would only confuse.
    describe: () => `matching ${re.source}`,
    cosignFlags: () => [`${base}-regexp`, re.effective],
  };
}

/**
 * One of a few fixed values, for Fulcio claims only (never handed to cosign, which is given the
 * identity and issuer): e.g. each CI provider's value for its own hosted runners.
 */
export function oneOfMatcher(values: readonly string[]): StringMatcher {
  return {
    kind: 'one-of',
    expected: values.join(' | '),
    // Why exact: `self-hosted`, or a value that merely contains a hosted one, must not pass.
    test: (actual) => actual !== undefined && values.includes(actual),
    describe: () => `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
    cosignFlags: () => {
      throw new Error('a claim check has no cosign flag');
    },
  };
}
