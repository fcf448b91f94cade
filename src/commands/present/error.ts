/**
 * A failure under --json: one JSON document on stdout too (the human error still goes to
 * stderr), so a script reading stdout always gets JSON. `verify` says `verified: false` with the
 * reasons. Light (no zod, no commander): cli.ts imports it at start-up.
 */
import { EXIT_CODES, type GhcrBlobError } from '../../core/errors.js';
import { SCHEMA_VERSION } from './presentation.js';

export function errorDocument(err: GhcrBlobError, command: string | undefined): object {
  const error = {
    code: err.code,
    exitCode: EXIT_CODES[err.code],
    message: err.message,
    ...(err.details.length ? { details: err.details } : {}),
    hints: err.recommendation ? [err.recommendation] : [],
  };
  const verdict =
    command === 'verify' && err.code === 'VERIFICATION_FAILED'
      ? { verified: false, reasons: [err.message, ...err.details] }
      : {};
  return { schemaVersion: SCHEMA_VERSION, ...verdict, error };
}

/** `--json` among the arguments (before `--`): a failure before the command ran still prints JSON. */
export function asksForJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}
