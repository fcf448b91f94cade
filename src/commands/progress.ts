/**
 * Progress for long transfers, for a person watching a terminal: bytes and percent while a pull
 * fills its private folder, elapsed time while a push runs. One line on stderr, redrawn in place
 * four times a second and cleared when done. Never when stderr is not a TTY, nor with NO_COLOR,
 * TERM=dumb, --quiet or in GitHub Actions (logs are not terminals).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isActions } from '../core/actions.js';

export interface Progress {
  stop(): void;
}

const NONE: Progress = { stop: () => {} };
const INTERVAL_MS = 250;

export function progressWanted(
  env: NodeJS.ProcessEnv,
  stream: { isTTY?: boolean } = process.stderr,
  argv: readonly string[] = process.argv,
): boolean {
  if (!stream.isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb' || isActions(env)) return false;
  return !argv.includes('--quiet') && !argv.includes('-q');
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

const elapsed = (start: number) => `${Math.floor((Date.now() - start) / 1000)}s`;

/** Bytes under `dir` (the private folder a pull writes into); files vanish and appear as it works. */
function bytesUnder(dir: string): number {
  let total = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    try {
      if (e.isDirectory()) total += bytesUnder(path);
      else if (e.isFile()) total += statSync(path).size;
    } catch {
      // removed between listing and stat
    }
  }
  return total;
}

function start(render: () => string, env: NodeJS.ProcessEnv): Progress {
  if (!progressWanted(env)) return NONE;
  const draw = () => process.stderr.write(`\r\u001b[K${render()}`);
  draw();
  const timer = setInterval(draw, INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      process.stderr.write('\r\u001b[K');
    },
  };
}

/** A download into `dir`: bytes so far, and percent of `total` when it is known. */
export function watchDownload(env: NodeJS.ProcessEnv, label: string, dir: string, total?: number): Progress {
  const began = Date.now();
  return start(() => {
    const got = bytesUnder(dir);
    const of =
      total && total > 0 ? ` / ${formatBytes(total)} (${Math.min(100, Math.floor((got / total) * 100))}%)` : '';
    return `${label}: ${formatBytes(got)}${of}, ${elapsed(began)}`;
  }, env);
}

/** An upload we cannot see into (oras reports nothing): its size and the time it has taken so far. */
export function watchUpload(env: NodeJS.ProcessEnv, label: string, size: number): Progress {
  const began = Date.now();
  return start(() => `${label}: ${formatBytes(size)}, ${elapsed(began)}`, env);
}

/** Runs `work` with a progress line, cleared however it ends. */
export async function withProgress<T>(progress: Progress, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    progress.stop();
  }
}
