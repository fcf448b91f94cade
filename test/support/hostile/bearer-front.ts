// Token auth in front of the real test registry, the way ghcr.io and Docker Hub do it: every
// request needs `Authorization: Bearer <token>`, else 401 `Bearer realm=…,service=…,scope=…`;
// the realm hands out a token for Basic `user:password` that the registry accepts. The realm is
// this server's own `/token` unless `realm` names another place (a hostile registry's choice).
// Requests with a valid token go on to the registry with its Basic credentials.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relayRequest } from '../http.js';

export interface BearerFront {
  /** `localhost:PORT` for oras. */
  host: string;
  /** Tokens handed out so far. */
  issued: number;
  close(): Promise<void>;
}

export async function startBearerFront(
  upstream: { url: string; username: string; password: string },
  opts: {
    realm?: string /** Challenge without a scope (distribution's token auth does so on /v2/). */;
    noScope?: boolean;
  } = {},
): Promise<BearerFront> {
  const target = new URL(upstream.url);
  const basic = `Basic ${Buffer.from(`${upstream.username}:${upstream.password}`).toString('base64')}`;
  const tokens = new Set<string>();
  let port = 0;
  const front: BearerFront = { host: '', issued: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      req.resume();
      if (req.headers.authorization !== basic) {
        res.writeHead(401, { 'content-length': '0' });
        res.end();
        return;
      }
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      front.issued += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token }));
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) {
      req.resume();
      const realm = opts.realm ?? `http://localhost:${port}/token`;
      const name = /^\/v2\/(.+?)\/(?:manifests|blobs|tags|referrers)\//.exec(url.pathname)?.[1] ?? 'x';
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="${realm}",service="front"${opts.noScope ? '' : `,scope="repository:${name}:pull"`}`,
        'content-length': '0',
      });
      res.end();
      return;
    }
    relayRequest(target, req, res, { ...req.headers, authorization: basic });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  front.host = `localhost:${port}`;
  front.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return front;
}
