import { RE2JS } from 're2js';
import { usageError } from '../core/errors.js';

/**
 * Identity and issuer patterns use RE2 syntax (re2js) so they mean here what they mean to
 * cosign's Go `regexp`. cosign searches UNANCHORED: `https://github.com/octo/tools` also
 * accepts `https://github.com/octo/tools-evil/...`. So a pattern must be visibly anchored
 * `^…$`, and both verifiers get it wrapped as `^(?:…)$` as well, so that no RE2 subtlety
 * (alternation, `\Q…\E`, flags) can leave a side of it open.
 */
export interface AnchoredRegexp {
  /** The pattern as the user wrote it. */
  readonly source: string;
  /** `^(?:source)$`: what both verifiers use. */
  readonly effective: string;
  /** Whole-string match of `effective`. */
  test(value: string): boolean;
}

/** Go's regexp.QuoteMeta: the result matches `text` literally, in RE2 and in JS. */
export const quoteMeta = (text: string): string => text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

export function compileAnchoredRegexp(flag: string, source: string): AnchoredRegexp {
  const problem = anchoringProblem(source);
  if (problem !== undefined) {
    throw usageError(
      `${flag} ${JSON.stringify(source)} is not anchored: ${problem}. cosign matches a regexp ` +
        'anywhere in the value, so an unanchored pattern for .../octo/tools also accepts .../octo/tools-evil.',
      `Write it as ^...$ with dots escaped, e.g. ^https://github\\.com/octo/tools/\\.github/workflows/release\\.yml@refs/tags/.+$`,
    );
  }
  const effective = `^(?:${source})$`;
  let compiled: RE2JS;
  try {
    RE2JS.compile(source); // on its own first, so an unbalanced ')' cannot close our group
    compiled = RE2JS.compile(effective);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw usageError(
      `${flag} ${JSON.stringify(source)} is not a valid RE2 regular expression: ${reason}`,
      undefined,
      e,
    );
  }
  return { source, effective, test: (value) => compiled.matches(value) };
}

/**
 * Why a pattern is not anchored at both ends, or undefined. A small scanner over RE2 syntax:
 * it skips escapes, `\Q…\E` literals and character classes, tracks group depth, and wants
 * `^` first, an unescaped top-level `$` last, and no top-level `|` in between (`^a|b$` is
 * `(^a)|(b$)`: open on both sides). When unsure it refuses; the `^(?:…)$` wrap is the backstop.
 */
export function anchoringProblem(p: string): string | undefined {
  if (!p.startsWith('^')) return 'it must start with ^';
  let depth = 0;
  let endsWithDollar = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    endsWithDollar = false;
    if (c === '\\') {
      if (p[i + 1] === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        i = end === -1 ? p.length : end + 1;
      } else {
        i++;
      }
    } else if (c === '[') {
      i = endOfClass(p, i);
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|' && depth === 0) {
      return 'it has a top-level |, which splits it into separately anchored halves; group the alternatives: ^(?:a|b)$';
    } else if (c === '$') {
      endsWithDollar = depth === 0;
    }
  }
  return endsWithDollar ? undefined : 'it must end with an unescaped $';
}

/** Index of the `]` closing the class opened at `start` (RE2: a leading `]` is literal). */
function endOfClass(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '[' && p[i + 1] === ':') {
      const end = p.indexOf(':]', i + 2);
      if (end !== -1) i = end + 1;
    } else if (p[i] === ']') return i;
  }
  return p.length;
}
