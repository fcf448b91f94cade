/** ghcr-blob's own stdin, the one channel a secret may arrive on. */
import { usageError } from '../core/errors.js';

/** Strips exactly one trailing line ending, as `docker login --password-stdin` does. */
export function trimOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** Reads all of stdin (bounded: a token is small; a mistakenly piped file is not). */
export async function readAllStdin(stream: NodeJS.ReadableStream = process.stdin, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) throw usageError(`stdin holds more than ${limit} bytes; expected a token`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
