// A loopback TCP proxy that makes a network out of loopback: every chunk is held `delayMs` in each
// direction (20 → a 40 ms round trip), and a new connection pays one extra round trip before its
// first byte arrives, as a TCP handshake does. Order is kept; nothing is changed.
//
// Bounded, so a test or a bench can never be taken down by it: at most `windowBytes` are held per
// direction of a connection (the sender is paused beyond that, as a TCP window would), at most
// `maxConnections` are open at once (more are refused), and the proxy stops itself — closing every
// connection — after `lifetimeMs`, or when close() is called. It never keeps the process alive.
import { connect, createServer, type Socket } from 'node:net';

export interface LatencyProxyOptions {
  /** Where connections go, e.g. the registry's `127.0.0.1:PORT`. */
  target: { host: string; port: number };
  /** Added to every chunk in each direction. A round trip costs twice this. */
  delayMs: number;
  /** Bytes held in flight per direction of one connection before the sender is paused. Default 32 MiB. */
  windowBytes?: number;
  /** Default 256. */
  maxConnections?: number;
  /** The proxy closes itself after this long. Default 30 minutes. */
  lifetimeMs?: number;
}

export interface LatencyProxy {
  /** `localhost:PORT`: oras speaks plain HTTP to localhost. */
  host: string;
  /** `http://127.0.0.1:PORT` for Node clients. */
  url: string;
  port: number;
  /** Connections accepted so far: each oras process opens its own. */
  connections(): number;
  close(): Promise<void>;
}

const MAX_DELAY_MS = 10_000;

/** Forwards `from` to `to`, each chunk no earlier than `delayMs` after it arrived (and than `notBefore`). */
function delayedPipe(from: Socket, to: Socket, delayMs: number, windowBytes: number, notBefore: number): void {
  const queue: { due: number; chunk: Buffer | null }[] = [];
  let held = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) {
      const { chunk } = queue.shift() as { chunk: Buffer | null };
      if (chunk === null) {
        to.end();
        return;
      }
      held -= chunk.length;
      to.write(chunk);
    }
    maybeResume();
    schedule();
  };
  // What the receiver has not taken yet counts too: a slow reader slows the sender, nothing piles up.
  const maybeResume = (): void => {
    if (from.isPaused() && held + to.writableLength <= windowBytes / 2) from.resume();
  };
  to.on('drain', maybeResume);
  const schedule = (): void => {
    const head = queue[0];
    if (timer || !head) return;
    timer = setTimeout(flush, Math.max(0, head.due - performance.now()));
    timer.unref();
  };
  const push = (chunk: Buffer | null): void => {
    queue.push({ due: Math.max(performance.now() + delayMs, notBefore), chunk });
    schedule();
  };
  from.on('data', (chunk: Buffer) => {
    held += chunk.length;
    push(chunk);
    if (held + to.writableLength > windowBytes) from.pause();
  });
  from.on('end', () => push(null));
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    queue.length = 0;
  };
  from.on('close', () => {
    if (!from.readableEnded) stop(); // reset, not a clean end: drop what is held
  });
  to.on('close', stop);
}

export async function startLatencyProxy(opts: LatencyProxyOptions): Promise<LatencyProxy> {
  const { delayMs } = opts;
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS)
    throw new Error(`startLatencyProxy: delayMs must be between 0 and ${MAX_DELAY_MS}`);
  const windowBytes = opts.windowBytes ?? 32 * 1024 ** 2;
  const open = new Set<Socket>();
  let accepted = 0;
  // Half-open allowed: each direction ends on its own, after its delay, as on a real link.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    accepted++;
    const upstream = connect({ port: opts.target.port, host: opts.target.host, allowHalfOpen: true });
    for (const [s, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(s);
      s.setNoDelay(true);
      // A reset on either side ends both at once; a clean close has already been passed on.
      s.on('error', () => other.destroy());
      s.on('close', (hadError) => {
        open.delete(s);
        if (hadError) other.destroy();
      });
    }
    // The handshake: the client's first byte reaches the far end one round trip later than it would.
    const established = performance.now() + 2 * delayMs;
    delayedPipe(client, upstream, delayMs, windowBytes, established + delayMs);
    delayedPipe(upstream, client, delayMs, windowBytes, 0);
  });
  server.maxConnections = opts.maxConnections ?? 256;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('startLatencyProxy: no port');
  const { port } = address;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }));
  const lifetime = setTimeout(() => void close(), opts.lifetimeMs ?? 30 * 60_000);
  lifetime.unref();
  return {
    host: `localhost:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    close,
  };
}
