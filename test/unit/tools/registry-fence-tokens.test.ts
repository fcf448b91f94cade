// The fence's token cache against a made-up token-auth registry on loopback: a token the registry
// refuses (expired) is replaced, not sent again; a credential the token service refuses ends there.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fence, type FenceOptions, startFence } from '../../../src/tools/registry-fence.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

interface Upstream {
  port: number;
  /** Every ask of the token service, granted or not. */
  asks: number;
  /** `GET /v2/` probes, and whether one carried a credential. */
  probes: (string | undefined)[];
  /** The realm the challenge names; the registry's own /token unless a test moves it. */
  realm?: string;
  /** The probe is never answered. */
  stallProbe?: boolean;
  /** A stalled probe's connection is still open (the fence has not given up on it). */
  probeOpen: boolean;
  /** probeOpen as it was when each request to the registry arrived. */
  probeOpenAt: boolean[];
  /** The probe's 401 comes with a body that never ends. */
  endlessProbe?: boolean;
  /** The connection that body was sent on has closed. */
  endlessClosed: boolean;
  /** Tokens the registry accepts; the test takes one away to expire it. */
  valid: Set<string>;
  issued: string[];
  seen: (string | undefined)[];
}
async function tokenRegistry(password: string): Promise<Upstream> {
  const up: Upstream = {
    port: 0,
    asks: 0,
    probes: [],
    endlessClosed: false,
    probeOpen: false,
    probeOpenAt: [],
    valid: new Set(),
    issued: [],
    seen: [],
  };
  const challenge = () => ({
    'www-authenticate': `Bearer realm="${up.realm ?? `http://localhost:${up.port}/token`}",service="s",scope="repository:o/r:pull"`,
    'content-length': '0',
  });
  const server: Server = createServer((req, res) => {
    req.resume();
    if (req.url === '/v2/') {
      up.probes.push(req.headers.authorization);
      if (up.endlessProbe) {
        const { 'content-length': _, ...headers } = challenge();
        res.writeHead(401, headers);
        res.on('close', () => {
          up.endlessClosed = true;
        });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const more = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on('drain', more);
        more();
        return;
      }
      if (!up.stallProbe) res.writeHead(401, challenge()).end();
      else {
        up.probeOpen = true;
        res.on('close', () => {
          up.probeOpen = false;
        });
      }
      return;
    }
    if (req.url?.startsWith('/token')) {
      up.asks++;
      if (req.headers.authorization !== basic('u', password)) {
        res.writeHead(401, { 'content-length': '0' }).end();
        return;
      }
      const token = `t${up.issued.length + 1}`;
      up.issued.push(token);
      up.valid.add(token);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
      return;
    }
    up.seen.push(req.headers.authorization);
    up.probeOpenAt.push(up.probeOpen);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !up.valid.has(token)) {
      res.writeHead(401, challenge()).end();
      return;
    }
    res.writeHead(200, { 'content-length': '2' }).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  up.port = (server.address() as AddressInfo).port;
  opened.push({
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  });
  return up;
}
async function fenceFor(up: Upstream, secret: string, more: Partial<FenceOptions> = {}): Promise<Fence> {
  const fence = await startFence({
    registryHost: `localhost:${up.port}`,
    plainHttp: true,
    username: 'u',
    secret,
    timeoutMs: 5000,
    ...more,
  });
  opened.push(fence);
  return fence;
}
const get = async (fence: Fence) => {
  const res = await fetch(`http://${fence.host}/v2/o/r/manifests/v1`, {
    headers: { authorization: basic(fence.username, fence.key) },
  });
  await res.arrayBuffer();
  return res.status;
};

describe('registry fence tokens', () => {
  it('replaces a token the registry no longer accepts instead of sending it again', async () => {
    const up = await tokenRegistry('pw');
    const fence = await fenceFor(up, 'pw');
    expect(await get(fence)).toBe(200);
    expect(up.issued).toEqual(['t1']);
    up.valid.delete('t1'); // expired
    expect(await get(fence)).toBe(200);
    expect(up.issued).toEqual(['t1', 't2']);
    expect(up.seen).toEqual([undefined, 'Bearer t1', 'Bearer t1', 'Bearer t2']);
  });

  it('answers 401 to racing requests when the token service refuses the credential, and asks nothing more', async () => {
    const up = await tokenRegistry('pw');
    const fence = await fenceFor(up, 'wrong');
    expect(await Promise.all([get(fence), get(fence)])).toEqual([401, 401]);
    // Both requests went without a credential, then the token service refused both asks; nothing was retried.
    expect(up.seen).toEqual([undefined, undefined]);
    expect(fence.failure()?.code).toBe('AUTH_FAILED');
  });
});

describe('registry fence warm-up (the run says which repository it is for)', () => {
  const warmUp = { warmUp: { repository: 'o/r', access: 'pull' as const } };

  it('asks how the registry wants credentials, without one, and fetches the token before oras asks', async () => {
    const up = await tokenRegistry('pw');
    const fence = await fenceFor(up, 'pw', warmUp);
    expect(await get(fence)).toBe(200);
    expect(up.probes).toEqual([undefined]);
    // The first request oras makes already carries the token: no unauthenticated attempt first.
    expect(up.seen).toEqual(['Bearer t1']);
    expect(up.issued).toEqual(['t1']);
  });

  it('asks for push as well as pull when the run writes', async () => {
    const up = await tokenRegistry('pw');
    await fenceFor(up, 'pw', { warmUp: { repository: 'o/r', access: 'push' } });
    await expect.poll(() => up.asks).toBe(2);
  });

  it('offers a credential the token service refused only once, and the request that follows says so', async () => {
    const up = await tokenRegistry('pw');
    const fence = await fenceFor(up, 'wrong', warmUp);
    expect(await Promise.all([get(fence), get(fence)])).toEqual([401, 401]);
    expect(up.asks).toBe(1);
    // Nothing with a credential reached the registry itself.
    expect(up.seen).toEqual([]);
    expect(fence.failure()?.code).toBe('AUTH_FAILED');
  });

  it('sends nothing to a token service on another host; the request that follows reports it', async () => {
    const up = await tokenRegistry('pw');
    const elsewhere = await tokenRegistry('pw');
    up.realm = `http://127.0.0.1:${elsewhere.port}/token`;
    const fence = await fenceFor(up, 'pw', warmUp);
    expect(await get(fence)).toBe(401);
    expect(elsewhere.asks + up.asks).toBe(0);
    expect(fence.failure()?.code).toBe('AUTH_FAILED');
  });

  it('a probe the registry never answers holds requests a quarter of the deadline, not all of it', async () => {
    const up = await tokenRegistry('pw');
    up.stallProbe = true;
    // Requests wait 2 s for the warm-up; the probe itself is given the whole 8 s.
    const fence = await fenceFor(up, 'pw', { ...warmUp, timeoutMs: 8000 });
    expect(await get(fence)).toBe(200);
    // They went the usual way (challenge, then token) while the probe was still unanswered.
    expect(up.seen).toEqual([undefined, 'Bearer t1']);
    expect(up.probeOpenAt).toEqual([true, true]);
  });

  it('cuts off an answer to the probe that never ends, and still gets ready from its challenge', async () => {
    const up = await tokenRegistry('pw');
    up.endlessProbe = true;
    const fence = await fenceFor(up, 'pw', warmUp);
    expect(await get(fence)).toBe(200);
    expect(up.seen).toEqual(['Bearer t1']);
    // Not drained for the rest of the run: the fence hung up on it.
    await expect.poll(() => up.endlessClosed).toBe(true);
  });
});
