/**
 * Digests: the one sha256 of a file (streamed), the one way to compare digests, and the digest
 * patterns every other module uses.
 */
import { createHash, type Hash, timingSafeEqual } from 'node:crypto';
import { constants, open } from 'node:fs/promises';
import * as z from 'zod';
import { usageError } from './errors.js';
import { reasonOf } from './json-input.js';

/** `sha256:` and 64 lower-case hex digits: the only form a reference, a pin or a layer may use. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** What an OCI descriptor may carry (distribution also speaks sha512). */
export const descriptorDigestSchema = z
  .string()
  .regex(/^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/, 'not a sha256/sha512 digest');

// 1 MiB reads measured 20-30% faster than the stream's default 64 KiB.
const CHUNK_BYTES = 1024 * 1024;

/**
 * Every byte of a file, in order, through one reused 1 MiB buffer: a stream would allocate a
 * new one per read, and 512 MiB of them is garbage the process keeps (as resident memory) until
 * the collector runs, just when cosign starts beside it. `use` must be done with the bytes
 * before it returns (a hash's `update` is).
 */
async function eachChunk(path: string, use: (bytes: Buffer) => void): Promise<void> {
  // Non-blocking: a path swapped for a FIFO fails at its first read instead of waiting for a writer.
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      use(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
}

/**
 * sha256 of a file, streamed: blobs can be gigabytes, so the file is never held in memory.
 * An unreadable file is a USAGE error naming it.
 */
export async function sha256File(path: string): Promise<Buffer> {
  const hash = createHash('sha256');
  try {
    await eachChunk(path, (bytes) => hash.update(bytes));
  } catch (e) {
    throw usageError(`cannot read ${path}: ${reasonOf(e)}`, undefined, e);
  }
  return hash.digest();
}

/** The digests ghcr-blob computes over a file: what signatures and statements name bytes by. */
export const DIGEST_ALGORITHMS = ['sha256', 'sha384', 'sha512'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];
/** Lower-case hex, by algorithm; sha256 is always there. */
export type FileDigests = { sha256: string } & Partial<Record<DigestAlgorithm, string>>;

export const isDigestAlgorithm = (name: string): name is DigestAlgorithm =>
  (DIGEST_ALGORITHMS as readonly string[]).includes(name);

/** Hex length of each algorithm's digest: a named digest of another length names nothing. */
export const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * sha256 of a file and any other digests asked for, in one streamed read: sha512 costs about
 * three times sha256, so it is computed only when a signature or statement names the file by it.
 */
export async function fileDigests(path: string, also: Iterable<DigestAlgorithm> = []): Promise<FileDigests> {
  const names = [...new Set<DigestAlgorithm>(['sha256', ...also])];
  const hashes = names.map((name) => createHash(name));
  try {
    await eachChunk(path, (bytes) => {
      for (const hash of hashes) hash.update(bytes);
    });
  } catch (e) {
    throw usageError(`cannot read ${path}: ${reasonOf(e)}`, undefined, e);
  }
  const hex = Object.fromEntries(names.map((name, i) => [name, (hashes[i] as Hash).digest('hex')]));
  return hex as FileDigests;
}

/** `sha256:<hex>`, the OCI spelling of a sha256. */
export const ociDigest = (sha256: Buffer): string => `sha256:${sha256.toString('hex')}`;

export const sha256Bytes = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** Why exact: all 32 bytes must match, not a prefix; constant-time because it costs nothing. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
