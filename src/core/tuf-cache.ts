/**
 * Where Sigstore's TUF metadata is cached. Two clients keep their own copy of the public-good
 * repository: the in-process verifier (@sigstore/tuf: $XDG_DATA_HOME/sigstore-js, else
 * ~/.local/share/sigstore-js) and cosign ($TUF_ROOT, else ~/.sigstore/root). --tuf-cache DIR (or
 * GHCR_BLOB_TUF_CACHE) puts both under one folder: DIR/sigstore-js and DIR/cosign. Without it the
 * defaults stay; a read-only HOME then gets a clear error before any client trips over it.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { usageError } from './errors.js';

export const TUF_CACHE_ENV = 'GHCR_BLOB_TUF_CACHE';

/** Which client's cache a step needs. */
export type TufClient = 'sigstore-js' | 'cosign';

export interface TufCache {
  /** For @sigstore/tuf's `cachePath`; undefined: its own default (named in `paths`). */
  sigstoreJs?: string;
  /** For cosign's TUF_ROOT; undefined: whatever the environment already says. */
  cosign?: string;
  /** The folder each client will write, for checks and messages. */
  paths: Readonly<Record<TufClient, string>>;
  /** Where the choice came from, for messages. */
  from: '--tuf-cache' | typeof TUF_CACHE_ENV | 'default';
}

/** Pure: option, then GHCR_BLOB_TUF_CACHE, then each client's own default. */
export function resolveTufCache(option: string | undefined, env: NodeJS.ProcessEnv, home = homedir()): TufCache {
  const chosen = option ?? (env[TUF_CACHE_ENV] || undefined);
  if (chosen !== undefined) {
    const dir = resolve(chosen);
    const paths = { 'sigstore-js': join(dir, 'sigstore-js'), cosign: join(dir, 'cosign') };
    return {
      sigstoreJs: paths['sigstore-js'],
      cosign: paths.cosign,
      paths,
      from: option !== undefined ? '--tuf-cache' : TUF_CACHE_ENV,
    };
  }
  const data = env.XDG_DATA_HOME || join(home, '.local', 'share');
  return {
    paths: { 'sigstore-js': join(data, 'sigstore-js'), cosign: env.TUF_ROOT || join(home, '.sigstore', 'root') },
    from: 'default',
  };
}

/**
 * Can `dir` be written, or created? Checked on the nearest folder that exists, without creating
 * anything: a path under a file, a read-only filesystem or a folder without write permission fail.
 */
export async function writableFolder(dir: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  let path = resolve(dir);
  for (;;) {
    const info = await stat(path).catch((e: NodeJS.ErrnoException) => e);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) return { ok: false, reason: `${path} is not a folder` };
      try {
        await access(path, constants.W_OK | constants.X_OK);
        return { ok: true };
      } catch (e) {
        return { ok: false, reason: `${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
      }
    }
    // ENOTDIR: something on the way is a file; walking up finds it and says so.
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR')
      return { ok: false, reason: `${path}: ${info.code ?? info.message}` };
    const parent = dirname(path);
    if (parent === path) return { ok: false, reason: `${path} does not exist` };
    path = parent;
  }
}

/** Refuses (exit 2), naming the folder and the way out, when a client could not write its cache. */
export async function checkTufCache(cache: TufCache, clients: readonly TufClient[]): Promise<void> {
  for (const client of clients) {
    const dir = cache.paths[client];
    const result = await writableFolder(dir);
    if (result.ok) continue;
    const where = cache.from === 'default' ? '' : ` (from ${cache.from})`;
    throw usageError(
      `the Sigstore TUF cache folder ${dir}${where} cannot be written (${result.reason}): ${client === 'cosign' ? 'cosign' : 'the in-process verifier'} keeps the public-good trust there`,
      `pass --tuf-cache DIR or set ${TUF_CACHE_ENV}=DIR to a writable folder, or --trusted-root FILE (e.g. from \`ghcr-blob trust fetch\`) to need no TUF at all`,
    );
  }
}
