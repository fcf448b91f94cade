// Smoke test of the local Sigstore stack with the REAL cosign 2 and 3 binaries:
// keyless sign-blob against it, offline verify-blob with its trusted root,
// both generations against both generations' bundles, plus negative controls
// that must fail (forged/expired token, wrong identity, foreign trust root).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installedCosigns,
  runCosign,
  signBlobArgs,
  verifyBlobArgs,
  type CosignBinary,
  type CosignGeneration,
  type CosignRun,
} from '../support/sigstore/cosign-cli.js';
import { startSigstoreStack, type MintTokenClaims, type SigstoreStack } from '../support/sigstore/index.js';
import { readBundle, signerCertificate, verifyInProcess } from '../support/sigstore/inspect.js';
import { probeTsa } from '../support/sigstore/tsa-probe.js';

const CLAIMS = { repository: 'acme/widgets', workflowPath: '.github/workflows/release.yml', ref: 'refs/tags/v1.2.3' };
const ROUNDS = Number(process.env['SIGSTORE_STACK_ROUNDS'] ?? 6);

let stack: SigstoreStack;
let foreign: SigstoreStack; // a second, unrelated trust root in the same process
let cosigns: CosignBinary[];
let work: string;
let artifact: string;
let startupMs: number;
// Bundle per signing generation; made on demand so filtered runs (-t) still work.
const bundles = new Map<CosignGeneration, Promise<string>>();
const timings: string[] = [];

// The token goes in a 0600 file: cosign 3 reads an --identity-token value longer
// than 255 bytes as a path, and a GitHub-shaped JWT is ~1.4 KiB.
async function sign(
  bin: CosignBinary,
  claims: MintTokenClaims = CLAIMS,
  on = stack,
): Promise<CosignRun & { bundle: string }> {
  const tokenPath = join(work, `token-${randomUUID()}`);
  await writeFile(tokenPath, await on.mintToken(claims), { mode: 0o600 });
  const bundle = join(work, `bundle-${randomUUID()}.json`);
  const env = bin.gen === 2 ? on.cosign2Env : {};
  const run = await runCosign(bin, signBlobArgs(bin.gen, on, { file: artifact, bundle, tokenPath }), {
    home: work,
    env,
  });
  return { ...run, bundle };
}

function bundleOf(gen: CosignGeneration): Promise<string> {
  let bundle = bundles.get(gen);
  if (!bundle) {
    bundle = sign(cosigns.find((c) => c.gen === gen)!).then((r) => {
      if (r.exitCode !== 0) throw new Error(`cosign ${gen} sign-blob failed: ${r.stderr}`);
      return r.bundle;
    });
    bundles.set(gen, bundle);
  }
  return bundle;
}

function verify(bin: CosignBinary, bundle: string, o: { identity?: string; issuer?: string; root?: string } = {}) {
  const args = verifyBlobArgs(bin.gen, {
    file: artifact,
    bundle,
    trustedRoot: o.root ?? stack.trustedRootPath,
    identity: o.identity ?? stack.identityFor(CLAIMS),
    issuer: o.issuer ?? stack.issuer,
  });
  return runCosign(bin, args, { home: work }); // no SIGSTORE_* variables: the trusted root must suffice
}

beforeAll(async () => {
  const t0 = performance.now();
  [stack, foreign] = await Promise.all([startSigstoreStack(), startSigstoreStack()]);
  startupMs = performance.now() - t0;
  work = await mkdtemp(join(tmpdir(), 'sigstore-stack-test-'));
  artifact = join(work, 'artifact.txt');
  await writeFile(artifact, 'hello from ghcr-blob\n');
  cosigns = await installedCosigns();
});

afterAll(async () => {
  await Promise.all([stack?.close(), foreign?.close()]);
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`sigstore stack: 2 stacks started in ${startupMs.toFixed(0)} ms\n  ${timings.join('\n  ')}`);
});

it('has both cosign generations installed (npm run tools)', () => {
  expect(cosigns.map((c) => c.gen).sort()).toEqual([2, 3]);
});

it('starts on loopback, twice, with independent trust roots', async () => {
  expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(stack.tsaUrl).toBe(`${stack.url}/api/v1/timestamp`);
  expect(foreign.url).not.toBe(stack.url);
  const [a, b] = await Promise.all(
    [stack, foreign].map(async (s) => JSON.parse(await readFile(s.trustedRootPath, 'utf8'))),
  );
  expect(a.certificateAuthorities[0].certChain).not.toEqual(b.certificateAuthorities[0].certChain);
  for (const key of [...a.tlogs, ...a.ctlogs]) expect(key.publicKey.validFor.start).toBeTruthy(); // cosign 3 needs it
  for (const file of Object.values(stack.cosign2Env)) expect(existsSync(file)).toBe(true);
});

describe.each([2, 3] as const)('cosign %i signing', (gen) => {
  const bin = () => cosigns.find((c) => c.gen === gen)!;

  it('signs keyless: GitHub SAN, issuer and source extensions, TSA + Rekor evidence', async () => {
    const before = stack.requests.length;
    const run = await sign(bin());
    timings.push(`${bin().label} sign-blob: ${run.ms.toFixed(0)} ms`);
    expect(run.exitCode, run.stderr).toBe(0);
    bundles.set(gen, Promise.resolve(run.bundle));
    const paths = stack.requests.slice(before).map((r) => `${r.path} ${r.status}`);
    expect(paths).toContain(gen === 2 ? '/api/v1/signingCert 201' : '/api/v2/signingCert 200');
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/timestamp 201', '/api/v1/log/entries 201']));
    const bundle = await readBundle(run.bundle);
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    const cert = signerCertificate(bundle);
    expect(cert.san).toBe('https://github.com/acme/widgets/.github/workflows/release.yml@refs/tags/v1.2.3');
    expect(cert.extensions).toMatchObject({
      issuer: 'https://token.actions.githubusercontent.com',
      buildSignerURI: cert.san,
      sourceRepositoryURI: 'https://github.com/acme/widgets',
      sourceRepositoryRef: 'refs/tags/v1.2.3',
      buildTrigger: 'push',
    });
  });

  it.each([
    ['signed by a key the stack does not trust', { wrongKey: true }, /signature verification failed/],
    ['expired', { expiresInSeconds: -120 }, /"exp" claim timestamp check failed/],
    ['for another audience', { audience: 'not-sigstore' }, /unexpected "aud" claim value/],
  ])('refuses to sign with a token %s', async (_what, bad, reason) => {
    const before = stack.requests.length;
    const run = await sign(bin(), { ...CLAIMS, ...bad });
    expect(run.exitCode).not.toBe(0);
    expect(existsSync(run.bundle)).toBe(false);
    const refusals = stack.requests.slice(before).filter((r) => r.status === 401);
    expect(refusals.map((r) => r.error).join('\n')).toMatch(reason);
  });
});

describe.each([2, 3] as const)('cosign %i verifying', (gen) => {
  const bin = () => cosigns.find((c) => c.gen === gen)!;

  it.each([2, 3] as const)('verifies the cosign %i bundle offline with --trusted-root', async (from) => {
    const run = await verify(bin(), await bundleOf(from));
    timings.push(`${bin().label} verify-blob (bundle from cosign ${from}): ${run.ms.toFixed(0)} ms`);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('Verified OK');
  });

  it('rejects a wrong identity, a wrong issuer and a foreign trust root', async () => {
    const bundle = await bundleOf(gen);
    const otherWorkflow = stack.identityFor({ ...CLAIMS, workflowPath: '.github/workflows/evil.yml' });
    const wrongId = await verify(bin(), bundle, { identity: otherWorkflow });
    expect(wrongId.exitCode).not.toBe(0);
    expect(wrongId.stderr).toContain(`expected SAN value "${otherWorkflow}"`);
    const wrongIssuer = await verify(bin(), bundle, { issuer: 'https://accounts.example.com' });
    expect(wrongIssuer.exitCode).not.toBe(0);
    expect(wrongIssuer.stderr).toContain('expected issuer value "https://accounts.example.com"');
    const foreignRoot = await verify(bin(), bundle, { root: foreign.trustedRootPath });
    expect(foreignRoot.exitCode).not.toBe(0);
    // sigstore-go checks the log first: the foreign root knows no such log key.
    expect(foreignRoot.stderr).toMatch(/verified log entries|certificate chain|x509/);
  });
});

it('bundles also verify in-process with @sigstore/verify, and only against their own root', async () => {
  const data = await readFile(artifact);
  const expected = { identity: stack.identityFor(CLAIMS), issuer: stack.issuer };
  for (const path of await Promise.all([bundleOf(2), bundleOf(3)])) {
    const signer = await verifyInProcess(stack.trustedRootPath, await readBundle(path), data, expected);
    expect(signer.identity?.extensions?.issuer).toBe(stack.issuer);
    await expect(verifyInProcess(foreign.trustedRootPath, await readBundle(path), data, expected)).rejects.toThrow();
  }
});

it('RS256 tokens, a custom issuer and a reusable workflow map onto the certificate', async () => {
  const rsa = await startSigstoreStack({ tokenAlgorithm: 'RS256', issuer: 'https://issuer.example.test' });
  try {
    const claims = { ...CLAIMS, jobWorkflowRef: 'acme/shared/.github/workflows/sign.yml@refs/heads/main' };
    const run = await sign(cosigns.find((c) => c.gen === 3)!, claims, rsa);
    expect(run.exitCode, run.stderr).toBe(0);
    const bundle = await readBundle(run.bundle);
    expect(signerCertificate(bundle)).toMatchObject({
      san: 'https://github.com/acme/shared/.github/workflows/sign.yml@refs/heads/main',
      extensions: { issuer: 'https://issuer.example.test', sourceRepositoryURI: 'https://github.com/acme/widgets' },
    });
    const expected = { identity: rsa.identityFor(claims), issuer: rsa.issuer };
    await verifyInProcess(rsa.trustedRootPath, bundle, await readFile(artifact), expected);
  } finally {
    await rsa.close();
  }
});

it('the TSA echoes big nonces and writes whole seconds (60 binary queries)', async () => {
  for (let i = 0; i < 60; i++) {
    const probe = await probeTsa(stack.tsaUrl);
    expect(probe.status).toBe(201);
    expect(probe.nonceEchoed).toBe(probe.nonceSent);
    expect(probe.genTimeText).toMatch(/^\d{14}Z$/);
    expect(probe.sigstoreSigningTime.getMilliseconds()).toBe(0);
  }
});

it(`is not flaky: ${ROUNDS} more sign + verify rounds, both generations, a second stack`, async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const on = i % 2 ? foreign : stack;
    const signer = cosigns[i % cosigns.length]!;
    const run = await sign(signer, CLAIMS, on);
    expect(run.exitCode, `${signer.label} round ${i}: ${run.stderr}`).toBe(0);
    const bundle = await readBundle(run.bundle);
    const expected = { identity: on.identityFor(CLAIMS), issuer: on.issuer };
    await verifyInProcess(on.trustedRootPath, bundle, await readFile(artifact), expected);
    const verifier = cosigns[(i + 1) % cosigns.length]!;
    const check = await verify(verifier, run.bundle, { root: on.trustedRootPath, identity: expected.identity });
    expect(check.exitCode, `${verifier.label} round ${i}: ${check.stderr}`).toBe(0);
  }
});
