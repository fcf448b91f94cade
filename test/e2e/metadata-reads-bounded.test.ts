// Every read of metadata ends: a manifest, a referrer manifest, a bundle or a referrer listing
// trickled at 2 bytes a second is progress to a stall timer, so each read also has a total budget
// derived from its size cap (--timeout plus the cap at 1 MiB/s). A listing of 100,000 made-up
// referrers is refused by size instead of parsed, and a registry answering 503 to everything is
// unreachable (exit 7), not retried for ever. Both oras generations, a hostile proxy in front of
// the real registry; nothing lands and nothing is left behind.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCliDirs, runCli } from '../support/cli.js';
import { EXIT, expectCleanFailure } from '../support/expect.js';
import { REFERRERS_PATH, type RegistryProxy, startRegistryProxy } from '../support/hostile/registry-proxy.js';
import { craftArtifact, type CraftedArtifact, OCI_MANIFEST, sha256Digest } from '../support/registry-api.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { type SigstoreStack, startSigstoreStack } from '../support/sigstore/index.js';
import { GENERATIONS, type Generation, toolsFor } from '../support/tools.js';

const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const POLICY = ['--github-workflow', 'octo/tools/.github/workflows/release.yml@refs/heads/main'];
const TRICKLE = { kind: 'trickle', chunkBytes: 2, everyMs: 1000 } as const;

// The two generations run side by side (each its own registry, proxy and stack): most of the time
// here is waiting for budgets to run out. Within one generation the tests share the proxy's
// rules, so they run one after another (it.sequential).
describe.concurrent.each(GENERATIONS)('metadata reads are bounded in total, oras from %s', (gen: Generation) => {
  let reg: Registry;
  let proxy: RegistryProxy;
  let stack: SigstoreStack;
  let art: CraftedArtifact;
  let referrer: CraftedArtifact;

  const pull = async (extra: string[]) => {
    const dirs = freshCliDirs();
    const tmp = join(dirs.cwd, '..', 'tmp');
    mkdirSync(tmp, { mode: 0o700 });
    const r = await runCli(
      ['pull', `${proxy.host}/${art.tagRef}`, '-o', 'out', '-u', reg.username, '--timeout', '2s', ...extra],
      {
        ...dirs,
        env: {
          GHCR_BLOB_ORAS: toolsFor(gen).oras,
          GHCR_BLOB_COSIGN: toolsFor(gen).cosign,
          GHCR_TOKEN: reg.password,
          TMPDIR: tmp,
        },
      },
    );
    return { r, tmp };
  };
  const pullVerify = () => pull(['--verify', ...POLICY, '--trusted-root', stack.trustedRootPath]);
  const nothingLeft = (r: { cwd: string }, tmp: string) => {
    expect(readdirSync(r.cwd)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  };
  /** The one made-up referrer the registry lists for the artifact (its bundle is junk; it is never reached). */
  const listReferrer = (manifests: object[]) =>
    ({
      path: REFERRERS_PATH,
      method: 'GET',
      fault: { kind: 'referrersLoop', maxPages: 1, manifests },
    }) as const;
  const referrerDescriptor = () => ({
    mediaType: OCI_MANIFEST,
    digest: referrer.digest,
    size: referrer.bytes.length,
    artifactType: BUNDLE_TYPE,
  });

  beforeAll(async () => {
    [reg, stack] = await Promise.all([startRegistry({ generation: gen }), startSigstoreStack()]);
    proxy = await startRegistryProxy(reg);
    art = await craftArtifact(reg, 'bounded/file', 'v1', [{ content: randomBytes(1024), title: 'data.bin' }]);
    referrer = await craftArtifact(
      reg,
      'bounded/file',
      'sig',
      [
        {
          content: JSON.stringify({ mediaType: 'not really a bundle', padding: 'x'.repeat(200) }),
          mediaType: BUNDLE_TYPE,
        },
      ],
      { artifactType: BUNDLE_TYPE, subject: { mediaType: OCI_MANIFEST, digest: art.digest, size: art.bytes.length } },
    );
  });
  afterAll(async () => {
    await Promise.all([proxy?.close(), stack?.close()]);
    await reg?.stop();
  });

  it.sequential('a manifest trickled at 2 bytes/s: exit 7 once its budget (2s + 4 MiB at 1 MiB/s) is spent', async () => {
    proxy.setRules([{ path: new RegExp(`/manifests/v1$`), method: 'GET', fault: TRICKLE }]);
    proxy.clearLog();
    const { r, tmp } = await pull([]);
    proxy.setRules([]);
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.stderr).toMatch(/^error: oras manifest fetch .* did not finish within 6s; stopped it/m);
    const served = proxy.requestsTo(/\/manifests\/v1$/).filter((q) => q.fault === 'trickle');
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((q) => !q.finished && q.bodyBytes < art.bytes.length)).toBe(true);
    nothingLeft(r, tmp);
  });

  it.sequential('a referrer manifest trickled at 2 bytes/s: exit 7 within its budget, nothing landed', async () => {
    proxy.setRules([
      listReferrer([referrerDescriptor()]),
      { path: new RegExp(`/manifests/${referrer.digest}$`), method: 'GET', fault: TRICKLE },
    ]);
    proxy.clearLog();
    const { r, tmp } = await pullVerify();
    proxy.setRules([]);
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.stderr).toMatch(/^error: oras manifest fetch .* did not finish within 6s; stopped it/m);
    nothingLeft(r, tmp);
  });

  it.sequential('a bundle trickled at 2 bytes/s: exit 7 within its budget (2s + 1 MiB at 1 MiB/s), nothing landed', async () => {
    const bundleDigest = referrer.layers[0]!.digest;
    proxy.setRules([
      listReferrer([referrerDescriptor()]),
      { path: new RegExp(`/blobs/${bundleDigest}$`), method: 'GET', fault: TRICKLE },
    ]);
    proxy.clearLog();
    const { r, tmp } = await pullVerify();
    proxy.setRules([]);
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.stderr).toMatch(/^error: oras blob fetch .* did not finish within 3s; stopped it/m);
    nothingLeft(r, tmp);
  });

  it.sequential('100,000 made-up referrers in 10 pages: refused by size (3) or stopped at the budget (7), never parsed', async () => {
    const page = Array.from({ length: 10_000 }, () => ({
      mediaType: OCI_MANIFEST,
      digest: sha256Digest(randomBytes(16)),
      size: 500,
      artifactType: BUNDLE_TYPE,
    }));
    proxy.setRules([
      {
        path: REFERRERS_PATH,
        method: 'GET',
        fault: { kind: 'referrersLoop', maxPages: 9, linkTo: 'chain', manifests: page },
      },
    ]);
    proxy.clearLog();
    const { r, tmp } = await pullVerify();
    proxy.setRules([]);
    // oras 1.2 prints the listing at once (the size cap stops it); 1.3 takes longer than 2s to gather it.
    expectCleanFailure(r, r.exitCode === EXIT.REGISTRY_UNREACHABLE ? r.exitCode : EXIT.VERIFICATION_FAILED, [
      reg.password,
    ]);
    expect(r.stderr).toMatch(
      /oras discover .* (was stopped: more than 8388608 bytes arrived|did not finish within 2s)/,
    );
    nothingLeft(r, tmp);
  });

  it.sequential('a registry answering 503 to every request: unreachable, exit 7, nothing landed', async () => {
    proxy.setRules([{ path: /.*/, fault: { kind: 'status', status: 503 } }]);
    proxy.clearLog();
    const { r, tmp } = await pull([]);
    proxy.setRules([]);
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(proxy.requests.length).toBeGreaterThan(1); // oras retried, and then gave up
    nothingLeft(r, tmp);
  });
});
