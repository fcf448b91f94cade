// The generic driver under every verb: runs the built CLI with runCli (sealed environment) and a
// private TMPDIR of its own, then reports what a test asserts on: exit code, output, --json
// parsed, what landed in the output folder and what was left behind (private folders, FIFOs,
// staging files).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freshCliDirs, listFilesRecursive, runCli, type CliResult, type RunCliOptions } from '../cli.js';

/** The prefix of every private folder / staging entry the CLI makes (src/core/fs.ts TEMP_PREFIX). */
export const STAGING_PREFIX = '.ghcr-blob-';

export interface RunOptions extends RunCliOptions {
  /** The output folder whose content is reported as `landed` (pull's `-o`). */
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
export function freshTmp(): string {
  const tmp = join(dirname(freshCliDirs().cwd), 'tmp');
  mkdirSync(tmp, { mode: 0o700 });
  return tmp;
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
  const landed = out && existsSync(out) ? listFilesRecursive(out).filter((f) => !f.startsWith(STAGING_PREFIX)) : null;
  const result: Run = {
    ...r,
    tmp,
    ...(out ? { out } : {}),
    landed,
    left: leftovers(tmp, [out, r.cwd, ...watch]),
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
