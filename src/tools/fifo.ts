/**
 * Hands a secret to a child that only takes a file path (cosign --identity-token), without the
 * secret ever being stored: a 0600 FIFO in a private 0700 folder. Node's child pipes are UNIX
 * sockets that cosign cannot open as /dev/stdin, so a named pipe is the portable way.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_COMMAND_MS } from '../core/deadlines.js';
import { privateTempDir } from '../core/fs.js';

export interface SecretFifo {
  path: string;
  /** Writes the secret once the child opens the FIFO; gives up when `stop` resolves. */
  feed(stop: Promise<unknown>): Promise<void>;
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createSecretFifo(secret: string): Promise<SecretFifo> {
  const dir = await privateTempDir();
  const path = join(dir.path, 'token');
  // Node has no mkfifo(); coreutils' mkfifo takes only the path, never the secret.
  const { execa } = await import('execa');
  await execa('mkfifo', ['-m', '600', path], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    extendEnv: false,
    timeout: LOCAL_COMMAND_MS,
  });
  return {
    path,
    async feed(stop) {
      let stopped = false;
      void stop.finally(() => {
        stopped = true;
      });
      while (!stopped) {
        try {
          // Non-blocking open fails with ENXIO until a reader has the FIFO open; a blocking
          // open would hang forever if the child exits without reading.
          const fh = await open(path, constants.O_WRONLY | constants.O_NONBLOCK);
          try {
            await fh.write(secret);
          } finally {
            await fh.close(); // EOF for the reader
          }
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
          await sleep(5);
        }
      }
    },
    dispose: () => dir.dispose(),
  };
}
