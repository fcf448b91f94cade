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
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { padTo, relayBody } from './body.js';
import { pickRule, type FaultRule, type ProxiedRequest } from './faults.js';
import { answerEchoAuthorization, answerReferrersLoop, answerStatus, answerTagsLoop } from './made-up.js';

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
  /**
   * Resolves with the first request on a matching path that a `stall` rule has brought to its stall
   * point (the client has read `afterBytes` and waits for the rest): an event, not a poll.
   */
  stalled(path: string | RegExp): Promise<ProxiedRequest>;
  /** Resolves with the first request on a matching path whose connection to the client has closed. */
  closed(path: string | RegExp): Promise<ProxiedRequest>;
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
  // What happened to which request, as events a test can await (never a poll).
  const events = new EventEmitter();
  const seen = { stall: new Set<ProxiedRequest>(), close: new Set<ProxiedRequest>() };
  const mark = (what: keyof typeof seen, rec: ProxiedRequest): void => {
    seen[what].add(rec);
    events.emit(what, rec);
  };

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
    up.on('error', () => {
      if (!holding()) res.destroy();
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, rec: ProxiedRequest, rule?: FaultRule) => {
    let fault = rule?.fault;
    if (fault?.kind === 'status') {
      req.resume();
      answerStatus(res, rec, fault);
      return;
    }
    if (fault?.kind === 'echoAuthorization' && req.headers.authorization) {
      req.resume();
      answerEchoAuthorization(req.headers.authorization, res, rec, fault);
      return;
    }
    if (fault?.kind === 'referrersLoop') {
      req.resume();
      answerReferrersLoop(req, res, rec, fault, requests);
      return;
    }
    if (fault?.kind === 'tagsLoop') {
      req.resume();
      answerTagsLoop(req, res, rec, fault, requests);
      return;
    }
    if (fault?.kind === 'askFor') req.url = fault.path;
    let holding = false;
    forward(
      req,
      (up) => {
        rec.status = up.statusCode ?? 0;
        // Body faults are about downloads: a 401 challenge or an error passes through untouched
        // (and does not use up the rule's `times`), so auth still works in front of a stalled blob.
        const bodyFault = fault?.kind === 'stall' || fault?.kind === 'trickle' || fault?.kind === 'oversize';
        if (bodyFault && (rec.status < 200 || rec.status > 299)) {
          if (rule) used.set(rule, (used.get(rule) ?? 1) - 1);
          fault = undefined;
          delete rec.fault;
        }
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
            mark('stall', rec);
            return;
          }
          const pace = fault?.kind === 'trickle' ? { chunkBytes: fault.chunkBytes, everyMs: fault.everyMs } : undefined;
          const ok = await relayBody(up, res, rec, { isClosed, ...(pace ? { pace } : {}) });
          if (ok) res.end();
          rec.finished = ok;
        })().catch(() => {
          if (!holding) res.destroy();
        });
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
    res.on('close', () => mark('close', rec));
    handle(req, res, rec, rule);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const matches = (p: string | RegExp) => (r: ProxiedRequest) =>
    typeof p === 'string' ? r.path === p : p.test(r.path);
  const first = (what: keyof typeof seen, p: string | RegExp): Promise<ProxiedRequest> => {
    const already = requests.find((r) => seen[what].has(r) && matches(p)(r));
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => {
      const on = (r: ProxiedRequest) => {
        if (!matches(p)(r)) return;
        events.off(what, on);
        resolve(r);
      };
      events.on(what, on);
    });
  };
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
    stalled: (p) => first('stall', p),
    closed: (p) => first('close', p),
    clearLog: () => {
      requests.splice(0);
      for (const set of Object.values(seen)) set.clear();
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        closing = true;
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
