// The bytes held for Node's own ECDSA (kinds/message-signature.ts): only a regular file up to
// HOLD_MAX_BYTES, read once; anything else is left to the check over the digest. A hostile file
// (swapped for a FIFO after it was hashed) must not hold the run: opening a FIFO to read waits
// for a writer that may never come.
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOLD_MAX_BYTES, heldIfSmall } from '../../../src/evidence/kinds/message-signature.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'held-bytes-'));
});
afterEach(async () => {
  // Had the reader waited for a writer, this one lets it go (a non-blocking writer needs a reader).
  const fifo = join(dir, 'fifo');
  const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
  await writer?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('heldIfSmall', () => {
  it('holds a regular file of exactly the limit, byte for byte', async () => {
    const file = join(dir, 'f');
    const bytes = Buffer.alloc(HOLD_MAX_BYTES, 7);
    bytes[HOLD_MAX_BYTES - 1] = 9;
    await writeFile(file, bytes);
    const held = await heldIfSmall(file);
    expect(held.bytes?.equals(bytes)).toBe(true);
  });

  it('does not hold a file one byte over the limit, nor an empty directory, nor a missing file', async () => {
    const file = join(dir, 'f');
    await writeFile(file, '');
    await truncate(file, HOLD_MAX_BYTES + 1);
    await mkdir(join(dir, 'd'));
    expect(await heldIfSmall(file)).toEqual({});
    expect(await heldIfSmall(join(dir, 'd'))).toEqual({});
    expect(await heldIfSmall(join(dir, 'missing'))).toEqual({});
  });

  it('returns at once for a FIFO no one writes to, instead of waiting for a writer', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Failed (the test's own timeout) when the FIFO was opened blocking.
    expect(await heldIfSmall(fifo)).toEqual({});
  });
});
