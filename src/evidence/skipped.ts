/** Signatures passed over as unusable, and how people read them: light (types only), for presenters. */
import type { SourceName } from './sources/index.js';

/** A signature that could not even be tried: gone (404), malformed, or over the size cap. */
export interface SkippedSignature {
  source: SourceName;
  digest: string;
  layer?: number;
  reason: string;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const shortDigest = (digest: string) => (digest.startsWith('sha256:') ? `${digest.slice(0, 19)}…` : digest);

export const label = (c: { source: SourceName; digest: string; layer?: number }) =>
  c.source === 'referrer' ? shortDigest(c.digest) : `${c.source} ${shortDigest(c.digest)} layer ${c.layer ?? 0}`;

/** ", after skipping 1 unusable signature (sha256:…: reason)": for the final line people read. */
export const describeSkipped = (skipped: readonly SkippedSignature[]): string =>
  skipped.length === 0
    ? ''
    : `, after skipping ${plural(skipped.length, 'unusable signature')} (${skipped.map((s) => `${label(s)}: ${s.reason}`).join('; ')})`;
