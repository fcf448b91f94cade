// Watches every readable /proc/*/cmdline and /proc/*/environ for a secret while an operation runs:
// the proof that credentials reach oras/cosign only over stdin. Argv is world-readable and environ
// is readable by the same uid (and inherited by every grandchild), so either is a leak.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface Sighting {
  pid: number;
  where: 'cmdline' | 'environ';
  comm: string;
}

/**
 * A sighting in the environment of a Node process (ghcr-blob itself, where the user put the secret).
 * `/proc/PID/comm` shows the main thread's name: "node" up to Node 22, "MainThread" from Node 24 on.
 */
export function isNodeOwnEnvironment(s: Sighting): boolean {
  return s.where === 'environ' && (s.comm === 'node' || s.comm === 'MainThread');
}

export interface ScanReport {
  /** Completed passes over /proc; assert it is large enough that the scan meant something. */
  scans: number;
  sightings: Sighting[];
  /** Distinct processes whose cmdline or environ could be read (the scanner's own pid excluded). */
  processesSeen: number;
  /** Their command names (`/proc/PID/comm`, e.g. "oras"), to prove the target was observed. */
  commsSeen: string[];
}

export interface LeakScanner {
  /**
   * Resolves once a whole pass over /proc that began after this call has finished: every process
   * alive throughout has then been read. A test that must see a process keeps it alive until then.
   */
  sync(): Promise<void>;
  /** Ends scanning and returns what was found. Call it after the operation under test finished. */
  stop(): Promise<ScanReport>;
}

const CHILD = fileURLToPath(new URL('./proc-scanner-child.mjs', import.meta.url));

/** Starts scanning; resolves once a first full pass over /proc has completed. */
export async function startLeakScanner(secret: string | Buffer): Promise<LeakScanner> {
  const needle = typeof secret === 'string' ? Buffer.from(secret) : secret;
  if (needle.length === 0) throw new Error('startLeakScanner: empty secret');
  // The secret goes over stdin only; a minimal env keeps the scanner's own /proc entries uninteresting
  // (it skips its own pid, so anything there would be a blind spot rather than a finding).
  const child = spawn(process.execPath, [CHILD], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const exited = once(child, 'exit');
  const out = createInterface({ input: child.stdout });
  const lines = out[Symbol.asyncIterator]();
  child.stdin.write(`${needle.toString('base64')}\n`);

  const first = await lines.next();
  if (first.done || first.value !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`proc scanner did not start (got ${JSON.stringify(first.value)})`);
  }

  let report: Promise<ScanReport> | undefined;
  return {
    sync: async () => {
      child.stdin.write('sync\n');
      const line = await lines.next();
      if (line.done || line.value !== 'synced')
        throw new Error(`proc scanner did not sync (got ${JSON.stringify(line.value)})`);
    },
    stop: () =>
      (report ??= (async () => {
        child.stdin.end('stop\n');
        const line = await lines.next();
        await exited;
        if (line.done) throw new Error('proc scanner exited without a report');
        return JSON.parse(line.value) as ScanReport;
      })()),
  };
}
