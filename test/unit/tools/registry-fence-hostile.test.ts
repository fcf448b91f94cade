// The fence (and its warm-up) against a hostile registry on loopback: what it may send where, and
// that nothing it answers (slowly, or not at all) holds a request past the fence's own deadline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fence, type FenceOptions, startFence } from '../../../src/tools/registry-fence.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

interface Seen {
  url: string;
  authorization?: string;
}
/** A loopback server answering with `handle`; every request it got, with its credential. */
async function server(handle: (req: IncomingMessage, res: ServerResponse, port: number) => void) {
  const seen: Seen[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const s: Server = createServer((req, res) => {
    req.resume();
    seen.push({
      url: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    handle(req, res, port);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  opened.push({
    close: () =>
      new Promise((r) => {
        for (const t of timers) clearInterval(t);
        s.closeAllConnections();
        s.close(r);
      }),
  });
  return { port, seen, timers };
}
const challenge = (realm: string, scope = 'repository:o/r:pull') => ({
  'www-authenticate': `Bearer realm="${realm}",service="s",scope="${scope}"`,
  'content-length': '0',
});
async function fenceFor(port: number, more: Partial<FenceOptions> = {}): Promise<Fence> {
  const fence = await startFence({
    registryHost: `localhost:${port}`,
    plainHttp: true,
    username: 'u',
    secret: 'pw',
    timeoutMs: 5000,
    warmUp: { repository: 'o/r', access: 'pull' },
    ...more,
  });
  opened.push(fence);
  return fence;
}
const get = async (fence: Fence, path = '/v2/o/r/manifests/v1') => {
  const res = await fetch(`http://${fence.host}${path}`, {
    headers: { authorization: basic(fence.username, fence.key) },
  });
  await res.arrayBuffer();
  return res.status;
};
const tokenReply = (res: ServerResponse) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok' }));
/** What an honest registry answers: its token passes, anything else gets the challenge for its own service. */
const asRegistry = (req: IncomingMessage, res: ServerResponse, port: number) => {
  if (req.headers.authorization === 'Bearer tok') res.writeHead(200, { 'content-length': '0' }).end();
  else res.writeHead(401, challenge(`http://localhost:${port}/token`)).end();
};

describe('registry fence against a hostile registry', () => {
  it('a token service that trickles its answer is cut off at the deadline, not waited on byte by byte', async () => {
    const reg = await server((req, res, port) => {
      if (req.url?.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '65000' });
        // One byte well within the fence's idle limit, for ever.
        const t = setInterval(() => res.write(' '), 20);
        reg.timers.add(t);
        res.on('close', () => clearInterval(t));
        return;
      }
      res.writeHead(401, challenge(`http://localhost:${port}/token`)).end();
    });
    const fence = await fenceFor(reg.port, { timeoutMs: 300 });
    // Failed (the test's own timeout) when the token request had only an idle timeout.
    expect(await get(fence)).toBe(400);
    expect(fence.failure()?.code).toBe('REGISTRY_UNREACHABLE');
  });

  it('follows no redirect of the probe, and sends the credential to no other host', async () => {
    const other = await server((_req, res) => res.writeHead(401, challenge('http://127.0.0.1/token')).end());
    const reg = await server((req, res, port) => {
      if (req.url === '/v2/') {
        res.writeHead(307, { location: `http://127.0.0.1:${other.port}/v2/`, 'content-length': '0' }).end();
        return;
      }
      if (req.url?.startsWith('/token')) return tokenReply(res);
      asRegistry(req, res, port);
    });
    const fence = await fenceFor(reg.port);
    expect(await get(fence)).toBe(200);
    expect(other.seen).toEqual([]);
  });

  it('asks a token only for the run’s own repository, whatever scope the probe’s challenge names', async () => {
    const reg = await server((req, res, port) => {
      if (req.url === '/v2/') {
        res.writeHead(401, challenge(`http://localhost:${port}/token`, 'repository:victim/secret:pull,push')).end();
        return;
      }
      if (req.url?.startsWith('/token')) return tokenReply(res);
      asRegistry(req, res, port);
    });
    const fence = await fenceFor(reg.port);
    expect(await get(fence)).toBe(200);
    const scopes = reg.seen
      .filter((s) => s.url.startsWith('/token'))
      .map((s) => new URL(s.url, 'http://x').searchParams.getAll('scope'));
    expect(scopes).toEqual([['repository:o/r:pull']]);
  });

  for (const [what, realm] of [
    ['with user info', (port: number) => `http://x:y@localhost:${port}/token`],
    ['on another port', (port: number) => `http://localhost:${port + 1}/token`],
    ['over https', (port: number) => `https://localhost:${port}/token`],
    ['on 127.0.0.1 for localhost', (port: number) => `http://127.0.0.1:${port}/token`],
  ] as const) {
    it(`sends nothing to a realm ${what} named by the probe`, async () => {
      const reg = await server((req, res, port) => {
        if (req.url?.startsWith('/token')) return tokenReply(res);
        res.writeHead(401, challenge(realm(port))).end();
      });
      const fence = await fenceFor(reg.port);
      expect(await get(fence)).toBe(401);
      expect(reg.seen.filter((s) => s.authorization !== undefined)).toEqual([]);
      expect(fence.failure()?.code).toBe('AUTH_FAILED');
    });
  }

  it('a realm that moves between the probe and a repository request: no token for the old one is asked again, nothing goes to the new host', async () => {
    const elsewhere = await server((_req, res) => tokenReply(res));
    const reg = await server((req, res, port) => {
      if (req.url === '/v2/') return res.writeHead(401, challenge(`http://localhost:${port}/token`)).end();
      if (req.url?.startsWith('/token')) return tokenReply(res);
      res.writeHead(401, challenge(`http://127.0.0.1:${elsewhere.port}/token`)).end();
    });
    const fence = await fenceFor(reg.port);
    expect(await get(fence)).toBe(401);
    expect(elsewhere.seen).toEqual([]);
    expect(reg.seen.filter((s) => s.url.startsWith('/token'))).toHaveLength(1);
    expect(fence.failure()?.code).toBe('AUTH_FAILED');
  });

  it('a 401 probe without a challenge, or a 200 one, prepares nothing and sends no credential', async () => {
    for (const status of [401, 200]) {
      const reg = await server((_req, res) => res.writeHead(status, { 'content-length': '0' }).end());
      const fence = await fenceFor(reg.port);
      expect(await get(fence)).toBe(status);
      expect(reg.seen.filter((s) => s.authorization !== undefined)).toEqual([]);
    }
  });
  it('a short probe answer whose body is cut off, or never sent, neither crashes the fence nor holds its request', async () => {
    for (const cut of [true, false]) {
      const reg = await server((req, res, port) => {
        if (req.url === '/v2/') {
          const { 'content-length': _, ...headers } = challenge(`http://localhost:${port}/token`);
          res.writeHead(401, { ...headers, 'content-length': '100' });
          res.write('0123456789');
          if (cut) res.socket?.destroy();
          return;
        }
        if (req.url?.startsWith('/token')) return tokenReply(res);
        asRegistry(req, res, port);
      });
      const fence = await fenceFor(reg.port);
      expect(await get(fence)).toBe(200);
      expect(fence.failure()).toBeUndefined();
    }
  });
  it('a refusal for the push scope is kept to that scope: reads still get their token', async () => {
    const reg = await server((req, res, port) => {
      if (req.url?.startsWith('/token')) {
        const scope = new URL(req.url, 'http://x').searchParams.get('scope');
        if (scope === 'repository:o/r:pull') return tokenReply(res);
        return res.writeHead(403, { 'content-length': '0' }).end();
      }
      asRegistry(req, res, port);
    });
    const fence = await fenceFor(reg.port, { warmUp: { repository: 'o/r', access: 'push' } });
    expect(await get(fence)).toBe(200);
    expect(await get(fence)).toBe(200);
    expect(fence.failure()).toBeUndefined();
    const res = await fetch(`http://${fence.host}/v2/o/r/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: basic(fence.username, fence.key) },
    });
    await res.arrayBuffer();
    expect(res.status).toBe(401);
    expect(fence.failure()?.code).toBe('AUTH_FAILED');
    // The refused scope was asked once (by the warm-up), not again by the upload.
    expect(reg.seen.filter((s) => s.url.includes('pull%2Cpush'))).toHaveLength(1);
  });
  it('a realm whose own query names a scope adds nothing to what the warm-up asks', async () => {
    const reg = await server((req, res, port) => {
      if (req.url?.startsWith('/token')) return tokenReply(res);
      if (req.headers.authorization === 'Bearer tok') return res.writeHead(200, { 'content-length': '0' }).end();
      res.writeHead(401, challenge(`http://localhost:${port}/token?scope=repository:victim/secret:pull,push`)).end();
    });
    const fence = await fenceFor(reg.port);
    expect(await get(fence)).toBe(200);
    const scopes = reg.seen
      .filter((s) => s.url.startsWith('/token'))
      .map((s) => new URL(s.url, 'http://x').searchParams.getAll('scope'));
    // Failed when the realm's own scope went along: [['repository:victim/secret:pull,push', 'repository:o/r:pull']].
    expect(scopes).toEqual([['repository:o/r:pull']]);
  });
  it('a token service that fails the warm-up’s ask (503) is asked again by the request: a failure is no refusal', async () => {
    let asks = 0;
    const reg = await server((req, res, port) => {
      if (req.url?.startsWith('/token')) {
        asks++;
        if (asks === 1) return res.writeHead(503, { 'content-length': '0' }).end();
        return tokenReply(res);
      }
      asRegistry(req, res, port);
    });
    const fence = await fenceFor(reg.port);
    // Was 401 (AUTH_FAILED, "refused the credentials (HTTP 503)"): the warm-up's failure was kept as a refusal.
    expect(await get(fence)).toBe(200);
    expect(asks).toBe(2);
    expect(fence.failure()).toBeUndefined();
  });
});
