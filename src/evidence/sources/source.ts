/**
 * Where signatures are found, as peers: bundle referrers (the referrers API or its
 * `sha256-<hex>` index), cosign's `.sig` tag, cosign's `.att` tag. Each source yields
 * candidates in its own order, every one fetched by digest and size-capped, at most
 * MAX_CANDIDATES per source; what a candidate is (a message signature, an attestation…) is
 * decided later by its data (see kinds/). Junk is recorded, never fatal: it is skipped when its
 * turn comes. Registry, auth and tool failures are fatal (they are not "no signature").
 */
import type { ResolvedBlob } from '../../artifact/download.js';
import { isGhcrBlobError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { Oras } from '../../tools/oras.js';
import type { SigstoreBundle } from '../../verify/index.js';

export type SourceName = 'referrer' | 'sig-tag' | 'att-tag';

/** A signature ready to verify: a bundle on disk (cosign reads it) and parsed (we do). */
export interface Candidate {
  source: SourceName;
  /** The manifest people can look up: the referrer, or the `.sig` / `.att` tag's manifest. */
  digest: string;
  /** For a tag's layer: its position in that manifest (0-based). */
  layer?: number;
  bundlePath: string;
  bundle: SigstoreBundle;
  /** A `.sig` layer: cosign's simple-signing payload, the bytes its signature covers. */
  simpleSigning?: Buffer;
}

/** A candidate that could not even be tried: gone, malformed, over a cap. */
export interface Unusable {
  source: SourceName;
  digest: string;
  layer?: number;
  skipped: string;
}

export type Found = Candidate | Unusable;

/** Where a candidate was found, as results and messages name it: its source, manifest and layer. */
export const foundAt = (c: Found): Pick<Found, 'source' | 'digest' | 'layer'> => ({
  source: c.source,
  digest: c.digest,
  ...(c.layer !== undefined ? { layer: c.layer } : {}),
});

export interface SourceContext {
  oras: Oras;
  blob: ResolvedBlob;
  /** A private folder of this source's own. */
  workDir: string;
  log: Logger;
}

export interface SourceResult {
  found: Found[];
  /** Listed beyond the cap, never examined. */
  notExamined: number;
}

export interface SignatureSource {
  readonly name: SourceName;
  find(ctx: SourceContext, signal?: AbortSignal): Promise<SourceResult>;
}

/** Junk (VERIFICATION_FAILED) and gone (NOT_FOUND) are this candidate's problem; the rest is fatal. */
export async function tryCandidate(where: Omit<Unusable, 'skipped'>, load: () => Promise<Candidate>): Promise<Found> {
  try {
    return await load();
  } catch (e) {
    if (!isGhcrBlobError(e) || (e.code !== 'VERIFICATION_FAILED' && e.code !== 'NOT_FOUND')) throw e;
    return { ...where, skipped: e.message };
  }
}
