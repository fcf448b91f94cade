// Undo actions, run once in reverse order: when the work ends, or on Ctrl-C / SIGTERM (then the
// process exits 128 + the signal number, as a shell reports it).

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export class Cleanup {
  private readonly undo: (() => unknown)[] = [];
  /** The signal that started the cleanup, if one did: work failing after it is no news. */
  interruptedBy: string | undefined;

  add(fn: () => unknown): void {
    this.undo.push(fn);
  }

  /** Runs every undo action, newest first; one failing does not stop the others. */
  async run(): Promise<void> {
    for (const fn of this.undo.splice(0).reverse())
      await Promise.resolve()
        .then(fn)
        .catch(() => {});
  }

  /** Cleans up and exits on SIGINT/SIGTERM until the returned function is called. */
  onSignals(): () => void {
    const handlers = Object.entries(SIGNAL_EXIT).map(([signal, code]) => {
      const handler = (): void => {
        this.interruptedBy = signal;
        void this.run().finally(() => process.exit(code));
      };
      process.once(signal, handler);
      return () => process.off(signal, handler);
    });
    return () => {
      for (const off of handlers) off();
    };
  }
}
