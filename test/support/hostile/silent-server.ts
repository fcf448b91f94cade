// A TCP server on 127.0.0.1 that accepts every connection, reads what the client sends and never
// answers a byte: the "registry that hangs" a client must give up on by itself. oras has no timeout
// of its own against it (a manifest fetch waits forever), so tests use it to prove ours exists.
import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  /** `localhost:PORT`: oras speaks plain HTTP to localhost, so it gets as far as sending a request. */
  host: string;
  /** `http://127.0.0.1:PORT` for Node clients. */
  url: string;
  port: number;
  /** Connections accepted so far (a client that retries shows up as several). */
  connections(): number;
  /** Bytes the clients sent (a request line and headers arrived = the client did try). */
  bytesReceived(): number;
  /** Destroys every open connection, then stops listening. */
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const open = new Set<Socket>();
  let accepted = 0;
  let received = 0;
  const server = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => {}); // a client giving up resets the connection: expected here
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('startSilentServer: no port');
  const { port } = address;
  let closed: Promise<void> | undefined;
  return {
    host: `localhost:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    bytesReceived: () => received,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      })),
  };
}
