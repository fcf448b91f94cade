// Runs the built CLI (bin/ghcr-blob.js → dist/cli.js) the way a user's CI would, but in a sealed
// environment: only PATH, a fresh HOME and DOCKER_CONFIG, and what the test adds. That makes
// "nothing was written to HOME / DOCKER_CONFIG" a meaningful assertion, and keeps the developer's
// own ~/.docker credentials from ever leaking into a test.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { onProcessDeath } from './on-death.js';
import { REPO_ROOT } from './tools.js';

export { dirContainsString, filesContainingString, listFilesRecursive } from './fs-scan.js';

export const CLI_BIN = join(REPO_ROOT, 'bin', 'ghcr-blob.js');

export interface RunCliOptions {
  /** Bytes on the CLI's stdin (credentials travel here). Default: empty, never the inherited TTY. */
  stdin?: string | Buffer;
  /** Added to the sealed environment. */
  env?: Record<string, string>;
  /** Default: a fresh empty folder (not HOME, so pulled files never count as "landed in HOME"). */
  cwd?: string;
  /** Reuse a HOME / DOCKER_CONFIG across calls (e.g. from freshCliDirs()); fresh by default. */
  home?: string;
  dockerConfig?: string;
  timeoutMs?: number;
  /** Another ghcr-blob entry point (an installed or unpacked package); default this checkout's bin. */
  bin?: string;
  /** Also keep stdout's exact bytes (`stdoutBytes`), for a file streamed there (pull -o -). */
  binaryStdout?: boolean;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  /** stdout's bytes, with `binaryStdout`. */
  stdoutBytes?: Buffer;
  stderr: string;
  /** The HOME, DOCKER_CONFIG and cwd the CLI ran with, to assert nothing landed there. */
  home: string;
  dockerConfig: string;
  cwd: string;
}

export interface CliDirs {
  home: string;
  dockerConfig: string;
  cwd: string;
}

let scratchRoot: string | undefined;

/** One scratch root per test process (removed when it exits, however) holding every per-call folder. */
function scratch(): string {
  if (!scratchRoot) {
    const root = mkdtempSync(join(tmpdir(), 'ghcr-blob-cli-'));
    scratchRoot = root;
    onProcessDeath('rm -rf "$1"', [root]);
  }
  return mkdtempSync(join(scratchRoot, 'run-'));
}

/** Fresh empty HOME, DOCKER_CONFIG and working folder, for tests that share them across runs. */
export function freshCliDirs(): CliDirs {
  const dir = scratch();
  const dirs = { home: join(dir, 'home'), dockerConfig: join(dir, 'docker-config'), cwd: join(dir, 'cwd') };
  for (const d of Object.values(dirs)) mkdirSync(d);
  return dirs;
}

/**
 * ghcr-blob remembers tool detection under XDG_CACHE_HOME (else ~/.cache): one cache per test
 * process, shared by its runs and outside every HOME, so "nothing was written to HOME" still holds.
 */
function toolCacheHome(): string {
  scratch();
  const dir = join(scratchRoot!, 'xdg-cache');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The whole environment of a CLI run: PATH, HOME, DOCKER_CONFIG, XDG_CACHE_HOME, then `extra`; nothing inherited. */
export function sealedEnv(dirs: Pick<CliDirs, 'home' | 'dockerConfig'>, extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dirs.home,
    DOCKER_CONFIG: dirs.dockerConfig,
    XDG_CACHE_HOME: toolCacheHome(),
    ...extra,
  };
}

export async function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const fresh = freshCliDirs();
  const home = opts.home ?? fresh.home;
  const dockerConfig = opts.dockerConfig ?? fresh.dockerConfig;
  const cwd = opts.cwd ?? fresh.cwd;
  const result = await execa(process.execPath, [opts.bin ?? CLI_BIN, ...args], {
    reject: false,
    extendEnv: false,
    env: sealedEnv({ home, dockerConfig }, opts.env),
    cwd,
    input: opts.stdin ?? '',
    timeout: opts.timeoutMs ?? 120_000,
    ...(opts.binaryStdout ? { encoding: 'buffer' as const } : {}),
  });
  const bytes = result.stdout instanceof Uint8Array ? Buffer.from(result.stdout) : undefined;
  return {
    // A signal or spawn failure has no exit code; -1 keeps the type a number and fails any assertion.
    exitCode: result.exitCode ?? -1,
    stdout: bytes ? bytes.toString('utf8') : String(result.stdout ?? ''),
    ...(bytes ? { stdoutBytes: bytes } : {}),
    stderr:
      result.stderr instanceof Uint8Array ? Buffer.from(result.stderr).toString('utf8') : String(result.stderr ?? ''),
    home,
    dockerConfig,
    cwd,
  };
}
