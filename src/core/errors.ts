/**
 * One error type for the whole tool. `code` says what went wrong; `src/cli.ts` is the only
 * place that turns a code into an exit status (see EXIT_CODES). Messages are for people and
 * must never carry a secret: anything that came from a child process is redacted first.
 */
export type ErrorCode =
  | 'USAGE' // bad flags, bad reference, unreadable input, unsafe policy, output exists
  | 'VERIFICATION_FAILED' // signature, identity, digest pin or artifact shape rejected
  | 'AUTH_FAILED' // the registry refused the credentials (or wanted some)
  | 'NOT_FOUND' // repository, tag, digest or referrer does not exist
  | 'TOOL_MISSING' // oras/cosign absent or of an unsupported version
  | 'REGISTRY_UNREACHABLE' // connection refused, DNS, TLS
  | 'OUTPUT_FAILED' // stdout (pull -o -) closed by its reader, or not read within the deadline
  | 'INTERNAL'; // anything else

/** The documented exit statuses (README "Exit codes"). Keep the two in step. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  INTERNAL: 1,
  USAGE: 2,
  VERIFICATION_FAILED: 3,
  AUTH_FAILED: 4,
  NOT_FOUND: 5,
  TOOL_MISSING: 6,
  REGISTRY_UNREACHABLE: 7,
  OUTPUT_FAILED: 8,
};

export interface GhcrBlobErrorOptions {
  /** One line telling the user what to do about it. */
  recommendation?: string;
  cause?: unknown;
  /** Extra lines shown under the message (e.g. expected vs actual identity). */
  details?: readonly string[];
}

export class GhcrBlobError extends Error {
  readonly code: ErrorCode;
  readonly recommendation?: string;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: GhcrBlobErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GhcrBlobError';
    this.code = code;
    this.recommendation = options.recommendation;
    this.details = options.details ?? [];
  }
}

export const usageError = (message: string, recommendation?: string, cause?: unknown): GhcrBlobError =>
  new GhcrBlobError('USAGE', message, { recommendation, cause });

export const verificationError = (message: string, details?: readonly string[], cause?: unknown): GhcrBlobError =>
  new GhcrBlobError('VERIFICATION_FAILED', message, { details, cause });

export const isGhcrBlobError = (e: unknown): e is GhcrBlobError => e instanceof GhcrBlobError;

/** The same failure with one more line under it (e.g. what was, or was not, changed). */
export function withDetail(err: unknown, line: string): GhcrBlobError {
  if (isGhcrBlobError(err)) {
    return new GhcrBlobError(err.code, err.message, {
      recommendation: err.recommendation,
      cause: err.cause,
      details: [...err.details, line],
    });
  }
  return new GhcrBlobError('INTERNAL', `unexpected error: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
    details: [line],
  });
}
