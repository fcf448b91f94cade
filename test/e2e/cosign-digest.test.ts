// Pins an undocumented cosign behaviour ghcr-blob relies on to keep blobs out of cosign's memory:
// `cosign verify-blob … sha256:<hex>` (cosign 2.5 and 3.x) verifies the bundle against that
// digest instead of reading a file. Exercised through src/tools/cosign.ts verifyBlob exactly as
// `verify FILE --bundle B` and `pull --verify` call it: the right digest is accepted, a wrong
// one refused, and cosign's private working folder is gone afterwards — for message signatures
// and for DSSE attestations whose statement subject names the file.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { type CosignTool, verifyBlob } from '../../src/tools/cosign.js';
import { createRunner } from '../../src/tools/exec.js';
import { attestBlob } from '../support/sigstore/evidence.js';
import { installedCosigns, runCosign, signBlobArgs, type CosignBinary } from '../support/sigstore/cosign-cli.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';

const CLAIMS = { repository: 'acme/widgets', workflowPath: '.github/workflows/release.yml', ref: 'refs/tags/v1.2.3' };

let stack: SigstoreStack;
let cosigns: CosignBinary[];
let work: string;
let file: string;
let sha256: string;
// A private TMPDIR for the runs below, so "nothing left behind" is checked on a folder of our own.
let tmp: string;
const run = () => createRunner(silentLogger, { PATH: '/usr/bin:/bin', HOME: work, TMPDIR: tmp });

beforeAll(async () => {
  stack = await startSigstoreStack();
  cosigns = await installedCosigns();
  work = await mkdtemp(join(tmpdir(), 'cosign-digest-test-'));
  tmp = join(work, 'tmp');
  await import('node:fs/promises').then((fs) => fs.mkdir(tmp, { mode: 0o700 }));
  file = join(work, 'report.json');
  const bytes = Buffer.from('{"release":"v1.2.3"}\n');
  await writeFile(file, bytes);
  sha256 = createHash('sha256').update(bytes).digest('hex');
});
afterAll(async () => {
  await stack?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function signWith(bin: CosignBinary): Promise<string> {
  const tokenPath = join(work, `token-${randomUUID()}`);
  await writeFile(tokenPath, await stack.mintToken(CLAIMS), { mode: 0o600 });
  const bundle = join(work, `bundle-${randomUUID()}.json`);
  const out = await runCosign(bin, signBlobArgs(bin.gen, stack, { file, bundle, tokenPath }), {
    home: work,
    env: bin.gen === 2 ? stack.cosign2Env : {},
  });
  if (out.exitCode !== 0) throw new Error(`cosign ${bin.gen} sign-blob failed: ${out.stderr}`);
  return bundle;
}

const wrong = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;

describe.each([2, 3] as const)('cosign %i verify-blob given sha256:<hex>', (gen) => {
  const tool = (): CosignTool => ({ path: cosigns.find((c) => c.gen === gen)!.path, generation: gen });
  const request = (bundlePath: string, blob: { sha256: string } | { file: string }) => ({
    blob,
    bundlePath,
    trustedRootPath: stack.trustedRootPath,
    policyFlags: ['--certificate-identity', stack.identityFor(CLAIMS), '--certificate-oidc-issuer', stack.issuer],
  });

  it('accepts the signed digest, refuses another, and leaves no folder behind', async () => {
    const bundle = await signWith(cosigns.find((c) => c.gen === gen)!);
    await expect(verifyBlob(tool(), run(), request(bundle, { sha256 }))).resolves.toBeUndefined();
    await expect(verifyBlob(tool(), run(), request(bundle, { sha256: wrong(sha256) }))).rejects.toMatchObject({
      code: 'VERIFICATION_FAILED',
    });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('DSSE attestation naming the file: accepts its sha256, refuses another', async () => {
    const { bundlePath } = await attestBlob(stack, file, { claims: CLAIMS });
    await expect(verifyBlob(tool(), run(), request(bundlePath, { sha256 }))).resolves.toBeUndefined();
    await expect(verifyBlob(tool(), run(), request(bundlePath, { sha256: wrong(sha256) }))).rejects.toMatchObject({
      code: 'VERIFICATION_FAILED',
    });
    expect(readdirSync(tmp)).toEqual([]);
  });
});
