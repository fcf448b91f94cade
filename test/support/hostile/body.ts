// Writing a response body the slow, careful way: one chunk at a time, waiting for the socket to
// drain, counting every byte handed to it. That count is what "bytes served" means: at most one
// chunk sits in Node's buffer, the rest was accepted by the kernel. Loopback socket buffers still
// hold a few MiB a client may never read, so assert "far less than the blob", not an exact figure.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { ProxiedRequest } from './faults.js';

export const CHUNK = 64 * 1024;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves true once `bytes` is handed to the socket, false if the client is gone. */
export function writeCounted(res: ServerResponse, rec: ProxiedRequest, bytes: Buffer): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  rec.bodyBytes += bytes.length;
  if (res.write(bytes)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

export interface RelayOptions {
  /** Stop after this many bytes (the rest of `from` is discarded). */
  limit?: number;
  /** Write `chunkBytes` every `everyMs` instead of as fast as the client reads. */
  pace?: { chunkBytes: number; everyMs: number };
  isClosed(): boolean;
}

/** Copies `from` to the client; returns false when cut short (client gone, proxy closing, limit). */
export async function relayBody(
  from: Readable,
  res: ServerResponse,
  rec: ProxiedRequest,
  o: RelayOptions,
): Promise<boolean> {
  const step = o.pace?.chunkBytes ?? CHUNK;
  let left = o.limit ?? Number.POSITIVE_INFINITY;
  for await (const chunk of from as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length; at += step) {
      if (left <= 0 || o.isClosed()) {
        from.destroy();
        return false;
      }
      const piece = chunk.subarray(at, at + Math.min(step, left));
      left -= piece.length;
      if (o.pace) await sleep(o.pace.everyMs);
      if (!(await writeCounted(res, rec, piece))) {
        from.destroy();
        return false;
      }
    }
  }
  return left >= 0;
}

/** Writes filler until `rec.bodyBytes` reaches `total`; false when the client hung up first. */
export async function padTo(res: ServerResponse, rec: ProxiedRequest, total: number, isClosed: () => boolean) {
  const filler = Buffer.alloc(CHUNK, 0x41);
  while (rec.bodyBytes < total) {
    if (isClosed()) return false;
    const piece = filler.subarray(0, Math.min(CHUNK, total - rec.bodyBytes));
    if (!(await writeCounted(res, rec, piece))) return false;
  }
  return true;
}
