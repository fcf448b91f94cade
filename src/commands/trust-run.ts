/**
 * `trust fetch -o FILE`: the trusted root of a Sigstore instance, obtained through its TUF
 * repository (public-good by default), checked like any --trusted-root, and written next to FILE
 * then renamed over it (0644: it is public data). Run again to refresh it.
 */
import { createHash } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { checkRegularFile, moveIntoPlace, privateTempDir } from '../core/fs.js';
import { type TrustFetchOptions, trustFetchOptionsSchema } from '../options/trust-fetch.js';
import { parseOptions } from '../options/parse.js';
import type { Deps } from './deps.js';
import { showResult } from './output.js';
import { throughTuf, useTufCache } from './prepare.js';

export async function runTrustFetch(raw: unknown, deps: Deps): Promise<void> {
  const opts: TrustFetchOptions = parseOptions(trustFetchOptionsSchema, raw);
  const output = resolve(opts.output);
  const rootPath = opts.tufRoot === undefined ? undefined : await checkRegularFile(opts.tufRoot);
  const cache = await useTufCache(opts, deps, ['sigstore-js']);
  const { fetchTrustedRootThroughTuf, PUBLIC_GOOD_TUF_MIRROR } = await import('../verify/public-good-root.js');
  const { parseTrustedRoot } = await import('../verify/trusted-root.js');
  const mirror = (opts.tufMirror ?? PUBLIC_GOOD_TUF_MIRROR).replace(/\/+$/, '');
  deps.log.info(`Getting the trusted root through TUF from ${mirror}`);
  const text = await throughTuf(
    deps,
    () =>
      fetchTrustedRootThroughTuf({
        mirrorURL: mirror,
        ...(rootPath === undefined ? {} : { rootPath }),
        ...(cache.sigstoreJs === undefined ? {} : { cachePath: cache.sigstoreJs }),
      }),
    `getting the trusted root from ${mirror}`,
  );
  const root = parseTrustedRoot(text, `the trusted root from ${mirror}`);
  // Beside the target, so the rename stays on one filesystem; nothing lands before the checks passed.
  const work = await privateTempDir(dirname(output));
  try {
    const staged = resolve(work.path, basename(output));
    await writeFile(staged, text);
    await chmod(staged, 0o644); // whatever the umask: others read it too
    await moveIntoPlace(staged, output, true);
  } finally {
    await work.dispose();
  }
  const result = {
    path: output,
    mirror,
    sha256: createHash('sha256').update(text).digest('hex'),
    certificateAuthorities: root.certificateAuthorities.length,
    transparencyLogs: root.tlogs.length,
    timestampAuthorities: root.timestampAuthorities.length,
  };
  showResult(deps, result, [
    `Wrote ${output} (${result.certificateAuthorities} CA, ${result.transparencyLogs} log, ${result.timestampAuthorities} TSA) from ${mirror}`,
  ]);
}
