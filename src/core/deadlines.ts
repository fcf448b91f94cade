/**
 * Deadlines are data: every wait ghcr-blob has is bounded by a value from here, passed down
 * from cli.ts to each child process and each network request, so one flag (--timeout) or one
 * variable (GHCR_BLOB_TIMEOUT) shortens or lengthens all of them, and tests can shrink them.
 *
 * Progress, not size, decides: a step that keeps moving bytes is never stopped, however long it
 * takes; a step that moves nothing for `stallMs` is. Steps that must also end (a referrer
 * listing that links to itself keeps "moving") have a total budget as well.
 */
import { usageError } from './errors.js';

export interface Deadlines {
  /** A child or request that shows no progress for this long is stopped (exit 7). */
  stallMs: number;
  /** The whole of one bounded step: a referrer listing, a trust or identity-token fetch. */
  stepMs: number;
  /** How often a running child's progress is sampled. */
  pollMs: number;
  /** After SIGTERM, how long a stopped child gets before SIGKILL. */
  killGraceMs: number;
}

/** 60 s without progress, plus at most a few seconds of winding down: a stalled registry fails within 90 s. */
export const DEFAULT_TIMEOUT_MS = 60_000;
export const TIMEOUT_ENV = 'GHCR_BLOB_TIMEOUT';
/** Local helper commands that touch no network (mkfifo): they finish at once or something is wrong. */
export const LOCAL_COMMAND_MS = 10_000;
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `90s`, `2m`, `1.5s`, `500ms`, `1h`; a bare number is seconds. */
export function parseDuration(text: string, from: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 's']! : Number.NaN;
  if (!Number.isFinite(ms) || ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    throw usageError(
      `${from}: "${text.slice(0, 40)}" is not a duration between 100ms and 24h`,
      'e.g. --timeout 90s, --timeout 5m, --timeout 500ms',
    );
  }
  return Math.round(ms);
}

export function deadlinesFor(timeoutMs: number): Deadlines {
  return {
    stallMs: timeoutMs,
    stepMs: timeoutMs,
    pollMs: Math.max(20, Math.min(500, Math.floor(timeoutMs / 10))),
    killGraceMs: Math.min(2_000, Math.max(100, Math.floor(timeoutMs / 4))),
  };
}

/**
 * Metadata (a manifest, a referrer listing, a bundle) is small: a read of it must end, not only
 * keep moving. Its total budget is the step budget plus the time its size cap takes at
 * METADATA_FLOOR_BYTES_PER_S, so a registry trickling 2 bytes a second is stopped once that has
 * passed, while a large but honest read still fits.
 */
export const METADATA_FLOOR_BYTES_PER_S = 1024 * 1024;

export const metadataBudgetMs = (deadlines: Deadlines, capBytes: number): number =>
  deadlines.stepMs + Math.ceil((capBytes / METADATA_FLOOR_BYTES_PER_S) * 1000);

/** --timeout wins over GHCR_BLOB_TIMEOUT, which wins over the default. */
export function resolveDeadlines(flag: string | undefined, env: NodeJS.ProcessEnv): Deadlines {
  if (flag !== undefined) return deadlinesFor(parseDuration(flag, '--timeout'));
  const fromEnv = env[TIMEOUT_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return deadlinesFor(parseDuration(fromEnv, TIMEOUT_ENV));
  return deadlinesFor(DEFAULT_TIMEOUT_MS);
}

/** "90s", "1.5s", "500ms": how a limit is named in messages. */
export const formatDuration = (ms: number): string => (ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(1))}s`);

/** Why a step was stopped; always REGISTRY_UNREACHABLE (exit 7) with the limit and how to change it. */
export const TIMEOUT_HINT = `the other end stopped answering; retry later, or allow more with --timeout DURATION or ${TIMEOUT_ENV}`;

/**
 * Races a promise that cannot be cancelled (an in-process network request) against `ms`. The
 * loser keeps running but nobody waits for it; the CLI exits once the command has failed.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
