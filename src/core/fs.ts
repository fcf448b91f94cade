/** Filesystem steps that must never half-write: private temp folders and atomic moves. */
import { rmSync } from 'node:fs';
import { link, mkdtemp, rename, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GhcrBlobError, usageError } from './errors.js';

/** A 0700 folder (mkdtemp's mode) under `parent`, removed by `dispose` whatever happened. */
export interface TempDir {
  path: string;
  dispose(): Promise<void>;
}

/** Folders alive right now, so an interrupt can still remove them (see cli.ts). */
const live = new Set<string>();

export async function privateTempDir(parent: string = tmpdir(), prefix = '.ghcr-blob-'): Promise<TempDir> {
  let path: string;
  try {
    path = await mkdtemp(join(parent, prefix));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM' || code === 'ENOENT') {
      throw usageError(`cannot write in ${parent} (${code})`, 'choose a folder you can write to', e);
    }
    throw e;
  }
  live.add(path);
  return {
    path,
    dispose: async () => {
      await rm(path, { recursive: true, force: true });
      live.delete(path);
    },
  };
}

/** For signal handlers: synchronous, best effort, never throws. */
export function removeLiveTempDirsSync(): void {
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // nothing more can be done while exiting
    }
  }
  live.clear();
}

/**
 * Puts `from` at `to` in one step. Without `overwrite`, link()+unlink() fails atomically if
 * `to` appeared meanwhile (rename() would silently replace it). Both paths share a filesystem.
 */
export async function moveIntoPlace(from: string, to: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(from, to);
    return;
  }
  try {
    await link(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw usageError(`${to} already exists`, 'pass --force to replace it', e);
    }
    throw new GhcrBlobError('INTERNAL', `cannot write ${to}: ${(e as Error).message}`, { cause: e });
  }
  await unlink(from);
}

/** The absolute path of an existing regular file, or a usage error saying what it is instead. */
export async function checkRegularFile(path: string, hint?: string): Promise<string> {
  const full = resolve(path);
  const info = await stat(full).catch(() => undefined);
  if (!info) throw usageError(`${path}: no such file`);
  if (!info.isFile()) throw usageError(`${path}: not a regular file`, hint);
  return full;
}
