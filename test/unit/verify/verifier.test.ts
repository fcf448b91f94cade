import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { parseSignatureBundle } from '../../../src/verify/bundle.js';
import { GITHUB_ACTIONS_ISSUER } from '../../../src/verify/github-workflow.js';
import { buildIdentityPolicy, type IdentityPolicy } from '../../../src/verify/policy.js';
import { parseTrustedRoot } from '../../../src/verify/trusted-root.js';
import { verifyBlobInProcess, verifyMessageInProcess } from '../../../src/verify/verifier.js';
import { githubClaims, workflowSan } from './support/github-claims.js';
import { useSignedBlob } from './support/signed-blob.js';

const fx = useSignedBlob(100_000);
const anyRef = buildIdentityPolicy({ githubWorkflow: 'octo/tools/.github/workflows/release.yml' });

interface Run {
  file?: string;
  bundle?: SerializedBundle;
  root?: Record<string, unknown>;
  policy?: IdentityPolicy;
}
const verify = (run: Run = {}) =>
  verifyBlobInProcess({
    filePath: run.file ?? fx.blob,
    bundle: parseSignatureBundle(JSON.stringify(run.bundle ?? fx.good)),
    trustedRoot: parseTrustedRoot(JSON.stringify(run.root ?? fx.sigstore.trustedRoot), 'test root'),
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
    const entry = fx.good.verificationMaterial.tlogEntries[0]!;
    expect(result.identity).toBe(workflowSan());
    expect(result.issuer).toBe(GITHUB_ACTIONS_ISSUER);
    expect(result.sha256).toBe(sha256(fx.data));
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
    const v02 = await fx.sigstore.sign(fx.data, githubClaims(), { format: 'v0.2' });
    expect(v02.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.2');
    await expect(verify({ bundle: v02 })).resolves.toMatchObject({ sha256: sha256(fx.data) });
  });

  it('a multi-megabyte file, hashed as a stream', async () => {
    const big = randomBytes(24 * 1024 * 1024);
    const file = join(fx.dir, 'big.bin');
    await writeFile(file, big);
    const bundle = await fx.sigstore.sign(big, githubClaims());
    await expect(verify({ file, bundle })).resolves.toMatchObject({ sha256: sha256(big) });
  });
});

describe('verifyBlobInProcess rejects the file', () => {
  it('when a single byte changed', async () => {
    const tampered = Buffer.from(fx.data);
    tampered[500] = tampered[500]! ^ 1;
    const file = join(fx.dir, 'tampered.bin');
    await writeFile(file, tampered);
    const err = await rejection({ file });
    expect(err.message).toMatch(/not the file this bundle signs/);
    expect(err.details).toEqual([`signed sha256: ${sha256(fx.data)}`, `file sha256:   ${sha256(tampered)}`]);
  });

  it('when the bundle belongs to another file', async () => {
    const other = await fx.sigstore.sign(Buffer.from('another file'), githubClaims());
    expect((await rejection({ bundle: other })).message).toMatch(/sha256 differs/);
  });

  it("when the bundle's digest was rewritten to the file's", async () => {
    const forged = structuredClone(fx.good);
    forged.messageSignature!.messageDigest!.digest = createHash('sha256').update('evil').digest('base64');
    const file = join(fx.dir, 'evil.bin');
    await writeFile(file, 'evil');
    expect((await rejection({ file, bundle: forged })).message).toMatch(
      /transparency log \(Rekor\) entry is for another/,
    );
  });

  it('when the signature is over other bytes (checked against the digest, not skipped)', async () => {
    const bundle = await fx.sigstore.sign(fx.data, githubClaims(), { signOver: Buffer.from('other bytes') });
    expect((await rejection({ bundle })).message).toMatch(/signature does not match the file's sha256/);
  });

  it('when the file is missing (USAGE)', async () => {
    expect((await rejection({ file: join(fx.dir, 'absent') }, 'USAGE')).message).toMatch(
      /cannot read .*absent: no such file/,
    );
  });
});

describe('verifyMessageInProcess with the file held', () => {
  const message = (bytes: Buffer) =>
    verifyMessageInProcess({
      bundle: parseSignatureBundle(JSON.stringify(fx.good)),
      digest: createHash('sha256').update(fx.data).digest(),
      bytes,
      trustedRoot: parseTrustedRoot(JSON.stringify(fx.sigstore.trustedRoot), 'test root'),
      policy: anyRef,
    });

  it('accepts the genuine signature over the bytes', async () => {
    expect((await message(fx.data)).identity).toBe(workflowSan());
  });

  it('refuses bytes that are not the ones hashed: the file changed', async () => {
    const changed = Buffer.from(fx.data);
    changed[0] = changed[0]! ^ 1;
    await expect(message(changed)).rejects.toThrow(/the file changed while it was verified/);
  });
});
