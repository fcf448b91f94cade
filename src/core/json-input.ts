/**
 * The one reader for JSON that someone else wrote: bundles, trusted roots, signing configs,
 * manifests, oras output. Size is capped before reading, the text is parsed, zod checks the
 * shape, and every failure reads the same way: `<source> is not <what>: <field>: <reason>`.
 */
import { readFile, stat } from 'node:fs/promises';
import type * as z from 'zod';
import { type ErrorCode, GhcrBlobError, isGhcrBlobError, usageError } from './errors.js';

/**
 * Bundles and trusted roots are a few kB. Anything past this is almost surely the blob passed
 * where the bundle belongs; refusing it early avoids reading gigabytes into memory.
 */
export const MAX_JSON_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * Reads a small input file; a missing, unreadable or oversized file is a USAGE error.
 * `expected` says what size such a file has (for the message).
 */
export async function readSmallFile(
  path: string,
  what: string,
  maxBytes = MAX_JSON_INPUT_BYTES,
  expected = 'a small JSON file',
): Promise<string> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw usageError(`${what} ${path} is not a regular file`);
    size = info.size;
  } catch (e) {
    throw isGhcrBlobError(e) ? e : usageError(`cannot read ${what} ${path}: ${reasonOf(e)}`, undefined, e);
  }
  if (size > maxBytes) {
    throw usageError(
      `${what} ${path} is ${size} bytes; a ${what} is ${expected}`,
      'Check the order of the arguments: was the signed file given in its place?',
    );
  }
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read ${what} ${path}: ${reasonOf(e)}`, undefined, e);
  }
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: string };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, reason: `not valid JSON (truncated?): ${reasonOf(e)}` };
  }
}

export interface UntrustedJsonSource {
  /** Names the input in messages, e.g. `bundle ./b.json` or `the registry's manifest`. */
  source: string;
  /** What it should be, e.g. `a Sigstore bundle`. */
  what: string;
  /** USAGE for the user's files, VERIFICATION_FAILED for registry content, INTERNAL for tool output. */
  code: ErrorCode;
  recommendation?: string;
}

/** Parses and checks untrusted JSON text; any failure is a GhcrBlobError of `from.code`. */
export function parseUntrustedJson<T>(text: string, schema: z.ZodType<T>, from: UntrustedJsonSource): T {
  const json = parseJson(text);
  if (!json.ok) throw new GhcrBlobError(from.code, `${from.source} is ${json.reason}`);
  return checkUntrustedJson(json.value, schema, from);
}

/** The zod half of parseUntrustedJson, for a caller that looked at the parsed value first. */
export function checkUntrustedJson<T>(value: unknown, schema: z.ZodType<T>, from: UntrustedJsonSource): T {
  const checked = schema.safeParse(value);
  if (!checked.success) {
    throw new GhcrBlobError(from.code, `${from.source} is not ${from.what}: ${describeZodError(checked.error)}`, {
      recommendation: from.recommendation,
      cause: checked.error,
    });
  }
  return checked.data;
}

/**
 * `tlogs[0].publicKey.validFor.start: Invalid input…`, for at most three zod issues. An unknown
 * key of a strict object is named by its own path (`signers[0].sourceRf: unknown key`).
 */
export function describeZodError(error: z.ZodError): string {
  const issues = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown key' }))
      : [issue],
  );
  const lines = issues.slice(0, 3).map((issue) => `${issuePath(issue.path)}: ${plain(issue.message)}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return lines.join('; ') + more;
}

/** zod says "Invalid input: expected string, received undefined" for an absent field. */
const plain = (message: string): string => (/received undefined$/.test(message) ? 'missing' : message);

function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(top level)' : out;
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** A short reason without the path again (Node's fs messages repeat it). */
export const reasonOf = (e: unknown): string => {
  if (e instanceof Error && 'code' in e && typeof e.code === 'string') return FS_REASONS[e.code] ?? e.code;
  return e instanceof Error ? e.message : String(e);
};
