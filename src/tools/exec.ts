/**
 * The only code that starts processes. Children get:
 * - an allow-listed environment (never GHCR_TOKEN, GITHUB_TOKEN or anything not listed),
 * - secrets only on stdin (never argv, never env),
 * - their output back as strings; callers show it only through `redact`.
 */
import { GhcrBlobError } from '../core/errors.js';
import { printable, printableLine, printableLines } from '../core/printable.js';
import { redact } from '../core/redact.js';
import type { Logger } from '../core/log.js';

/** Variables a child may inherit: locating things, locale, proxies and TLS trust. Nothing else. */
export const ENV_ALLOW_LIST: readonly string[] = [
  'PATH',
  'HOME',
  'TMPDIR',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'DOCKER_CONFIG',
  'XDG_CONFIG_HOME',
  'TUF_ROOT',
];

export function childEnv(
  parent: NodeJS.ProcessEnv,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ENV_ALLOW_LIST) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

export interface RunRequest {
  file: string;
  args: readonly string[];
  cwd?: string;
  /** Written to the child's stdin and then closed. Used for secrets. */
  stdin?: string;
  /** Strings that must never be shown: removed from everything returned. */
  secrets?: readonly (string | undefined)[];
  /** Additional variables (non-secret: file paths, URLs). */
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  /** Redacted. */
  stdout: string;
  /** Redacted. */
  stderr: string;
}

export type Runner = (request: RunRequest) => Promise<RunResult>;

/** Starts the process and waits; a non-zero exit is a result, not an exception. */
export function createRunner(log: Logger, parentEnv: NodeJS.ProcessEnv = process.env): Runner {
  return async (req) => {
    const secrets = req.secrets ?? [];
    log.debug(`run ${printable(redact([req.file, ...req.args].join(' '), secrets))}`);
    // Loaded on first use: --help and --version never start a process.
    const { execa } = await import('execa');
    const result = await execa(req.file, [...req.args], {
      cwd: req.cwd,
      env: childEnv(parentEnv, req.env),
      extendEnv: false,
      input: req.stdin ?? '',
      reject: false,
      stripFinalNewline: false,
      timeout: req.timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      windowsHide: true,
    });
    if (result.failed && result.exitCode === undefined) {
      const missing = (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      throw new GhcrBlobError(
        missing ? 'TOOL_MISSING' : 'INTERNAL',
        missing
          ? `cannot run ${req.file}: not found`
          : `cannot run ${req.file}: ${printableLine(redact(result.shortMessage ?? '', secrets))}`,
        { cause: result.cause },
      );
    }
    const out = {
      exitCode: result.exitCode ?? 1,
      stdout: redact(String(result.stdout ?? ''), secrets),
      stderr: redact(String(result.stderr ?? ''), secrets),
    };
    if (out.stderr.trim()) log.debug(`stderr: ${printableLines(out.stderr.trim())}`);
    return out;
  };
}
