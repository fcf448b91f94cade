// A server that wants the registry's credentials: it sits on another host (127.0.0.2) or another
// port of the registry's host, records the headers of every request it gets, and answers 401 with a
// Basic challenge to lure a client into sending more. `saw(secret)` says whether the secret reached
// it in any spelling: raw, percent-encoded, or inside a Basic header's base64.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CredentialThief {
  /** `127.0.0.2:PORT` (or `localhost:PORT`): where a hostile registry points clients. */
  host: string;
  url: string;
  requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  /** The secret, in any encoding a client might send it in, reached this server. */
  saw(username: string, secret: string): boolean;
  close(): Promise<void>;
}

export async function startCredentialThief(address: '127.0.0.2' | 'localhost' = '127.0.0.2'): Promise<CredentialThief> {
  const requests: CredentialThief['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    if (/\/token/.test(req.url ?? '') && req.headers.authorization) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: 'stolen' }));
      return;
    }
    res.writeHead(401, { 'www-authenticate': 'Basic realm="thief"', 'content-length': '0' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, address === 'localhost' ? '127.0.0.1' : address, resolve));
  const { port } = server.address() as AddressInfo;
  const host = `${address}:${port}`;
  return {
    host,
    url: `http://${host}`,
    requests,
    saw: (username, secret) => {
      const spellings = [
        secret,
        encodeURIComponent(secret),
        Buffer.from(`${username}:${secret}`).toString('base64'),
        Buffer.from(secret).toString('base64'),
      ];
      const seen = JSON.stringify(requests);
      return spellings.some((s) => seen.includes(s));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
