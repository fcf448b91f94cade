/**
 * A verified file streamed to a reader that may misbehave (pull -o -): one that leaves early
 * (`| head -c1`, EPIPE) or one that never reads. Either ends as OUTPUT_FAILED (exit 8), the
 * stalled one once it has taken nothing for `stallMs`; the stream is then destroyed so nothing
 * queued for it keeps the process alive.
 */
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { formatDuration, TIMEOUT_ENV } from './deadlines.js';
import { GhcrBlobError } from './errors.js';

/** Also the granularity of progress: a reader that takes one chunk per `stallMs` is never stopped. */
const CHUNK = 16 * 1024;

const closed = (cause: unknown) =>
  new GhcrBlobError('OUTPUT_FAILED', 'stdout was closed before the whole file was written (the reader went away)', {
    recommendation: 'read all of it (e.g. pipe into a file or a program that reads to the end), or use -o DIR',
    cause,
  });

const stalled = (ms: number) =>
  new GhcrBlobError('OUTPUT_FAILED', `stdout took nothing for ${formatDuration(ms)}: its reader stopped reading`, {
    recommendation: `make sure something reads stdout, or allow more with --timeout DURATION or ${TIMEOUT_ENV}`,
  });

/**
 * Waits until `out` can take more (`drain`), or, with `flush`, until all written so far has
 * gone (an empty write's callback comes after the writes before it); fails when `out` does,
 * or when `ms` pass without either.
 */
function settled(out: Writable, ms: number, flush: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let over = false;
    const done = (err?: Error | null) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      out.off('drain', onDrain).off('error', done).off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(closed(undefined));
    const timer = setTimeout(() => done(stalled(ms)), ms);
    out.on('error', done).on('close', onClose);
    if (flush) out.write(Buffer.alloc(0), done);
    else out.on('drain', onDrain);
  });
}

export async function streamFileTo(path: string, out: Writable, stallMs: number): Promise<void> {
  let failure: Error | undefined;
  // Kept for good: a late EPIPE on a stream nobody listens to would otherwise be thrown.
  out.on('error', (err) => {
    failure ??= err;
  });
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (;;) {
      if (failure || out.destroyed) throw closed(failure);
      const { bytesRead } = await file.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      if (!out.write(Buffer.from(buffer.subarray(0, bytesRead)))) await settled(out, stallMs, false);
    }
    // The last bytes handed over: wait for them too, under the same deadline.
    await settled(out, stallMs, true);
    if (failure) throw closed(failure);
  } catch (err) {
    out.destroy();
    throw err instanceof GhcrBlobError ? err : closed(err);
  } finally {
    await file.close();
  }
}
