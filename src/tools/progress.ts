/**
 * How a running child shows it is still getting somewhere: bytes arriving in the folder (or
 * file) it writes to, and the bytes it has read or written at all (Linux /proc/PID/io: network
 * and disk alike, so an upload counts too). Sampled, never trusted for anything but "moving".
 */
import { readFile, readdir, lstat } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes held by a file, or by the regular files under a folder; 0 when absent. */
export async function bytesUnder(path: string): Promise<number> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.isFile() ? info.size : 0;
  const entries = await readdir(path).catch(() => [] as string[]);
  let total = 0;
  for (const entry of entries) total += await bytesUnder(join(path, entry));
  return total;
}

/** rchar + wchar of a process, or undefined where /proc does not tell. */
export async function processIoBytes(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const text = await readFile(`/proc/${pid}/io`, 'utf8');
    const read = /^rchar:\s*(\d+)/m.exec(text);
    const written = /^wchar:\s*(\d+)/m.exec(text);
    if (!read || !written) return undefined;
    return Number(read[1]) + Number(written[1]);
  } catch {
    return undefined;
  }
}
