/**
 * oras exits 1 for every failure; the cause is only in its text. This maps that text to our
 * error codes. Input is already redacted (see exec.ts).
 */
import { type ErrorCode, GhcrBlobError } from '../core/errors.js';
import { printableLine } from '../core/printable.js';
import { errorLine } from './child-output.js';

interface Rule {
  test: RegExp;
  code: ErrorCode;
  recommendation?: string;
}

// Order matters: "basic credential not found" is an auth problem, not a missing artifact.
const RULES: readonly Rule[] = [
  {
    // oras 1.3 refuses some token realms itself ("bearer realm host … is a loopback …").
    test: /bearer realm|realm host/i,
    code: 'AUTH_FAILED',
    recommendation: "the registry names a token service oras will not use; check the registry's auth setup",
  },
  {
    test: /basic credential not found|credential required/i,
    code: 'AUTH_FAILED',
    recommendation: 'give a token with --password-stdin or GHCR_TOKEN',
  },
  {
    test: /\b401\b|unauthorized|authentication required/i,
    code: 'AUTH_FAILED',
    recommendation: 'check the user name and token (ghcr.io needs read:packages / write:packages)',
  },
  {
    test: /\b403\b|forbidden|denied/i,
    code: 'AUTH_FAILED',
    recommendation: 'the token lacks permission for this repository',
  },
  {
    // oras's own 4 MiB manifest limit ("content size N exceeds MaxBytes 4194304").
    test: /exceeds MaxBytes|size exceeds limit/i,
    code: 'VERIFICATION_FAILED',
    recommendation: 'the registry sent a manifest larger than 4 MiB; a ghcr-blob manifest is a few hundred bytes',
  },
  {
    // More bytes than the descriptor names: not the content that was asked for.
    test: /trailing data|mismatch Content-Length/i,
    code: 'VERIFICATION_FAILED',
    recommendation: 'the registry sent more bytes than the content it named; do not trust this registry',
  },
  {
    // oras checks what it downloads against the digest it asked for (`oras blob fetch`).
    test: /mismatched digest|digest mismatch/i,
    code: 'VERIFICATION_FAILED',
    recommendation: 'the registry sent other bytes than the digest names; do not trust this registry',
  },
  {
    test: /server gave HTTP response to HTTPS client/i,
    code: 'REGISTRY_UNREACHABLE',
    recommendation: 'this registry speaks plain HTTP: pass --plain-http',
  },
  {
    // Go says `x509: …` and `tls: …`; a repository may itself be named tls (`octo/tls:v1`).
    test: /x509:|\btls: /i,
    code: 'REGISTRY_UNREACHABLE',
    recommendation: "pass --ca-file with the registry's CA certificate",
  },
  {
    // oras already retried it (429/5xx, five tries): the registry is not serving.
    test: /\b(500|502|503|504)\b|service unavailable|bad gateway|gateway timeout|internal server error/i,
    code: 'REGISTRY_UNREACHABLE',
    recommendation: 'the registry is failing (5xx) even after retries; try again later',
  },
  {
    test: /connection refused|no such host|dial tcp|i\/o timeout|network is unreachable|connection reset|EOF$/im,
    code: 'REGISTRY_UNREACHABLE',
    recommendation: 'check the registry host and port, and that it is running',
  },
  { test: /invalid reference/i, code: 'USAGE' },
  {
    test: /not found|\b404\b|name unknown|manifest unknown|blob unknown/i,
    code: 'NOT_FOUND',
    recommendation: 'check the repository, tag or digest',
  },
];

/** The line that says what went wrong: oras prefixes it with "Error:". */
export const causeLine = (stderr: string): string =>
  errorLine(stderr, { from: 'first', match: /^Error/, strip: /^(Error:\s*)?(Error response from registry:\s*)?/ });

/** Who the registry was told we are: a refusal names it, since the user may not have chosen it. */
export interface SentUser {
  username: string;
  placeholder?: boolean;
}

export function orasFailure(action: string, stderr: string, sent?: SentUser): GhcrBlobError {
  const cause = causeLine(stderr);
  const rule = RULES.find((r) => r.test.test(cause)) ?? RULES.find((r) => r.test.test(stderr));
  const refused = rule?.code === 'AUTH_FAILED' && sent !== undefined;
  return new GhcrBlobError(rule?.code ?? 'INTERNAL', `${action} failed: ${cause}`, {
    recommendation: rule?.recommendation,
    details: refused ? [sentUserLine(sent)] : undefined,
  });
}

function sentUserLine(sent: SentUser): string {
  const name = printableLine(JSON.stringify(sent.username));
  return sent.placeholder
    ? `sent as user ${name}, ghcr-blob's placeholder (no -u/--username, no GITHUB_ACTOR): ghcr.io takes any name with a token; other registries want yours, with -u USER`
    : `sent as user ${name}`;
}
