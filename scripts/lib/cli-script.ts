// What the demo and the bench share as command-line scripts: flag parsing whose complaints are
// usage errors (exit 2), and one place that turns main()'s outcome into an exit code.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: reported as one line, exit 2. */
export class UsageError extends Error {}

/** Ctrl-C or SIGTERM: reported as one line; the signal handler sets the exit status. */
export class Interrupted extends Error {}

/** parseArgs, with its complaints (unknown option, missing value) turned into usage errors. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Runs main(); a usage mistake prints its message, anything else its stack too. */
export function runScript(name: string, main: () => Promise<number>, scrub: (text: string) => string = (t) => t): void {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      const text =
        err instanceof UsageError || err instanceof Interrupted || !(err instanceof Error)
          ? String((err as Error)?.message ?? err)
          : (err.stack ?? err.message);
      process.stderr.write(`\n${name} failed: ${scrub(text)}\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}
