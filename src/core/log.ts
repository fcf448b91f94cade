/** People's messages go to stderr; stdout carries only data (and --json). */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  /** A warning (never silenced by --quiet); under GitHub Actions also a `::warning::` annotation. */
  warn?(message: string): void;
}

export function createLogger(opts: { quiet?: boolean; debug?: boolean } = {}): Logger {
  return {
    info: (message) => {
      if (!opts.quiet) process.stderr.write(`${message}\n`);
    },
    warn: (message) => process.stderr.write(`${message}\n`),
    // Milliseconds since the process started (Node's own start included): where time goes.
    debug: (message) => {
      if (opts.debug) process.stderr.write(`debug: [${Math.round(performance.now())} ms] ${message}\n`);
    },
  };
}

export const silentLogger: Logger = { info: () => {}, debug: () => {} };
