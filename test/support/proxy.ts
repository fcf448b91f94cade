// A tiny forward proxy on loopback that counts what passes through it: plain-HTTP requests in
// absolute form (`GET http://host/path`) are forwarded; CONNECT tunnels are recorded and either
// opened or refused (403), so a test can prove traffic went through the proxy without the internet.
import { connect } from 'node:net';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxySeen {
  method: string;
  /** `http://host:port/path` for forwarded requests, `host:port` for CONNECT. */
  target: string;
}

export interface CountingProxy {
  url: string;
  seen: ProxySeen[];
  /** The headers of each request in `seen`, in the same order. */
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export interface CountingProxyOptions {
  tunnel?: boolean;
  /** Names the proxy resolves itself (name → address), as a corporate proxy knows internal hosts. */
  hosts?: Record<string, string>;
}

export async function startCountingProxy(opts: CountingProxyOptions = {}): Promise<CountingProxy> {
  const seen: ProxySeen[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const resolve = (host: string) => opts.hosts?.[host] ?? host;
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', target: req.url ?? '' });
    headers.push({ ...req.headers });
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const upstream = request(
      {
        host: resolve(target.hostname),
        port: target.port || 80,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: { ...req.headers, host: target.host, connection: 'close' },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket) => {
    seen.push({ method: 'CONNECT', target: req.url ?? '' });
    headers.push({ ...req.headers });
    if (!opts.tunnel) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const up = connect(Number(port), resolve(host ?? ''), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
