// A plain-HTTP proxy on 127.0.0.1 in front of the real test registry (./registry.ts). It passes
// every request through untouched (Host header included, so upload Locations point back at the
// proxy) unless a FaultRule matches; then it stalls, trickles, lies, fails or loops as told.
// Every request is recorded with the body bytes it was served, live, so a test can assert how much
// of a blob a client read before giving up.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { padTo, relayBody } from './body.js';
import { pickRule, type Fault, type FaultRule, type ProxiedRequest } from './faults.js';
import { answerReferrersLoop } from './referrers-loop.js';

export * from './faults.js';

export interface RegistryProxy {
  /** `localhost:PORT` for oras (plain HTTP without flags). */
  host: string;
  /** `http://127.0.0.1:PORT`; `{ ...registry, url: proxy.url }` makes registry-api.ts go through it. */
  url: string;
  /** Replaces the rules (and their `times` counters); [] = pure pass-through. */
  setRules(rules: FaultRule[]): void;
  /** Every request so far, oldest first; the last one may still be in progress. */
  requests: ProxiedRequest[];
  /** Requests whose path equals `path` (string) or matches it (RegExp). */
  requestsTo(path: string | RegExp): ProxiedRequest[];
  /** Body bytes served to clients on matching paths, summed over requests. */
  bytesServed(path: string | RegExp): number;
  /** Forgets recorded requests (rules stay). */
  clearLog(): void;
  /** Cuts every connection (stalled ones included) and stops listening. */
  close(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'content-length'];

function withoutLength(headers: IncomingMessage['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

export async function startRegistryProxy(upstream: { url: string }, rules: FaultRule[] = []): Promise<RegistryProxy> {
  const target = new URL(upstream.url);
  if (target.protocol !== 'http:') throw new Error('startRegistryProxy: plain-HTTP registries only');
  let current = rules;
  let used = new Map<FaultRule, number>();
  const requests: ProxiedRequest[] = [];
  let closing = false;
  const isClosed = () => closing;

  // `holding`: a stalled client keeps its connection even after the registry side is dropped.
  const forward = (
    req: IncomingMessage,
    onResponse: (up: IncomingMessage) => void,
    res: ServerResponse,
    holding: () => boolean,
  ) => {
    const up = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: false,
      },
      onResponse,
    );
    up.on('error', () => holding() || res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, rec: ProxiedRequest, fault?: Fault) => {
    if (fault?.kind === 'status') {
      req.resume();
      rec.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `injected ${fault.status}` }] }));
      rec.finished = true;
      return;
    }
    if (fault?.kind === 'echoAuthorization' && req.headers.authorization) {
      req.resume();
      rec.status = fault.status ?? 400;
      const message = `request carried Authorization: ${req.headers.authorization}`;
      res.writeHead(rec.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message, detail: req.headers.authorization }] }));
      rec.finished = true;
      return;
    }
    if (fault?.kind === 'referrersLoop') {
      req.resume();
      answerReferrersLoop(req, res, rec, fault, requests);
      return;
    }
    let holding = false;
    forward(
      req,
      (up) => {
        rec.status = up.statusCode ?? 0;
        void (async () => {
          if (fault?.kind === 'oversize') {
            const declared = fault.declareLength ? { 'content-length': String(fault.totalBytes) } : {};
            res.writeHead(rec.status, { ...withoutLength(up.headers), ...declared });
            const ok =
              (await relayBody(up, res, rec, { isClosed })) && (await padTo(res, rec, fault.totalBytes, isClosed));
            if (ok) res.end();
            rec.finished = ok;
            return;
          }
          res.writeHead(rec.status, up.headers);
          if (fault?.kind === 'stall') {
            // Keep the socket open and silent: the client believes more is coming (Content-Length).
            holding = true;
            await relayBody(up, res, rec, { limit: fault.afterBytes ?? 0, isClosed });
            return;
          }
          const pace = fault?.kind === 'trickle' ? { chunkBytes: fault.chunkBytes, everyMs: fault.everyMs } : undefined;
          const ok = await relayBody(up, res, rec, { isClosed, ...(pace ? { pace } : {}) });
          if (ok) res.end();
          rec.finished = ok;
        })().catch(() => holding || res.destroy());
      },
      res,
      () => holding,
    );
  };

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const rule = pickRule(current, used, method, path);
    const rec: ProxiedRequest = { method, path, url: req.url ?? path, status: 0, bodyBytes: 0, finished: false };
    if (rule) rec.fault = rule.fault.kind;
    requests.push(rec);
    res.on('error', () => {});
    handle(req, res, rec, rule?.fault).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const matches = (p: string | RegExp) => (r: ProxiedRequest) =>
    typeof p === 'string' ? r.path === p : p.test(r.path);
  let closed: Promise<void> | undefined;
  return {
    host: `localhost:${port}`,
    url: `http://127.0.0.1:${port}`,
    setRules: (next) => {
      current = next;
      used = new Map();
    },
    requests,
    requestsTo: (p) => requests.filter(matches(p)),
    bytesServed: (p) => requests.filter(matches(p)).reduce((n, r) => n + r.bodyBytes, 0),
    clearLog: () => void requests.splice(0),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        closing = true;
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
