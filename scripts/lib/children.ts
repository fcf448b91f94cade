// The processes a script starts, each in its own process group so that stopping one also stops
// the oras/cosign it started. A cleanup that removes the sandbox first kills whatever still runs:
// otherwise a `pull` interrupted halfway could recreate its output folder after the sandbox is gone.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export class Children {
  private readonly running = new Set<ChildProcess>();

  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, { ...options, detached: true });
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    child.once('error', () => this.running.delete(child));
    return child;
  }

  /** SIGKILLs every process group still running and waits (at most 2 s) until they are gone. */
  async killAll(): Promise<void> {
    const waits = [...this.running].map((child) => {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      return gone;
    });
    await Promise.race([Promise.all(waits), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }
}
