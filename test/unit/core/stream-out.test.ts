// A verified file streamed to a reader that may misbehave: every byte to one that reads, and
// OUTPUT_FAILED (not an internal error, not a hang) from one that leaves or never reads.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamFileTo } from '../../../src/core/stream-out.js';

const BYTES = Buffer.alloc(200 * 1024, 0x61);
const file = () => {
  const path = join(mkdtempSync(join(tmpdir(), 'stream-out-')), 'f');
  writeFileSync(path, BYTES);
  return path;
};

describe('streamFileTo', () => {
  it('a reader that reads: every byte, in order', async () => {
    const got: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        got.push(chunk);
        setImmediate(done);
      },
    });
    await streamFileTo(file(), out, 60_000);
    expect(Buffer.concat(got).equals(BYTES)).toBe(true);
  });

  it('a reader that leaves (EPIPE): OUTPUT_FAILED saying stdout was closed', async () => {
    let n = 0;
    const out = new Writable({
      write(_chunk, _enc, done) {
        n += 1;
        done(n > 1 ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : undefined);
      },
    });
    await expect(streamFileTo(file(), out, 60_000)).rejects.toMatchObject({
      code: 'OUTPUT_FAILED',
      message: expect.stringMatching(/closed before the whole file was written/),
    });
  });

  it('a reader that never reads: OUTPUT_FAILED once it took nothing for the limit; the stream destroyed', async () => {
    const out = new Writable({ write() {} }); // never calls back: nothing is ever taken
    await expect(streamFileTo(file(), out, 100)).rejects.toMatchObject({
      code: 'OUTPUT_FAILED',
      message: expect.stringMatching(/took nothing for 100ms/),
    });
    expect(out.destroyed).toBe(true);
  });
});
