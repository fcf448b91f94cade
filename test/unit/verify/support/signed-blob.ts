import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll } from 'vitest';
import { githubClaims } from './github-claims.js';
import { startMockSigstore, type MockSigstore } from './mock-sigstore.js';

/** What a verifier test file starts from: a mock Sigstore, a blob on disk, a genuine bundle for it. */
export interface SignedBlob {
  sigstore: MockSigstore;
  dir: string;
  blob: string;
  data: Buffer;
  good: SerializedBundle;
}

/** Set up once per test file (beforeAll) and removed after it; fields are filled in by then. */
export function useSignedBlob(size: number): SignedBlob {
  const fx = { data: randomBytes(size) } as SignedBlob;
  beforeAll(async () => {
    fx.sigstore = await startMockSigstore({ tsa: true });
    fx.dir = await mkdtemp(join(tmpdir(), 'ghcr-blob-verifier-'));
    fx.blob = join(fx.dir, 'blob.bin');
    await writeFile(fx.blob, fx.data);
    fx.good = await fx.sigstore.sign(fx.data, githubClaims());
  });
  afterAll(async () => {
    await fx.sigstore?.close();
    if (fx.dir) await rm(fx.dir, { recursive: true, force: true });
  });
  return fx;
}
