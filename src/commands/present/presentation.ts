/**
 * What a command shows, decided in one place per command (present/<command>.ts) and printed by
 * output.ts: people's messages (stderr), the data lines (stdout without --json), the --json
 * document, and the step outputs --github-output / --github-summary write.
 */
/** Every --json document's shape version: a script checks it before reading the rest. */
export const SCHEMA_VERSION = 1;

export interface Presentation {
  /** For people, in order (stderr; --quiet drops them). */
  messages: readonly string[];
  /** stdout without --json: data only, one item a line. */
  lines: readonly string[];
  /** The --json document; output.ts adds `schemaVersion`. */
  json: object;
  /** Step outputs (name, value), in order; the job summary shows the same rows. */
  outputs: ReadonlyArray<readonly [string, string]>;
}

/** The rows whose value is known, in the order given. */
export const known = (rows: ReadonlyArray<readonly [string, string | undefined]>): Array<[string, string]> =>
  rows.filter((r): r is [string, string] => r[1] !== undefined);
