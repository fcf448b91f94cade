// A bundle cosign cannot read, checked the way `verify` and `pull --verify` call cosign (over the
// digest, src/tools/cosign.ts verifyBlob): real cosign 3 then falls back to reading `sha256:<hex>`
// as a file and says "no such file or directory". The message must be about the bundle.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { detectCosign, verifyBlob } from '../../src/tools/cosign.js';
import { createRunner } from '../../src/tools/exec.js';
import { REPO_ROOT, toolsFor } from '../support/tools.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cosign-unreadable-'));
  await mkdir(join(work, 'tmp'), { mode: 0o700 });
});
afterAll(() => rm(work, { recursive: true, force: true }));

it.each(['trixie', 'sid'] as const)('cosign from %s: a bundle it cannot read is named as the problem', async (gen) => {
  const run = createRunner(silentLogger, { PATH: '/usr/bin:/bin', HOME: work, TMPDIR: join(work, 'tmp') });
  const cosign = await detectCosign(toolsFor(gen).cosign, run);
  const bundle = join(work, `unreadable-${gen}.json`);
  await writeFile(
    bundle,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {},
      messageSignature: {},
    }),
  );
  const failure = verifyBlob(cosign, run, {
    blob: { sha256: 'a'.repeat(64) },
    bundlePath: bundle,
    trustedRootPath: join(REPO_ROOT, 'test/unit/verify/fixtures/github-staging-trusted-root.json'),
    policyFlags: ['--certificate-identity', 'x', '--certificate-oidc-issuer', 'y'],
  });
  await expect(failure).rejects.toMatchObject({ code: 'VERIFICATION_FAILED' });
  const message = await failure.catch((e: Error) => e.message);
  expect(message).not.toMatch(/no such file/);
  expect(message).toMatch(/bundle/);
});
