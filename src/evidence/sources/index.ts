/** The signature sources, as data, in the order their candidates are tried. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { attTagSource, sigTagSource } from './cosign-tags.js';
import { referrerSource } from './referrers.js';
import type { SignatureSource, SourceContext, SourceResult } from './source.js';

export * from './source.js';

export const SIGNATURE_SOURCES: ReadonlyArray<SignatureSource> = [referrerSource, sigTagSource, attTagSource];

/**
 * Asks every source at once (each is a few registry round trips) and lists what they found in
 * source order: referrers first, then `.sig` layers, then `.att` layers.
 */
export async function findSignatures(ctx: SourceContext, signal?: AbortSignal): Promise<SourceResult> {
  const results = await Promise.all(
    SIGNATURE_SOURCES.map(async (source) => {
      const workDir = join(ctx.workDir, `signatures-${source.name}`);
      await mkdir(workDir, { mode: 0o700 });
      return source.find({ ...ctx, workDir }, signal);
    }),
  );
  return {
    found: results.flatMap((r) => r.found),
    notExamined: results.reduce((n, r) => n + r.notExamined, 0),
  };
}
