// Proves the hostile servers (test/support/hostile/) do what they claim, with the real oras of both
// Debian generations as the client: each fault must be visible in oras's behaviour and in the
// proxy's own counters, so a later "ghcr-blob fails closed in bounded time" test can trust them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERRERS_PATH, startRegistryProxy, type RegistryProxy } from '../support/hostile/registry-proxy.js';
import { startSilentServer } from '../support/hostile/silent-server.js';
import { sealedOras } from '../support/oras.js';
import { craftArtifact, OCI_MANIFEST, type CraftedArtifact } from '../support/registry-api.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { GENERATIONS, toolsFor, type Generation } from '../support/tools.js';

const scratch = mkdtempSync(join(tmpdir(), 'ghcr-blob-hostile-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const KiB = 1024;
const MiB = 1024 * KiB;

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

describe('silent server', () => {
  it.concurrent.each(GENERATIONS)(
    'hangs oras %s until it is killed, and counts the attempt',
    async (gen: Generation) => {
      const silent = await startSilentServer();
      try {
        const oras = sealedOras(gen, scratch);
        const r = await oras.run(['manifest', 'fetch', `${silent.host}/x/y:v1`, '-u', 'u', '--password-stdin'], {
          stdin: 'p',
          timeoutMs: 1_500,
        });
        expect(r.timedOut).toBe(true);
        expect(silent.connections()).toBeGreaterThanOrEqual(1);
        expect(silent.bytesReceived()).toBeGreaterThan(0); // oras sent its request, never got an answer
      } finally {
        await silent.close();
      }
      expect(await refused(silent.port)).toBe(true);
    },
  );
});

describe('silent Fulcio: cosign sign-blob --timeout does not bound it', () => {
  let stack: SigstoreStack;
  beforeAll(async () => {
    stack = await startSigstoreStack();
  });
  afterAll(async () => stack?.close());

  // cosign's --timeout bounds registry calls (cosign 3 verify <ref> gave up after it), not the
  // certificate request: whoever runs cosign must enforce its own deadline around the process.
  it.concurrent.each(GENERATIONS)('cosign from %s still hangs 5 s in with --timeout 2s', async (gen: Generation) => {
    const silent = await startSilentServer();
    try {
      const dir = mkdtempSync(join(scratch, 'cosign-'));
      const file = join(dir, 'f.txt');
      const token = join(dir, 'token');
      writeFileSync(file, 'hello');
      writeFileSync(
        token,
        await stack.mintToken({ repository: 'o/r', workflowPath: '.github/workflows/x.yml', ref: 'refs/heads/main' }),
      );
      const common = ['sign-blob', '--timeout', '2s', '--bundle', join(dir, 'b.json'), '--identity-token', token, '-y'];
      let args: string[];
      if (gen === 'sid') {
        const config = JSON.parse(readFileSync(stack.signingConfigPath, 'utf8'));
        config.caUrls[0].url = silent.url;
        writeFileSync(join(dir, 'sc.json'), JSON.stringify(config));
        args = [...common, '--signing-config', join(dir, 'sc.json'), '--trusted-root', stack.trustedRootPath, file];
      } else {
        args = [...common, '--new-bundle-format', '--fulcio-url', silent.url, '--rekor-url', stack.url, file];
      }
      const r = await execa(toolsFor(gen).cosign, args, {
        reject: false,
        extendEnv: false,
        env: { PATH: '/usr/bin:/bin', HOME: dir, ...(gen === 'trixie' ? stack.cosign2Env : {}) },
        timeout: 5_000,
      });
      expect(r.timedOut).toBe(true);
      expect(silent.connections()).toBeGreaterThanOrEqual(1);
    } finally {
      await silent.close();
    }
  });
});

// The generations side by side (each its own registry and proxy; the tests mostly wait for stalls);
// within one the tests share the proxy's rules, so they stay one after another.
describe.concurrent.each(GENERATIONS)('registry proxy with oras %s', (gen: Generation) => {
  const oras = sealedOras(gen, scratch);
  let reg: Registry;
  let proxy: RegistryProxy;
  let small: CraftedArtifact; // 256 KiB layer
  let tiny: CraftedArtifact; // 1 KiB layer
  const auth = () => ['-u', reg.username, '--password-stdin'];
  const pull = (art: CraftedArtifact, timeoutMs = 30_000) => {
    const out = mkdtempSync(join(scratch, 'out-'));
    return oras.run(['pull', `${proxy.host}/${art.tagRef}`, '-o', out, ...auth()], { stdin: reg.password, timeoutMs });
  };
  const blobPath = (art: CraftedArtifact) => `/v2/${art.tagRef.split(':')[0]}/blobs/${art.layers[0]?.digest}`;

  beforeAll(async () => {
    reg = await startRegistry({ generation: gen });
    proxy = await startRegistryProxy(reg);
    small = await craftArtifact(reg, 'hostile/small', 'v1', [{ content: randomBytes(256 * KiB), title: 's.bin' }]);
    tiny = await craftArtifact(reg, 'hostile/tiny', 'v1', [{ content: randomBytes(KiB), title: 't.bin' }]);
  });
  afterAll(async () => {
    await proxy?.close();
    await reg?.stop();
  });

  it.sequential('passes everything through and counts the blob bytes it served', async () => {
    proxy.setRules([]);
    proxy.clearLog();
    const r = await pull(small);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(proxy.bytesServed(blobPath(small))).toBe(256 * KiB);
    expect(proxy.requestsTo(blobPath(small)).every((q) => q.finished && q.status === 200)).toBe(true);
  });

  it.sequential('stall: headers and 4 KiB of the blob, then silence; oras waits until killed', async () => {
    proxy.setRules([{ path: /\/blobs\//, method: 'GET', fault: { kind: 'stall', afterBytes: 4 * KiB } }]);
    proxy.clearLog();
    const r = await pull(small, 2_000);
    expect(r.timedOut).toBe(true);
    expect(proxy.bytesServed(blobPath(small))).toBe(4 * KiB);
    expect(proxy.requestsTo(blobPath(small)).some((q) => q.fault === 'stall' && !q.finished)).toBe(true);
  });

  it.sequential('stall on a manifest: the 401 challenge passes through, the authenticated answer stalls', async () => {
    proxy.setRules([{ path: /\/manifests\/v1$/, method: 'GET', fault: { kind: 'stall', afterBytes: 10 } }]);
    proxy.clearLog();
    const r = await oras.run(['manifest', 'fetch', `${proxy.host}/${small.tagRef}`, ...auth()], {
      stdin: reg.password,
      timeoutMs: 2_000,
    });
    expect(r.timedOut).toBe(true);
    const seen = proxy.requestsTo('/v2/hostile/small/manifests/v1').map((q) => [q.status, q.fault ?? '-', q.bodyBytes]);
    expect(seen).toEqual([
      [401, '-', expect.any(Number)],
      [200, 'stall', 10],
    ]);
  });

  it.sequential('trickle: 8 KiB every 50 ms is slow but finishes', async () => {
    proxy.setRules([
      { path: /\/blobs\//, method: 'GET', fault: { kind: 'trickle', chunkBytes: 8 * KiB, everyMs: 50 } },
    ]);
    proxy.clearLog();
    const r = await pull(small);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.ms).toBeGreaterThan(32 * 50 * 0.9); // 32 chunks, 50 ms apart
    expect(proxy.bytesServed(blobPath(small))).toBe(256 * KiB);
  });

  it.sequential('status: 404 for a manifest, 500 for a blob', async () => {
    proxy.setRules([{ path: /\/manifests\/v1$/, fault: { kind: 'status', status: 404 } }]);
    proxy.clearLog();
    const notFound = await oras.run(['resolve', `${proxy.host}/${small.tagRef}`, ...auth()], { stdin: reg.password });
    expect(notFound.exitCode).toBe(1);
    expect(notFound.stderr).toMatch(/not found|404/i);

    proxy.setRules([{ path: /\/blobs\//, method: 'GET', fault: { kind: 'status', status: 500 } }]);
    proxy.clearLog();
    const failed = await pull(small);
    const tries = proxy.requestsTo(blobPath(small)).length;
    expect(failed.exitCode).toBe(1);
    expect(tries).toBeGreaterThanOrEqual(1);
  });

  it.sequential("times: a blob that fails twice with 503 is fetched on oras's third try", async () => {
    proxy.setRules([{ path: /\/blobs\//, method: 'GET', times: 2, fault: { kind: 'status', status: 503 } }]);
    proxy.clearLog();
    const r = await pull(small);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(proxy.requestsTo(blobPath(small)).map((q) => q.status)).toEqual([503, 503, 200]);
  });

  it.sequential('echoAuthorization: the error body repeats the credentials oras sent', async () => {
    proxy.setRules([{ path: /\/manifests\//, fault: { kind: 'echoAuthorization' } }]);
    proxy.clearLog();
    const r = await oras.run(['manifest', 'fetch', `${proxy.host}/${small.tagRef}`, ...auth()], {
      stdin: reg.password,
    });
    const basic = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
    const echoed = proxy.requestsTo(/\/manifests\//).filter((q) => q.fault === 'echoAuthorization');
    expect(r.exitCode).toBe(1);
    expect(echoed.some((q) => q.status === 401)).toBe(true); // first try had no credentials: passed through
    expect(echoed.some((q) => q.status === 400)).toBe(true);
    // oras prints the registry's error message verbatim: the credential lands on its stderr.
    expect(r.stderr).toContain(`request carried Authorization: Basic ${basic}`);
  });

  it.sequential.each([false, true])(
    'oversize: a 1 KiB blob served as 200 MiB (declareLength %s)',
    async (declareLength) => {
      proxy.setRules([
        { path: /\/blobs\//, method: 'GET', fault: { kind: 'oversize', totalBytes: 200 * MiB, declareLength } },
      ]);
      proxy.clearLog();
      const r = await pull(tiny, 20_000);
      const served = proxy.bytesServed(blobPath(tiny));
      // oras reads at most a little past the descriptor's size, then fails: "trailing data" without a
      // length, "mismatch Content-Length" with one. The proxy saw only socket-buffer-sized reads.
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(declareLength ? /mismatch Content-Length/ : /trailing data/);
      expect(served).toBeGreaterThan(KiB);
      expect(served).toBeLessThan(16 * MiB);
    },
  );

  it.sequential.each(['self', 'chain'] as const)(
    'referrersLoop (%s): oras follows every Link; the proxy counts each page',
    async (linkTo) => {
      // A descriptor only this fake API lists: seeing it proves oras used the API, not the tag fallback.
      const marker = {
        mediaType: OCI_MANIFEST,
        digest: `sha256:${'ab'.repeat(32)}`,
        size: 321,
        artifactType: 'application/x-marker',
      };
      const maxPages = 200;
      proxy.setRules([
        {
          path: REFERRERS_PATH,
          method: 'GET',
          fault: { kind: 'referrersLoop', maxPages, linkTo, manifests: [marker] },
        },
      ]);
      proxy.clearLog();
      const r = await oras.run(['discover', `${proxy.host}/${small.tagRef}`, '--format', 'json', ...auth()], {
        stdin: reg.password,
        timeoutMs: 20_000,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      // oras 1.3 also walks the marker's own referrers (discover recurses), so count the subject only.
      const pages = proxy.requestsTo(`/v2/hostile/small/referrers/${small.digest}`);
      // Neither oras notices the loop: it asks again until the server stops sending Link.
      expect(pages).toHaveLength(maxPages);
      const urls = new Set(pages.map((p) => p.url));
      expect(urls.size).toBe(linkTo === 'self' ? 1 : maxPages);
      expect(r.stdout).toContain(marker.digest);
    },
  );
});

describe('registry proxy counters and shutdown (Node client)', () => {
  let reg: Registry;
  let tiny: CraftedArtifact;
  beforeAll(async () => {
    reg = await startRegistry();
    tiny = await craftArtifact(reg, 'hostile/counters', 'v1', [{ content: randomBytes(KiB), title: 't.bin' }]);
  });
  afterAll(async () => reg?.stop());

  /** GETs `path` through the proxy with credentials, reads `stopAfter` bytes, then hangs up. */
  const readSome = (proxy: RegistryProxy, path: string, stopAfter: number) =>
    new Promise<number>((resolve, reject) => {
      const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
      const req = request(
        `${proxy.url}${path}`,
        { headers: { authorization: `Basic ${auth}` }, agent: false },
        (res) => {
          let got = 0;
          res.on('data', (c: Buffer) => {
            got += c.length;
            if (got >= stopAfter) {
              req.destroy();
              resolve(got);
            }
          });
          res.on('end', () => resolve(got));
          res.on('error', () => resolve(got));
        },
      );
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      req.end();
    });

  it('bytesServed: a client that stops after 1 MiB of a 200 MiB body was served far less than the body', async () => {
    const proxy = await startRegistryProxy(reg, [
      { path: /\/blobs\//, fault: { kind: 'oversize', totalBytes: 200 * MiB, declareLength: true } },
    ]);
    try {
      const path = `/v2/hostile/counters/blobs/${tiny.layers[0]?.digest}`;
      expect(await readSome(proxy, path, MiB)).toBeGreaterThanOrEqual(MiB);
      const rec = await proxy.closed(path); // the proxy noticed the hang-up
      expect(rec?.finished).toBe(false);
      // What is above 1 MiB sat in loopback socket buffers (measured ~3.8 MiB in all), never the whole body.
      expect(proxy.bytesServed(path)).toBeLessThan(16 * MiB);
    } finally {
      await proxy.close();
    }
  });

  it('close() ends stalled connections at once; the client sees its body cut short', async () => {
    const proxy = await startRegistryProxy(reg, [{ path: /\/blobs\//, fault: { kind: 'stall', afterBytes: 100 } }]);
    const path = `/v2/hostile/counters/blobs/${tiny.layers[0]?.digest}`;
    const reading = readSome(proxy, path, KiB);
    await proxy.stalled(path);
    await proxy.close(); // had it waited for the stall to end, this would never resolve
    expect(await reading).toBe(100);
  });
});
