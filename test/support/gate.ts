// A loopback gate in front of a registry that holds the first N requests until all N have
// arrived, then lets them through together; later requests pass straight through. It makes
// "two first requests race" happen every time instead of by timing luck: the registry's answers
// to all N come back only after every one of them was sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relayRequest } from './http.js';

export interface Gate {
  /** `localhost:PORT`. */
  host: string;
  port: number;
  /** Where requests go; set before the first request arrives (a front may need the gate's port first). */
  upstream: string;
  /** Requests that passed, in arrival order: method, path and whether they carried Authorization. */
  seen: { method: string; path: string; authorized: boolean }[];
  close(): Promise<void>;
}

/** Held requests that never reach N are answered 504 after `deadlineMs`, so a test fails instead of hanging. */
export async function startGate(n: number, opts: { upstream?: string; deadlineMs?: number } = {}): Promise<Gate> {
  const held: { go: () => void; res: ServerResponse }[] = [];
  let open = false;
  const gate: Gate = { host: '', port: 0, upstream: opts.upstream ?? '', seen: [], close: async () => {} };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    relayRequest(new URL(gate.upstream), req, res);
  };
  const server = createServer((req, res) => {
    res.on('error', () => {});
    gate.seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorized: req.headers.authorization !== undefined,
    });
    if (open) {
      forward(req, res);
      return;
    }
    req.pause();
    held.push({ go: () => forward(req, res), res });
    if (held.length >= n) {
      open = true;
      for (const h of held.splice(0)) h.go();
    }
  });
  const deadline = setTimeout(() => {
    open = true;
    for (const h of held.splice(0)) {
      h.res.writeHead(504, { 'content-length': '0' });
      h.res.end();
    }
  }, opts.deadlineMs ?? 30_000);
  deadline.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.port = (server.address() as AddressInfo).port;
  gate.host = `localhost:${gate.port}`;
  gate.close = () =>
    new Promise<void>((resolve) => {
      clearTimeout(deadline);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return gate;
}
