// Issue 8, bounded time: a registry that never answers, a blob that stalls after its headers, a
// blob that trickles in slowly but keeps moving. Real oras of both generations behind the hostile
// servers of test/support/hostile; short --timeout values keep the suite fast. Every failure must
// exit 7 naming what stalled, and leave nothing behind: not the output folder it would have
// created, not a private folder, not an empty registry-config folder in TMPDIR.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryProxy, type RegistryProxy } from '../support/hostile/registry-proxy.js';
import { startSilentServer, type SilentServer } from '../support/hostile/silent-server.js';
import { craftArtifact, type CraftedArtifact } from '../support/registry-api.js';
import { env, EXIT, expectCleanFailure, freshSandbox as sandbox, run, useKit } from '../support/kit.js';
import type { Registry } from '../support/registry.js';
import { GENERATIONS, type Generation } from '../support/tools.js';

const KiB = 1024;

// The two generations side by side (each its own registry, proxy and silent server): the time
// here is mostly waiting for limits to run out. Within one the tests share the proxy's rules,
// so they stay one after another (it.sequential).
describe.concurrent.each(GENERATIONS)('bounded time with oras from %s', (gen: Generation) => {
  // Each run gets a fresh TMPDIR (sandbox()), so "no registry-config folder left in TMPDIR" can be asserted.
  const kit = useKit({ gen });
  let reg: Registry;
  let proxy: RegistryProxy;
  let silent: SilentServer;
  let art: CraftedArtifact; // 192 KiB
  const blobPath = () => `/v2/hostile/file/blobs/${art.layers[0]!.digest}`;

  beforeAll(async () => {
    reg = kit.reg;
    silent = await startSilentServer();
    proxy = await startRegistryProxy(reg);
    art = await craftArtifact(reg, 'hostile/file', 'v1', [{ content: randomBytes(192 * KiB), title: 'data.bin' }]);
  });
  afterAll(async () => Promise.all([proxy?.close(), silent?.close()]));

  it.sequential('a registry that accepts and never answers: pull exits 7 within the limit, naming the step; nothing left', async () => {
    const s = sandbox();
    // Without a deadline this never ends: the runner kills it at 45 s (exit -1), which fails below.
    const r = await kit.run(['pull', `${silent.host}/x/y:v1`, '-o', 'new/out', '-u', reg.username, '--timeout', '1s'], {
      ...s,
      timeoutMs: 45_000,
    });
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.stderr).toMatch(/^error: oras manifest fetch .*\/x\/y:v1 stalled: no progress for 1s/m);
    expect(r.stderr).toMatch(/--timeout/);
    expect(readdirSync(s.cwd)).toEqual([]); // `new/` was created and removed again
    expect(readdirSync(s.tmp)).toEqual([]); // no registry-config folder
    expect(silent.bytesReceived()).toBeGreaterThan(0); // oras did ask
  });

  it.sequential('push to a registry that never answers: exit 7, nothing left', async () => {
    const s = sandbox();
    writeFileSync(join(s.cwd, 'report.json'), '{}');
    const r = await kit.run(['push', `${silent.host}/x/y:v1`, 'report.json', '-u', reg.username, '--timeout', '1s'], {
      ...s,
    });
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    // The first thing push asks the registry: what the tag points at now (signed or not).
    expect(r.stderr).toMatch(/^error: oras manifest fetch .*\/x\/y:v1 stalled/m);
    expect(readdirSync(s.cwd)).toEqual(['report.json']);
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it.sequential('GHCR_BLOB_TIMEOUT sets the limit when --timeout is not given; a bad value is a usage error', async () => {
    const s = sandbox();
    const r = await kit.run(['pull', `${silent.host}/x/y:v1`, '-u', reg.username], {
      ...s,
      env: { GHCR_BLOB_TIMEOUT: '800ms' },
    });
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.stderr).toMatch(/no progress for 800ms/);
    const bad = await kit.run(['pull', `${silent.host}/x/y:v1`, '--timeout', 'soon'], s);
    expectCleanFailure(bad, EXIT.USAGE, []);
    expect(bad.stderr).toMatch(/--timeout: "soon" is not a duration/);
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it.sequential('a blob that stalls after its headers: exit 7 naming the pull, output folder as it was', async () => {
    proxy.setRules([{ path: /\/blobs\//, method: 'GET', fault: { kind: 'stall', afterBytes: 16 * KiB } }]);
    proxy.clearLog();
    const s = sandbox();
    const out = join(s.cwd, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const r = await kit.run(['pull', `${proxy.host}/${art.tagRef}`, '-o', out, '-u', reg.username, '--timeout', '1s'], {
      ...s,
    });
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.stderr).toMatch(/^error: oras blob fetch .*@sha256:[a-f0-9]{64} stalled: no progress for 1s/m);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    expect(readdirSync(s.tmp)).toEqual([]);
    // It really stalled mid-blob (not before it): the proxy served the first 16 KiB and then held.
    // (The blob request may first get the registry's 401 challenge: only the stalled answer counts.)
    const stalled = proxy.requestsTo(blobPath()).filter((q) => q.fault === 'stall');
    expect(stalled.reduce((n, q) => n + q.bodyBytes, 0)).toBe(16 * KiB);
  });

  it.sequential('slow but moving is never stopped: a blob trickling in for several times the limit lands', async () => {
    // 192 KiB at 8 KiB every 150 ms: about 3.6 s of transfer against a 1 s no-progress limit.
    proxy.setRules([
      { path: /\/blobs\//, method: 'GET', fault: { kind: 'trickle', chunkBytes: 8 * KiB, everyMs: 150 } },
    ]);
    proxy.clearLog();
    const s = sandbox();
    const r = await kit.run(
      ['pull', `${proxy.host}/${art.tagRef}`, '-o', 'out', '-u', reg.username, '--timeout', '1s'],
      {
        ...s,
      },
    );
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    // It really lasted several times the limit: the proxy paced all 24 chunks, 150 ms apart.
    expect(proxy.requestsTo(blobPath()).filter((q) => q.fault === 'trickle' && q.bodyBytes === 192 * KiB)).toHaveLength(
      1,
    );
    expect(readFileSync(join(s.cwd, 'out', 'data.bin')).length).toBe(192 * KiB);
    expect(readdirSync(join(s.cwd, 'out'))).toEqual(['data.bin']);
    expect(proxy.requestsTo(blobPath()).some((q) => q.fault === 'trickle' && q.finished)).toBe(true);
  });

  it.sequential.each([true, false])(
    'a manifest over the 4 MiB limit (length declared: %s): exit 3, nothing landed',
    async (declareLength) => {
      proxy.setRules([
        {
          path: /\/manifests\//,
          method: 'GET',
          fault: { kind: 'oversize', totalBytes: 6 * 1024 * KiB, declareLength },
        },
      ]);
      proxy.clearLog();
      const s = sandbox();
      const r = await kit.run(
        ['pull', `${proxy.host}/${art.tagRef}`, '-o', 'out', '-u', reg.username, '--timeout', '5s'],
        {
          ...s,
        },
      );
      expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password]);
      expect(r.stderr).toMatch(declareLength ? /exceeds MaxBytes/ : /trailing data/);
      expect(existsSync(join(s.cwd, 'out'))).toBe(false);
      expect(readdirSync(s.tmp)).toEqual([]);
      expect(proxy.bytesServed(blobPath())).toBe(0);
    },
  );

  it.sequential('a layer marked for unpacking is refused from the manifest, before a byte of it is downloaded', async () => {
    const packed = await craftArtifact(reg, 'hostile/packed', 'v1', [
      {
        content: randomBytes(64 * KiB),
        title: 'dir',
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        annotations: { 'io.deis.oras.content.unpack': 'true' },
      },
    ]);
    proxy.setRules([]);
    proxy.clearLog();
    const s = sandbox();
    const r = await kit.run(['pull', `${proxy.host}/${packed.tagRef}`, '-o', 'out', '-u', reg.username], {
      ...s,
    });
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password]);
    expect(r.stderr).toMatch(/marked for unpacking \(io\.deis\.oras\.content\.unpack\)/);
    expect(existsSync(join(s.cwd, 'out'))).toBe(false);
    expect(proxy.bytesServed(/\/blobs\//)).toBe(0);
  });
});

describe('network requests ghcr-blob makes itself', () => {
  let silent: SilentServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => silent?.close());

  it('the public-good trusted root through a proxy that never answers: exit 7 within the limit', async () => {
    const s = sandbox();
    const before = silent.connections();
    const r = await run(
      [
        'verify',
        'localhost:1/x/y:v1',
        '--github-workflow',
        'octo/tools/.github/workflows/release.yml',
        '--engine',
        'sigstore',
        '--timeout',
        '1s',
      ],
      { ...s, env: { HTTPS_PROXY: silent.url, https_proxy: silent.url, HTTP_PROXY: silent.url } },
    );
    // Not expectCleanFailure: the TUF client keeps its metadata cache in HOME (~/.sigstore) by design.
    expect(r.exitCode, r.stderr).toBe(EXIT.REGISTRY_UNREACHABLE);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: getting the Sigstore trusted root did not finish within 1s/m);
    expect(r.stderr).toMatch(/--trusted-root FILE/);
    expect(silent.connections()).toBeGreaterThan(before); // it really went to the dead proxy
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it('the GitHub Actions identity-token request to a service that never answers: exit 7, nothing pushed', async () => {
    const s = sandbox();
    writeFileSync(join(s.cwd, 'report.json'), '{}');
    const requestToken = 'actions-request-token-not-to-be-shown';
    const r = await run(['push', 'localhost:1/x/y:v1', 'report.json', '--sign', '--timeout', '1s'], {
      ...s,
      env: env(
        { gen: 'sid', token: 'registry-token-not-to-be-shown' },
        { ACTIONS_ID_TOKEN_REQUEST_URL: `${silent.url}/token`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
      ),
    });
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [requestToken, 'registry-token-not-to-be-shown']);
    expect(r.stderr).toMatch(/^error: the GitHub Actions token service did not answer within 1s/m);
    expect(r.stderr).toMatch(/nothing was pushed: the tag .*:v1 still points where it did/);
    expect(readdirSync(s.cwd)).toEqual(['report.json']);
    expect(readdirSync(s.tmp)).toEqual([]);
  });
});
