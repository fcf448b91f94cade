// The generic driver under every verb: runs the built CLI with runCli (sealed environment) and a
// private TMPDIR of its own, then reports what a test asserts on: exit code, output, --json
// parsed, what landed in the output folder and what was left behind (private folders, FIFOs,
// staging files).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import {
  CLI_BIN,
  freshCliDirs,
  listFilesRecursive,
  runCli,
  sealedEnv,
  type CliDirs,
  type CliResult,
  type RunCliOptions,
} from '../cli.js';

/** The prefix of every private folder / staging entry the CLI makes (src/core/fs.ts TEMP_PREFIX). */
export const STAGING_PREFIX = '.ghcr-blob-';

export interface RunOptions extends RunCliOptions {
  /** The output folder whose content is reported as `landed` (pull's `-o`; relative to cwd). */
  out?: string;
  /** TMPDIR for the run; default a fresh empty 0700 folder, reported in `left`. */
  tmp?: string;
  /** More folders where a staging entry (`.ghcr-blob-*`) left behind counts in `left`. */
  watch?: string[];
}

export interface Run extends CliResult {
  /** stdout parsed as JSON (throws, naming the output, when it is not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: each test asserts the shape it expects
  readonly json: any;
  tmp: string;
  out?: string;
  /** Files under `out` (relative, sorted, staging entries excluded); null when `out` does not exist. */
  landed: string[] | null;
  /** Left behind: everything in TMPDIR (as `TMPDIR/<name>`), staging entries in out, cwd and `watch`. */
  left: string[];
}

/** A fresh 0700 folder beside a fresh HOME / DOCKER_CONFIG / cwd, for TMPDIR. */
export const freshTmp = (): string => freshSandbox().tmp;

/** Fresh HOME, DOCKER_CONFIG, cwd and TMPDIR, for tests that look into them after a run. */
export function freshSandbox(): CliDirs & { tmp: string } {
  const dirs = freshCliDirs();
  const tmp = join(dirname(dirs.cwd), 'tmp');
  mkdirSync(tmp, { mode: 0o700 });
  return { ...dirs, tmp };
}

/**
 * The built CLI started, not awaited, in the sealed environment of `dirs` (TMPDIR too): for
 * tests that signal it mid-run. The caller awaits the returned subprocess.
 */
export function startCli(
  args: string[],
  o: CliDirs & { tmp: string; env?: Record<string, string> },
): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [CLI_BIN, ...args], {
    cwd: o.cwd,
    env: sealedEnv(o, { TMPDIR: o.tmp, ...o.env }),
    extendEnv: false,
    reject: false,
  });
}

const stagingIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.startsWith(STAGING_PREFIX))
        .map((n) => join(dir, n))
    : [];

/** Everything the CLI left in `tmp` and staging entries in the folders given. */
export function leftovers(tmp: string, dirs: readonly (string | undefined)[]): string[] {
  const inTmp = existsSync(tmp) ? readdirSync(tmp).map((n) => `TMPDIR/${n}`) : [];
  const seen = new Set<string>();
  const staged = dirs.flatMap((d) => (d && !seen.has(d) && seen.add(d) ? stagingIn(d) : []));
  return [...inTmp, ...staged].sort();
}

export async function run(args: string[], opts: RunOptions = {}): Promise<Run> {
  const { out, watch = [], ...cli } = opts;
  const tmp = opts.tmp ?? freshTmp();
  const r = await runCli(args, { ...cli, env: { TMPDIR: tmp, ...cli.env } });
  const outPath = out === undefined ? undefined : resolve(r.cwd, out);
  const landed =
    outPath && existsSync(outPath) ? listFilesRecursive(outPath).filter((f) => !f.startsWith(STAGING_PREFIX)) : null;
  const result: Run = {
    ...r,
    tmp,
    ...(outPath ? { out: outPath } : {}),
    landed,
    left: leftovers(tmp, [outPath, r.cwd, ...watch]),
    get json() {
      try {
        return JSON.parse(r.stdout);
      } catch {
        throw new Error(`stdout is not JSON (exit ${r.exitCode}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
      }
    },
  };
  return result;
}
