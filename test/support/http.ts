// Minimal HTTP(S) client for talking to the test registry. node:http/https rather than fetch
// because the TLS registry uses a private CA, and undici (which would let fetch take one) is not
// a dependency we can import directly.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** PEM CA bundle trusted for https URLs (the only CA trusted, so a wrong CA fails). */
  ca?: string;
  timeoutMs?: number;
}

export function httpCall(url: string | URL, opts: HttpOptions = {}): Promise<HttpResponse> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const headers: Record<string, string> = { ...opts.headers };
  if (body) headers['content-length'] = String(body.length);
  const common = {
    method: opts.method ?? 'GET',
    headers,
    // No keep-alive: a pooled socket would keep the worker alive and outlive a stopped registry.
    agent: false as const,
    timeout: opts.timeoutMs ?? 10_000,
  };
  return new Promise((resolvePromise, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    };
    const req =
      target.protocol === 'https:'
        ? httpsRequest(target, { ...common, ...(opts.ca ? { ca: opts.ca } : {}) }, onResponse)
        : httpRequest(target, common, onResponse);
    req.on('timeout', () => req.destroy(new Error(`timeout after ${common.timeout} ms: ${common.method} ${target}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Relays one request to `target` untouched (or with `headers` in place of the client's) and pipes
 * the answer back: the pass-through half of the small loopback servers in test support.
 */
export function relayRequest(
  target: URL,
  req: IncomingMessage,
  res: ServerResponse,
  headers: IncomingHttpHeaders = req.headers,
): void {
  const up = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
    (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    },
  );
  up.on('error', () => res.destroy());
  req.pipe(up);
}
