// Cleanup that survives the test process being killed. process.on('exit') does not run when a
// vitest worker is SIGTERMed/SIGKILLed (timeouts, teardown, Ctrl-C), so leftovers would pile up:
// registries listening forever, temp HOMEs. Instead a tiny `sh` sidecar blocks reading a pipe from
// us; the kernel closes that pipe however we die, and the sidecar then runs the cleanup.
import { spawn } from 'node:child_process';

export interface DeathHook {
  /** Runs the cleanup now (and ends the sidecar). */
  fire(): void;
  /** Ends the sidecar without running the cleanup (the caller cleaned up itself). */
  cancel(): void;
}

/**
 * `script` is run by `sh -c` with `args` as $1, $2…; it runs when this process dies or fire() is
 * called. Pass values as args, never interpolate them into the script.
 */
export function onProcessDeath(script: string, args: string[]): DeathHook {
  const sidecar = spawn('sh', ['-c', `read -r line; [ "$line" = cancel ] && exit 0; ${script}`, 'on-death', ...args], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true, // own process group: a Ctrl-C to the runner's group must not kill it before we die
  });
  sidecar.unref();
  // The pipe must not keep the event loop (and so the vitest worker) alive.
  (sidecar.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  sidecar.stdin?.on('error', () => {}); // sidecar already gone: nothing left to do
  let done = false;
  const send = (line: string): void => {
    if (done) return;
    done = true;
    sidecar.stdin?.end(`${line}\n`);
  };
  return { fire: () => send('fire'), cancel: () => send('cancel') };
}
