// A tiny path router on a real HTTP server bound to 127.0.0.1:0. Real cosign
// binaries are separate processes, so nock-style interception (what
// @sigstore/mock's own mockFulcio() uses) cannot reach them.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StackRequestLog } from './types.js';

export interface RouteRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RouteReply {
  status: number;
  body: string | ArrayBufferView;
  contentType?: string;
  headers?: Record<string, string>;
  /** Why the request was refused; recorded in the request log, also sent as the body. */
  error?: string;
}

export type Route = (req: RouteRequest) => Promise<RouteReply>;

/** Keys are `METHOD /path`. */
export type Routes = Record<string, Route>;

const MAX_BODY = 1024 * 1024; // every Sigstore request is small; refuse anything odd

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function serve(getRoutes: () => Routes, log: StackRequestLog[]): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const route = getRoutes()[`${method} ${path}`];
      const pending: Promise<RouteReply> =
        size > MAX_BODY
          ? Promise.resolve({ status: 413, body: '', error: 'body too large' })
          : route
            ? route({ headers: req.headers, body: Buffer.concat(chunks) })
            : Promise.resolve({ status: 404, body: '', error: 'no such route' });
      void pending
        .catch((e: unknown): RouteReply => ({ status: 500, body: '', error: String(e) }))
        .then((reply) => {
          log.push({ method, path, status: reply.status, ...(reply.error ? { error: reply.error } : {}) });
          const body =
            reply.error && !reply.body ? JSON.stringify({ code: reply.status, message: reply.error }) : reply.body;
          res.writeHead(reply.status, {
            'content-type': reply.contentType ?? 'application/json',
            ...reply.headers,
          });
          res.end(typeof body === 'string' ? body : new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // cosign keeps connections alive; without this close() waits for their timeout.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
