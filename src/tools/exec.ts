/**
 * The only code that starts processes. Children get:
 * - an allow-listed environment (never GHCR_TOKEN, GITHUB_TOKEN or anything not listed),
 * - secrets only on stdin (never argv, never env),
 * - their output back as strings; callers show it only through `redact`,
 * - a deadline: no progress for --timeout stops them (exit 7),
 * - no life after ghcr-blob's: setpriv --pdeathsig KILL where util-linux has it.
 */
import { basename } from 'node:path';
import {
  type Deadlines,
  DEFAULT_TIMEOUT_MS,
  deadlinesFor,
  formatDuration,
  metadataBudgetMs,
  TIMEOUT_HINT,
} from '../core/deadlines.js';
import { GhcrBlobError } from '../core/errors.js';
import { printable, printableLine, printableLines } from '../core/printable.js';
import { redact } from '../core/redact.js';
import type { Logger } from '../core/log.js';
import { locateSetpriv } from './locate.js';
import { bytesUnder, processIoBytes } from './progress.js';

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
  /** Strings that must never be shown: removed (in every encoding) from everything returned. */
  secrets?: readonly (string | undefined)[];
  /**
   * Additional variables: file paths and URLs, never secrets, with one documented exception: a KMS
   * provider's own credential variables, for the cosign run that signs with that KMS (tools/kms.ts).
   */
  env?: Readonly<Record<string, string>>;
  /** Names the step in a timeout message, e.g. `oras manifest fetch host/repo:v1`. */
  step?: string;
  /** A file or folder the child writes: bytes arriving there count as progress. */
  watch?: string;
  /** A bounded read: stop the child once `watch` holds more than this many bytes. */
  maxBytes?: number;
  /** The step must also end within the step budget, however busy it is (e.g. a referrer listing). */
  bounded?: boolean;
  /**
   * A metadata read capped at this many bytes: it must end within its total budget
   * (core/deadlines.ts metadataBudgetMs), however slowly the bytes keep coming.
   */
  metadataCapBytes?: number;
  /**
   * stdout is data (bytes for a file, returned in `data`, never shown): more than this many
   * stops the child at once (VERIFICATION_FAILED). Caps what is read, not what is claimed.
   */
  stdoutLimit?: number;
  /** Stops the child (SIGTERM, then SIGKILL after the grace) when aborted; the run then throws. */
  signal?: AbortSignal;
  /** Called once the child has been started (so CPU work here can wait until it runs beside it). */
  onSpawn?: () => void;
}

export interface RunResult {
  exitCode: number;
  /** Redacted. */
  stdout: string;
  /** Redacted. */
  stderr: string;
  /** stdout as bytes, when `stdoutLimit` was given. */
  data?: Buffer;
}

export type Runner = (request: RunRequest) => Promise<RunResult>;

/** Waits `ms`, or less when `end` settles first (and then leaves no timer keeping Node alive). */
const pause = (ms: number, end: Promise<void>) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void end.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

type Stop = 'stalled' | 'budget' | 'over-limit';

/**
 * Samples the child's progress until it ends; stops it (SIGTERM, then SIGKILL after the grace
 * execa applies) when nothing moved for `stallMs`, the step budget ran out, or a bounded read
 * went past its limit. Resolves with why it stopped the child, if it did.
 */
async function watchChild(
  pid: number | undefined,
  req: RunRequest,
  deadlines: Deadlines,
  ended: () => boolean,
  stop: () => void,
  end: Promise<void>,
): Promise<Stop | undefined> {
  const started = Date.now();
  const budgetMs = stepBudgetMs(req, deadlines);
  let lastMove = started;
  let last = -1;
  while (!ended()) {
    // Cut short when the child ends: a finished step must not wait out the poll interval.
    await pause(deadlines.pollMs, end);
    if (ended()) return undefined;
    const written = req.watch ? await bytesUnder(req.watch) : 0;
    const moved = written + ((await processIoBytes(pid)) ?? 0);
    const now = Date.now();
    if (moved !== last) {
      last = moved;
      lastMove = now;
    }
    const why: Stop | undefined =
      req.maxBytes !== undefined && written > req.maxBytes
        ? 'over-limit'
        : now - lastMove >= deadlines.stallMs
          ? 'stalled'
          : budgetMs !== undefined && now - started >= budgetMs
            ? 'budget'
            : undefined;
    if (why && !ended()) {
      stop();
      return why;
    }
  }
  return undefined;
}

/** The total time a step may take, when it has one. */
function stepBudgetMs(req: RunRequest, deadlines: Deadlines): number | undefined {
  if (req.metadataCapBytes !== undefined) return metadataBudgetMs(deadlines, req.metadataCapBytes);
  return req.bounded ? deadlines.stepMs : undefined;
}

function stoppedError(why: Stop, step: string, req: RunRequest, deadlines: Deadlines): GhcrBlobError {
  if (why === 'over-limit') {
    const limit = req.stdoutLimit ?? req.maxBytes;
    return new GhcrBlobError('VERIFICATION_FAILED', `${step} was stopped: more than ${limit} bytes arrived`);
  }
  const message =
    why === 'stalled'
      ? `${step} stalled: no progress for ${formatDuration(deadlines.stallMs)}; stopped it`
      : `${step} did not finish within ${formatDuration(stepBudgetMs(req, deadlines) ?? deadlines.stepMs)}; stopped it`;
  return new GhcrBlobError('REGISTRY_UNREACHABLE', message, { recommendation: TIMEOUT_HINT });
}

/**
 * Starts the process and waits; a non-zero exit is a result, not an exception. Every child has
 * a deadline (see core/deadlines.ts) and, where util-linux setpriv exists, dies with ghcr-blob:
 * the kernel sends it SIGKILL when its parent is gone, even after a kill -9 of ghcr-blob.
 */
export function createRunner(
  log: Logger,
  parentEnv: NodeJS.ProcessEnv = process.env,
  deadlines: Deadlines = deadlinesFor(DEFAULT_TIMEOUT_MS),
): Runner {
  let setpriv: Promise<string | undefined> | undefined;
  return async (req) => {
    const secrets = req.secrets ?? [];
    const step = printable(redact(req.step ?? `${basename(req.file)} ${req.args[0] ?? ''}`.trim(), secrets));
    log.debug(`run ${printable(redact([req.file, ...req.args].join(' '), secrets))}`);
    const started = performance.now();
    // Loaded on first use: --help and --version never start a process.
    const { execa } = await import('execa');
    const guard = await (setpriv ??= locateSetpriv(parentEnv));
    const [file, args] = guard
      ? [guard, ['--pdeathsig', 'KILL', '--', req.file, ...req.args]]
      : [req.file, [...req.args]];
    const child = execa(file, args, {
      cwd: req.cwd,
      env: childEnv(parentEnv, req.env),
      extendEnv: false,
      input: req.stdin ?? '',
      reject: false,
      stripFinalNewline: false,
      maxBuffer:
        req.stdoutLimit === undefined ? 64 * 1024 * 1024 : { stdout: req.stdoutLimit, stderr: 64 * 1024 * 1024 },
      encoding: req.stdoutLimit === undefined ? 'utf8' : 'buffer',
      forceKillAfterDelay: deadlines.killGraceMs,
      ...(req.signal ? { cancelSignal: req.signal } : {}),
      windowsHide: true,
    });
    req.onSpawn?.();
    let ended = false;
    let markEnded = () => {};
    const end = new Promise<void>((resolve) => {
      markEnded = resolve;
    });
    const watching = watchChild(
      child.pid,
      req,
      deadlines,
      () => ended,
      () => child.kill('SIGTERM'),
      end,
    );
    const result = await child;
    log.debug(
      `${step}: exit ${result.exitCode ?? result.signal ?? '?'} after ${Math.round(performance.now() - started)} ms`,
    );
    ended = true;
    markEnded();
    const stopped = await watching;
    if (stopped) throw stoppedError(stopped, step, req, deadlines);
    if (result.isCanceled) throw new GhcrBlobError('INTERNAL', `${step} was cancelled`);
    if (result.isMaxBuffer && req.stdoutLimit !== undefined) throw stoppedError('over-limit', step, req, deadlines);
    const text = (v: unknown): string => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v ?? ''));
    const stderr = text(result.stderr);
    const execFailed = guard && result.exitCode === 127 && /^setpriv: failed to execute/m.test(stderr);
    if ((result.failed && result.exitCode === undefined) || execFailed) {
      const missing = execFailed || (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      throw new GhcrBlobError(
        missing ? 'TOOL_MISSING' : 'INTERNAL',
        missing
          ? `cannot run ${req.file}: not found`
          : `cannot run ${req.file}: ${printableLine(redact(result.shortMessage ?? '', secrets))}`,
        { cause: result.cause },
      );
    }
    const data =
      req.stdoutLimit !== undefined && result.stdout instanceof Uint8Array ? Buffer.from(result.stdout) : undefined;
    const out: RunResult = {
      exitCode: result.exitCode ?? 1,
      stdout: data ? '' : redact(text(result.stdout), secrets),
      stderr: redact(stderr, secrets),
      ...(data ? { data } : {}),
    };
    if (out.stderr.trim()) log.debug(`stderr: ${printableLines(out.stderr.trim())}`);
    return out;
  };
}
