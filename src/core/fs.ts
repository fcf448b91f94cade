/**
 * Filesystem steps that must never half-write or leave anything behind: private temp folders
 * (each records its owner, so a later run can remove the folders of a run that was killed),
 * output folders created only as deep as needed and removed again on failure, atomic moves.
 */
import { readFileSync, readlinkSync, rmdirSync, rmSync } from 'node:fs';
import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { GhcrBlobError, usageError } from './errors.js';

export const TEMP_PREFIX = '.ghcr-blob-';
/**
 * Inside each private folder: `<pid> <start time> <pid namespace> <boot id>` of the process that
 * made it. A PID means something only in its own PID namespace (a container has its own) and its
 * own boot, so both are recorded.
 */
const OWNER_FILE = 'owner.pid';

/** A 0700 folder (mkdtemp's mode) under `parent`, removed by `dispose` whatever happened. */
export interface TempDir {
  path: string;
  dispose(): Promise<void>;
}

/** Folders alive right now, so an interrupt can still remove them (see cli.ts). */
const live = new Set<string>();
/** Output folders this run created, deepest last; removed on interrupt if still empty. */
const created = new Set<string>();

/** A process's start time (clock ticks since boot), which tells a reused PID from the original. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number, startTime: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // Where /proc tells, a PID now held by a younger process means the owner is gone.
  const now = startTimeOf(pid);
  return !(startTime && now && now !== startTime);
}

const readOr = (read: () => string): string => {
  try {
    return read().trim().replace(/\s+/g, '') || '-';
  } catch {
    return '-';
  }
};
/** `pid:[4026531836]`: the PID namespace PIDs in this process are numbered in. */
const pidNamespace = (): string => readOr(() => readlinkSync('/proc/self/ns/pid'));
const bootId = (): string => readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));

const ownerRecord = (): string => `${process.pid} ${startTimeOf(process.pid) ?? ''} ${pidNamespace()} ${bootId()}\n`;

/**
 * Whether the record's owner is gone for sure. Another boot: gone. Another PID namespace (a pull
 * inside a container sharing the folder, or outside it): its PID names some other process here,
 * so nothing can be proved and the folder stays. Records without a namespace predate it.
 */
function ownerIsGone(record: string): boolean {
  const m = /^(\d+) (\d*)(?: (\S+) (\S+))?\n$/.exec(record);
  if (!m) return false;
  const [, pid, start, ns, boot] = m;
  if (boot && boot !== '-' && bootId() !== '-' && boot !== bootId()) return true;
  // Why exact: the namespace is an identity; any difference means the PID is not ours to test.
  if (ns && ns !== pidNamespace()) return false;
  return !isAlive(Number(pid), start || undefined);
}

/**
 * Removes private folders under `parent` whose owner is gone (killed with -9, power cut):
 * only ours (same uid), only with an owner record, only when that process no longer runs. A
 * folder without a record yet is being created right now by a live run: it is left alone.
 */
export async function removeStaleTempDirs(parent: string, prefix = TEMP_PREFIX): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const name of entries) {
    if (!name.startsWith(prefix)) continue;
    const path = join(parent, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory() || info.uid !== process.getuid?.()) continue;
    const record = await readFile(join(path, OWNER_FILE), 'utf8').catch(() => undefined);
    if (!record || !ownerIsGone(record)) continue;
    await rm(path, { recursive: true, force: true }).catch(() => {});
    removed.push(path);
  }
  return removed;
}

const fullOr = (e: unknown, parent: string): unknown => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT'
    ? usageError(
        `cannot write in ${parent}: no space or no inode left (${code})`,
        'free some space, or choose another folder',
        e,
      )
    : e;
};

export async function privateTempDir(parent: string = tmpdir(), prefix = TEMP_PREFIX): Promise<TempDir> {
  await removeStaleTempDirs(parent, prefix);
  let path: string;
  try {
    path = await mkdtemp(join(parent, prefix));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const hint = parent === tmpdir() ? 'point TMPDIR at a folder you can write to' : 'choose a folder you can write to';
    if (code === 'ENOTDIR') throw usageError(`cannot make a private folder in ${parent}: it is not a folder`, hint, e);
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM' || code === 'ENOENT') {
      throw usageError(`cannot write in ${parent} (${code})`, hint, e);
    }
    throw fullOr(e, parent);
  }
  live.add(path);
  try {
    await writeFile(join(path, OWNER_FILE), ownerRecord(), { mode: 0o600 });
  } catch (e) {
    // A full disk (or no inode left) after the folder was made: nothing may stay behind.
    await rm(path, { recursive: true, force: true }).catch(() => {});
    live.delete(path);
    throw fullOr(e, parent);
  }
  return {
    path,
    dispose: async () => {
      await rm(path, { recursive: true, force: true });
      live.delete(path);
    },
  };
}

/** For signal handlers: synchronous, best effort, never throws. Output folders go too, if empty. */
export function removeLiveTempDirsSync(): void {
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // nothing more can be done while exiting
    }
  }
  live.clear();
  for (const path of [...created].reverse()) {
    try {
      rmdirSync(path);
    } catch {
      // not empty (something else wrote there) or already gone: leave it
    }
  }
  created.clear();
}

/** An output folder made ready: `discard` removes what was created for it, `keep` what stays. */
export interface OutputFolder {
  path: string;
  /** Folders created (outermost first), empty when it existed. */
  created: readonly string[];
  discard(): Promise<void>;
  keep(): void;
}

const FOLDER_HINT = 'choose a folder you can write to (-o DIR)';

function folderError(path: string, e: unknown): GhcrBlobError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only' : code;
  return usageError(`cannot create the output folder ${path} (${why})`, FOLDER_HINT, e);
}

/**
 * Makes `dir` exist, one level at a time (never Node's recursive mkdir, which loops forever
 * on some paths, e.g. under /proc), remembering what it created so a failure leaves nothing.
 * A dangling symlink, a file in the way or an unwritable parent is a USAGE error.
 */
export async function prepareOutputFolder(dir: string): Promise<OutputFolder> {
  const path = resolve(dir);
  const missing: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    const info = await lstat(p).catch((e: NodeJS.ErrnoException) => e);
    if (info instanceof Error) {
      if (info.code !== 'ENOENT') {
        if (info.code === 'ENOTDIR') throw usageError(`${dir}: a part of this path is a file, not a folder`);
        throw folderError(path, info);
      }
      if (dirname(p) === p) throw folderError(path, info);
      missing.unshift(p);
      continue;
    }
    if (info.isSymbolicLink()) {
      const target = await stat(p).catch(() => undefined);
      if (!target) throw usageError(`${p} is a symlink to nothing (dangling)`, 'point -o at an existing folder');
      if (!target.isDirectory()) throw usageError(`${p} exists and is not a folder`);
    } else if (!info.isDirectory()) {
      throw usageError(`${p} exists and is not a folder`);
    }
    break;
  }
  const made: string[] = [];
  const discard = async () => {
    for (const p of [...made].reverse()) {
      await rmdir(p).catch(() => {});
      created.delete(p);
    }
  };
  for (const p of missing) {
    try {
      await mkdir(p);
    } catch (e) {
      // Another run made it meanwhile (eight pulls into one new folder): theirs, and fine as a folder.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && (await lstat(p).catch(() => undefined))?.isDirectory())
        continue;
      await discard();
      throw folderError(path, e);
    }
    made.push(p);
    created.add(p);
  }
  return {
    path,
    created: made,
    discard,
    keep: () => {
      for (const p of made) created.delete(p);
    },
  };
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
