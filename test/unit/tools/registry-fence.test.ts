// The fence alone, against a made-up registry on loopback: it wants its one-run key, adds the
// credential only for the registry, and points only the registry's own URLs back at itself.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fence, startFence } from '../../../src/tools/registry-fence.js';

const seen: IncomingHttpHeaders[] = [];
let port = 0;
const upstream = createServer((req, res) => {
  seen.push(req.headers);
  if (!req.headers.authorization) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="r"', 'content-length': '0' });
    res.end();
    return;
  }
  const location =
    req.url === '/v2/o/r/blobs/uploads/'
      ? `http://localhost:${port}/v2/o/r/blobs/uploads/1?state=x`
      : `http://127.0.0.2:${port}/elsewhere`;
  res.writeHead(202, { location, link: `<http://localhost:${port}/v2/o/r/tags/list?n=1>; rel="next"` });
  res.end();
});
let fence: Fence;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

beforeAll(async () => {
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  port = (upstream.address() as AddressInfo).port;
  fence = await startFence({
    registryHost: `localhost:${port}`,
    plainHttp: false,
    username: 'u',
    secret: 's3cret',
    timeoutMs: 5000,
  });
});
afterAll(async () => {
  await fence.close();
  upstream.close();
});

describe('registry fence', () => {
  it('refuses a request without its key and never contacts the registry for it', async () => {
    seen.length = 0;
    const res = await fetch(`http://${fence.host}/v2/o/r/blobs/uploads/`, { method: 'POST' });
    expect(res.status).toBe(401);
    const wrong = await fetch(`http://${fence.host}/v2/`, {
      headers: { authorization: basic(fence.username, 'guess') },
    });
    expect(wrong.status).toBe(401);
    expect(seen).toEqual([]);
  });

  it("answers the registry's Basic challenge with the credential, and points only the registry's URLs at itself", async () => {
    seen.length = 0;
    const headers = { authorization: basic(fence.username, fence.key) };
    const own = await fetch(`http://${fence.host}/v2/o/r/blobs/uploads/`, {
      method: 'POST',
      headers,
      redirect: 'manual',
    });
    expect(own.status).toBe(202);
    expect(own.headers.get('location')).toBe(`http://${fence.host}/v2/o/r/blobs/uploads/1?state=x`);
    expect(own.headers.get('link')).toBe(`<http://${fence.host}/v2/o/r/tags/list?n=1>; rel="next"`);
    const other = await fetch(`http://${fence.host}/v2/o/r/blobs/sha256:1`, { headers, redirect: 'manual' });
    expect(other.headers.get('location')).toBe(`http://127.0.0.2:${port}/elsewhere`);
    // The registry got the real credential (after its challenge), never the fence's key.
    expect(seen.map((h) => h.authorization)).toContain(basic('u', 's3cret'));
    expect(JSON.stringify(seen)).not.toContain(fence.key);
  });
});
