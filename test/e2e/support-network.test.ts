// Proves the network test support does what it claims, with the real oras of both Debian
// generations as the client, so the benchmark's network profile and the token-auth e2e tests can
// trust it: the latency proxy (latency-proxy.ts) and the GHCR-like registry (ghcr-like.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retypeFallbackEntries, startGhcrLikeRegistry, type GhcrLikeRegistry } from '../support/ghcr-like.js';
import { startLatencyProxy } from '../support/latency-proxy.js';
import { sealedOras } from '../support/oras.js';
import { craftArtifact, getManifest, OCI_EMPTY } from '../support/registry-api.js';
import { GENERATIONS } from '../support/tools.js';

const scratch = mkdtempSync(join(tmpdir(), 'ghcr-blob-network-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An echo server: what the proxy forwards comes back through it. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends `bytes` through a fresh connection to `port` and collects everything echoed back. */
function roundTrip(port: number, bytes: Buffer): Promise<{ echoed: Buffer; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve({ echoed: Buffer.concat(chunks), ms: performance.now() - started }));
    s.on('error', reject);
    s.end(bytes);
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

describe('latency proxy', () => {
  it('passes bytes through unchanged and in order both ways, each direction at least delayMs late', async () => {
    const echo = await echoServer();
    // A window smaller than the payload: the sender is paused and resumed many times on the way.
    const proxy = await startLatencyProxy({
      target: { host: '127.0.0.1', port: echo.port },
      delayMs: 15,
      windowBytes: 64 * 1024,
    });
    try {
      const payload = randomBytes(4 * 1024 * 1024);
      const { echoed, ms } = await roundTrip(proxy.port, payload);
      expect(echoed.equals(payload)).toBe(true);
      // A lower bound only: a busy machine makes it later, never earlier (handshake + there + back).
      expect(ms).toBeGreaterThanOrEqual(4 * 15);
      expect(proxy.connections()).toBe(1);
    } finally {
      await proxy.close();
      echo.server.close();
    }
    expect(await refused(proxy.port)).toBe(true);
  });

  it('stops itself after its lifetime, closing the connections it holds', async () => {
    const echo = await echoServer();
    const proxy = await startLatencyProxy({
      target: { host: '127.0.0.1', port: echo.port },
      delayMs: 1,
      lifetimeMs: 300,
    });
    try {
      const s = connect(proxy.port, '127.0.0.1');
      s.on('error', () => {});
      // Held open by us; the proxy's lifetime ends it (the test's own timeout is the deadline).
      await new Promise<void>((resolve) => s.once('close', () => resolve()));
      expect(await refused(proxy.port)).toBe(true);
    } finally {
      await proxy.close();
      echo.server.close();
    }
  });

  it('refuses a delay it cannot bound', async () => {
    await expect(startLatencyProxy({ target: { host: '127.0.0.1', port: 1 }, delayMs: 60_000 })).rejects.toThrow(
      /delayMs/,
    );
  });
});

describe.each(GENERATIONS)('GHCR-like registry (token auth) with oras from %s', (gen) => {
  let reg: GhcrLikeRegistry;
  const file = join(scratch, `blob-${gen}.bin`);
  const out = () => mkdtempSync(join(scratch, 'out-'));

  beforeAll(async () => {
    reg = await startGhcrLikeRegistry({ generation: gen });
    writeFileSync(file, randomBytes(1024));
  });
  afterAll(async () => reg?.stop());

  const oras = () => sealedOras(gen, scratch);
  const auth = () => ['-u', reg.username, '--password-stdin'];

  it('names its token service on its own host:port, as ghcr.io does', async () => {
    const challenge = (await fetch(`${reg.url}/v2/`)).headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`realm="http://${reg.host}/token"`);
  });

  it('sends oras to its token service (Bearer challenge, scope) and accepts the JWT it signed', async () => {
    const push = await oras().run(['push', `${reg.host}/octo/tools/blob.bin:v1`, `blob-${gen}.bin`, ...auth()], {
      stdin: reg.password,
      cwd: scratch,
    });
    expect(push.exitCode, push.stderr).toBe(0);
    const dir = out();
    const pull = await oras().run(['pull', `${reg.host}/octo/tools/blob.bin:v1`, '-o', dir, ...auth()], {
      stdin: reg.password,
    });
    expect(pull.exitCode, pull.stderr).toBe(0);
    expect(readFileSync(join(dir, `blob-${gen}.bin`)).equals(readFileSync(file))).toBe(true);
    const granted = reg.tokenServer.requests.filter((r) => r.user === reg.username && r.status === 200);
    expect(granted.map((r) => r.scopes).flat()).toContain('repository:octo/tools/blob.bin:pull');
  });

  it('answers a wrong token with 401 at the token service, and oras fails', async () => {
    const before = reg.tokenServer.requests.length;
    const r = await oras().run(
      ['pull', `${reg.host}/octo/tools/blob.bin:v1`, '-o', out(), ...auth()],
      { stdin: `${reg.password}x` }, // the right token plus one character: still wrong
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/401|unauthorized/i);
    expect(reg.tokenServer.requests.slice(before).map((q) => q.status)).toContain(401);
  });

  it('lets anyone pull a public repository, and nobody pull a private one or push without a token', async () => {
    await craftArtifact(reg, 'public/tools/blob.bin', 'v1', [{ content: 'public bytes', title: 'blob.bin' }]);
    const dir = out();
    const pub = await oras().run(['pull', `${reg.host}/public/tools/blob.bin:v1`, '-o', dir]);
    expect(pub.exitCode, pub.stderr).toBe(0);
    expect(readFileSync(join(dir, 'blob.bin'), 'utf8')).toBe('public bytes');
    const priv = await oras().run(['pull', `${reg.host}/octo/tools/blob.bin:v1`, '-o', out()]);
    expect(priv.exitCode).not.toBe(0);
    expect(priv.stderr).toMatch(/unauthorized|401/i);
    const push = await oras().run(['push', `${reg.host}/public/tools/blob.bin:v2`, `blob-${gen}.bin`], {
      cwd: scratch,
    });
    expect(push.exitCode).not.toBe(0);
    expect(reg.tokenServer.requests.some((q) => q.user === null && q.status === 200)).toBe(true);
  });

  it('lists referrers in the fallback index only (no referrers API), typed empty once retyped as cosign writes them', async () => {
    const subject = await craftArtifact(reg, 'octo/sig', 'v1', [{ content: 'signed', title: 'x' }]);
    writeFileSync(join(scratch, 'sig.json'), '{}');
    const attach = await oras().run(
      ['attach', '--artifact-type', 'application/vnd.example', `${reg.host}/octo/sig:v1`, 'sig.json', ...auth()],
      { stdin: reg.password, cwd: scratch },
    );
    expect(attach.exitCode, attach.stderr).toBe(0);
    const referrers = await fetch(`${reg.url}/v2/octo/sig/referrers/${subject.digest}`);
    expect(referrers.status).not.toBe(200);
    expect(await retypeFallbackEntries(reg, 'octo/sig', subject.digest)).toBe(1);
    const index = await getManifest(reg, 'octo/sig', subject.digest.replace(':', '-'));
    expect(index.json.manifests).toEqual([expect.objectContaining({ artifactType: OCI_EMPTY })]);
  });
});

describe('GHCR-like registry across a network', () => {
  it('puts the registry and its token service (one host) behind a latency proxy, and still serves oras', async () => {
    const reg = await startGhcrLikeRegistry({ delayMs: 5 });
    try {
      expect(reg.proxies).toHaveLength(1);
      const subject = await craftArtifact(reg, 'octo/far', 'v1', [{ content: 'far away', title: 'far.txt' }]);
      const dir = mkdtempSync(join(scratch, 'far-'));
      const r = await sealedOras('sid', scratch).run(
        ['pull', `${reg.host}/octo/far:v1`, '-o', dir, '-u', reg.username, '--password-stdin'],
        { stdin: reg.password },
      );
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'far.txt'), 'utf8')).toBe('far away');
      expect(subject.digest).toMatch(/^sha256:/);
      // Both the registry and the token service were reached through the proxy.
      expect(reg.proxies.every((p) => p.connections() > 0)).toBe(true);
      expect(reg.tokenServer.requests.some((t) => t.user === reg.username && t.status === 200)).toBe(true);
    } finally {
      await reg.stop();
    }
  });
});
