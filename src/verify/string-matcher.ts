import { compileAnchoredRegexp } from './anchored-regexp.js';

/**
 * One side of an identity policy (the certificate's SAN, or its OIDC issuer): an exact value
 * or an anchored RE2 pattern. Each matcher also knows how cosign spells it, so the in-process
 * verifier and `cosign verify-blob` are handed the very same rule.
 */
export interface StringMatcher {
  readonly kind: 'exact' | 'regexp';
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

export function regexpMatcher(base: string, source: string): StringMatcher {
  const re = compileAnchoredRegexp(`${base}-regexp`, source);
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
