import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { parseBundle } from '../../../src/verify/bundle.js';
import { GITHUB_ACTIONS_ISSUER } from '../../../src/verify/github-workflow.js';
import { buildIdentityPolicy, type IdentityPolicy } from '../../../src/verify/policy.js';
import { parseTrustedRoot } from '../../../src/verify/trusted-root.js';
import { verifyBlobInProcess } from '../../../src/verify/verifier.js';
import { githubClaims, workflowSan } from './support/github-claims.js';
import { startMockSigstore, type MockSigstore } from './support/mock-sigstore.js';

let sigstore: MockSigstore;
let dir: string;
const data = randomBytes(100_000);
let blob: string;
let good: SerializedBundle;

const anyRef = buildIdentityPolicy({ githubWorkflow: 'octo/tools/.github/workflows/release.yml' });

beforeAll(async () => {
  sigstore = await startMockSigstore({ tsa: true });
  dir = await mkdtemp(join(tmpdir(), 'verifier-test-'));
  blob = join(dir, 'blob.bin');
  await writeFile(blob, data);
  good = await sigstore.sign(data, githubClaims());
});
afterAll(async () => {
  await sigstore?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  file?: string;
  bundle?: SerializedBundle;
  root?: Record<string, unknown>;
  policy?: IdentityPolicy;
}
const verify = (run: Run = {}) =>
  verifyBlobInProcess({
    filePath: run.file ?? blob,
    bundle: parseBundle(JSON.stringify(run.bundle ?? good)),
    trustedRoot: parseTrustedRoot(JSON.stringify(run.root ?? sigstore.trustedRoot), 'test root'),
    policy: run.policy ?? anyRef,
  });

async function rejection(run: Run, code = 'VERIFICATION_FAILED'): Promise<GhcrBlobError> {
  const err = await verify(run).then(
    () => expect.unreachable('verification should have failed'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GhcrBlobError);
  expect((err as GhcrBlobError).code).toBe(code);
  return err as GhcrBlobError;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('verifyBlobInProcess accepts', () => {
  it('the genuine signature, and reports who signed what and when', async () => {
    const result = await verify();
    const entry = good.verificationMaterial.tlogEntries[0]!;
    expect(result.identity).toBe(workflowSan());
    expect(result.issuer).toBe(GITHUB_ACTIONS_ISSUER);
    expect(result.sha256).toBe(sha256(data));
    expect(result.rekorLogIndex).toBe(Number(entry.logIndex));
    expect(result.integratedTime).toEqual(new Date(Number(entry.integratedTime) * 1000));
    expect(result.signedTimestamps).toHaveLength(1);
    expect(Math.abs(result.signedTimestamps[0]!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(result.claims).toMatchObject({
      buildSignerUri: workflowSan(),
      buildSignerDigest: 'b'.repeat(40),
      runnerEnvironment: 'github-hosted',
      sourceRepositoryUri: 'https://github.com/octo/tools',
      sourceRepositoryDigest: 'a'.repeat(40),
      sourceRepositoryRef: 'refs/tags/v1.2.0',
      buildConfigUri: workflowSan(),
      buildTrigger: 'push',
      runInvocationUri: 'https://github.com/octo/tools/actions/runs/4242/attempts/1',
    });
  });

  it("sigstore-js's own v0.2 layout (certificate chain)", async () => {
    const v02 = await sigstore.sign(data, githubClaims(), { format: 'v0.2' });
    expect(v02.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.2');
    await expect(verify({ bundle: v02 })).resolves.toMatchObject({ sha256: sha256(data) });
  });

  it('a multi-megabyte file, hashed as a stream', async () => {
    const big = randomBytes(24 * 1024 * 1024);
    const file = join(dir, 'big.bin');
    await writeFile(file, big);
    const bundle = await sigstore.sign(big, githubClaims());
    await expect(verify({ file, bundle })).resolves.toMatchObject({ sha256: sha256(big) });
  });
});

describe('verifyBlobInProcess rejects the file', () => {
  it('when a single byte changed', async () => {
    const tampered = Buffer.from(data);
    tampered[500] = tampered[500]! ^ 1;
    const file = join(dir, 'tampered.bin');
    await writeFile(file, tampered);
    const err = await rejection({ file });
    expect(err.message).toMatch(/not the file this bundle signs/);
    expect(err.details).toEqual([`signed sha256: ${sha256(data)}`, `file sha256:   ${sha256(tampered)}`]);
  });

  it('when the bundle belongs to another file', async () => {
    const other = await sigstore.sign(Buffer.from('another file'), githubClaims());
    expect((await rejection({ bundle: other })).message).toMatch(/sha256 differs/);
  });

  it("when the bundle's digest was rewritten to the file's", async () => {
    const forged = structuredClone(good);
    forged.messageSignature!.messageDigest!.digest = createHash('sha256').update('evil').digest('base64');
    const file = join(dir, 'evil.bin');
    await writeFile(file, 'evil');
    expect((await rejection({ file, bundle: forged })).message).toMatch(/transparency log \(Rekor\) entry is for another/);
  });

  it('when the signature is over other bytes (checked against the digest, not skipped)', async () => {
    const bundle = await sigstore.sign(data, githubClaims(), { signOver: Buffer.from('other bytes') });
    expect((await rejection({ bundle })).message).toMatch(/signature does not match the file's sha256/);
  });

  it('when the file is missing (USAGE)', async () => {
    expect((await rejection({ file: join(dir, 'absent') }, 'USAGE')).message).toMatch(/cannot read .*absent: no such file/);
  });
});
