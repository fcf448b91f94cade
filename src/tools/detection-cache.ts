/**
 * Tool detection, remembered: `oras version` and `cosign sign-blob --help` each cost a process on
 * every run, and their answer changes only when the binary does. An entry is keyed by the binary's
 * identity (real path, device, inode, size, mtime and ctime in nanoseconds) and ghcr-blob's own
 * version, in `$XDG_CACHE_HOME/ghcr-blob` or `~/.cache/ghcr-blob`; a binary replaced, rebuilt or
 * touched is detected again. A folder that cannot be made or written means no cache, never an error.
 *
 * A folder group or others may write is no cache (neither read nor written). A poisoned entry
 * (written by someone who can write this user's cache folder, who could as well replace the
 * binaries on PATH): an entry holds only a version string and a generation, zod-checked
 * on read; never a path, flags or anything about trust. The binary run is always the one located
 * now. So the worst a wrong entry does is choose the other generation's argv or output shape for
 * the real binary: the tool refuses a flag it lacks, or ghcr-blob refuses output it cannot parse,
 * and the command fails with a non-zero exit and nothing landed; verification still needs both
 * cosign and the in-process verifier. Deleting the folder (or changing the binary) ends it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type * as z from 'zod';
import { parseJson } from '../core/json-input.js';

export interface DetectionCache {
  /** The folder entries live in (made 0700 on first write). */
  folder: string;
  /** ghcr-blob's version: a new release detects again (its reading of the probes may differ). */
  version: string;
}

/** `$XDG_CACHE_HOME/ghcr-blob`, else `$HOME/.cache/ghcr-blob`; relative or unset → no cache. */
export function detectionCache(env: NodeJS.ProcessEnv, version: string): DetectionCache | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return { folder: join(xdg, 'ghcr-blob'), version };
  const home = env.HOME;
  if (home && isAbsolute(home)) return { folder: join(home, '.cache', 'ghcr-blob'), version };
  return undefined;
}

/** Entries are tiny; anything bigger is not one of ours. */
const MAX_ENTRY_BYTES = 4096;

async function identityOf(probe: string, path: string, version: string): Promise<string | undefined> {
  try {
    const real = await realpath(path);
    const s = await stat(real, { bigint: true });
    if (!s.isFile()) return undefined;
    return JSON.stringify([probe, version, real, `${s.dev}`, `${s.ino}`, `${s.size}`, `${s.mtimeNs}`, `${s.ctimeNs}`]);
  } catch {
    return undefined;
  }
}

const entryPath = (cache: DetectionCache, identity: string) =>
  join(cache.folder, `${createHash('sha256').update(identity).digest('hex')}.json`);

async function readEntry<T>(file: string, identity: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_ENTRY_BYTES) return undefined;
    const parsed = parseJson(await readFile(file, 'utf8'));
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
    const { identity: stored, result } = parsed.value as { identity?: unknown; result?: unknown };
    // Why exact: the file name is a hash of the identity; the identity inside must be the very same.
    if (stored !== identity) return undefined;
    const checked = schema.safeParse(result);
    return checked.success ? checked.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The folder is this user's alone, or not there yet (then made 0700): a folder others may write
 * (XDG_CACHE_HOME=/tmp on a shared machine) could hold entries, or swap in a FIFO, planted by them.
 */
async function privateFolder(folder: string): Promise<boolean> {
  try {
    const s = await stat(folder);
    return s.isDirectory() && s.uid === process.getuid?.() && (s.mode & 0o022) === 0;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** temp file + rename: a reader sees the old entry or the new one, never half of one. */
async function writeEntry(cache: DetectionCache, file: string, identity: string, result: unknown): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(cache.folder, { recursive: true, mode: 0o700 });
    await writeFile(temp, JSON.stringify({ identity, result }), { mode: 0o600, flag: 'wx' });
    await rename(temp, file);
  } catch {
    await rm(temp, { force: true }).catch(() => {});
  }
}

/**
 * `detect()`'s answer for the binary at `path`, from the cache when its identity is unchanged;
 * otherwise detected and remembered. Failures are never remembered: they are detected each time.
 */
export async function cachedDetection<T>(
  cache: DetectionCache | undefined,
  probe: string,
  path: string,
  schema: z.ZodType<T>,
  detect: () => Promise<T>,
): Promise<T> {
  const identity = cache && (await privateFolder(cache.folder)) && (await identityOf(probe, path, cache.version));
  if (!cache || !identity) return detect();
  const file = entryPath(cache, identity);
  const known = await readEntry(file, identity, schema);
  if (known !== undefined) return known;
  const result = await detect();
  // The binary may have changed while it was probed: remember only what is still true of it.
  if ((await identityOf(probe, path, cache.version)) === identity) await writeEntry(cache, file, identity, result);
  return result;
}
