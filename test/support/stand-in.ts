// A recording stand-in for oras or cosign: the deterministic half of every leak proof. ghcr-blob is
// pointed at a tiny sh script (GHCR_BLOB_ORAS / GHCR_BLOB_COSIGN / --oras / --cosign) that, before
// it `exec`s the real binary, records what that process really got: its argv, its whole initial
// environment (/proc/self/environ: exactly what the parent passed), and where each open fd points.
// The real tool then runs as usual, so the behaviour under test is real. Unlike a /proc sampler it
// cannot miss a short run: every invocation leaves a record, and a test asserts on all of them.
//
// Each invocation also keeps a "lifeline" (its own FIFO, held open read-write by the process and
// inherited by the real tool through exec): the test's read end sees EOF exactly when the process
// is gone, so "oras died with ghcr-blob" is an event, not a poll.
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessDeath } from './on-death.js';

export interface Invocation {
  /** Record name: nanosecond start time and pid, so sorting gives start order. */
  id: string;
  pid: number;
  /** Arguments after the program name. */
  args: string[];
  /** The process's initial environment, exactly as ghcr-blob handed it over. */
  env: Record<string, string>;
  /** Open file descriptors → what they point at (`pipe:[…]`, `socket:[…]`, `/dev/null`, a path). */
  fds: Record<number, string>;
  /** Resolves once this process and everything that inherited its lifeline has exited. */
  exited(): Promise<void>;
}

export interface StandInOptions {
  /**
   * Replaces the real tool for one subcommand: when the arguments start with `prefix` (e.g.
   * "blob fetch"), `script` runs instead of the real binary. It must call `publish` once (that makes
   * the record visible, so what it did before is done when a test sees the record) and then `exec`
   * something. `$@` holds the arguments.
   */
  override?: { prefix: string; script: string };
}

export interface StandIn {
  /** The executable to hand ghcr-blob in place of the real tool. */
  path: string;
  /** Every finished record so far, in start order. */
  invocations(): Invocation[];
  /** Resolves with the first invocation matching `match` (recorded already or later), within `timeoutMs`. */
  waitFor(match: (i: Invocation) => boolean, what: string, timeoutMs?: number): Promise<Invocation>;
}

const shQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** Records every run of `real` (an absolute path) made through the returned stand-in. */
export function recordingStandIn(name: string, real: string, opts: StandInOptions = {}): StandIn {
  const dir = mkdtempSync(join(tmpdir(), `stand-in-${name}-`));
  onProcessDeath('rm -rf "$1"', [dir]);
  const records = join(dir, 'records');
  const path = join(dir, name);
  const override = opts.override
    ? `case "$*" in ${shQuote(opts.override.prefix)}|${shQuote(opts.override.prefix)}\\ *)\n${opts.override.script}\n;; esac\n`
    : '';
  // Nothing here reads stdin (the secret travels there) or changes the environment the real tool gets.
  writeFileSync(
    path,
    `#!/bin/sh
r=${shQuote(records)}/$(date +%s%N)-$$
mkdir -p ${shQuote(records)} && mkdir "$r.tmp" || exit 97
printf '%s\\0' "$@" > "$r.tmp/args"
cat /proc/$$/environ > "$r.tmp/environ"
(for f in /proc/$$/fd/*; do printf '%s %s\\n' "\${f##*/}" "$(readlink "$f")"; done) > "$r.tmp/fds"
mkfifo "$r.tmp/lifeline"
exec 9<> "$r.tmp/lifeline"
publish() { mv "$r.tmp" "$r"; }
${override}publish
exec ${shQuote(real)} "$@"
`,
    { mode: 0o755 },
  );
  writeFileSync(join(dir, '.keep'), ''); // the folder is never empty, so a stray rmdir cannot take it

  const read = (id: string): Invocation => {
    const at = join(records, id);
    const nul = (file: string) => readFileSync(join(at, file), 'utf8').split('\0').slice(0, -1);
    const env: Record<string, string> = {};
    for (const entry of nul('environ')) {
      const eq = entry.indexOf('=');
      env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    const fds: Record<number, string> = {};
    for (const line of readFileSync(join(at, 'fds'), 'utf8').split('\n').filter(Boolean)) {
      const space = line.indexOf(' ');
      fds[Number(line.slice(0, space))] = line.slice(space + 1);
    }
    let exited: Promise<void> | undefined;
    return {
      id,
      pid: Number(id.split('-')[1]),
      args: nul('args'),
      env,
      fds,
      exited: () => (exited ??= lifelineClosed(join(at, 'lifeline'))),
    };
  };
  const invocations = (): Invocation[] => {
    let ids: string[];
    try {
      ids = readdirSync(records);
    } catch {
      return []; // nothing ran yet
    }
    return ids
      .filter((id) => !id.endsWith('.tmp'))
      .sort()
      .map(read);
  };

  const waitFor = (match: (i: Invocation) => boolean, what: string, timeoutMs = 60_000): Promise<Invocation> =>
    new Promise((resolve, reject) => {
      // Watch the stand-in's own folder: `records` may not exist yet, and a publish is a rename.
      const watcher = watch(dir, { recursive: true });
      const timer = setTimeout(
        () => finish(new Error(`no ${name} invocation ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (result: Invocation | Error): void => {
        clearTimeout(timer);
        watcher.close();
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const check = (): void => {
        const found = invocations().find(match);
        if (found) finish(found);
      };
      watcher.on('change', check);
      watcher.on('error', (e) => finish(e));
      check();
    });

  return { path, invocations, waitFor };
}

/**
 * EOF on a FIFO's read end comes when no process holds it open for writing. The stand-in opened it
 * read-write before exec, so that is when the invocation (and anything it passed the fd to) is gone.
 * Opened non-blocking: if the process is already gone, EOF comes at once.
 */
function lifelineClosed(fifo: string): Promise<void> {
  const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  // Linux keeps quiet (no hang-up event) on a FIFO whose writers left before this open, so ask
  // directly first: read() gives 0 when nobody holds it for writing, EAGAIN while someone does.
  try {
    if (readSync(fd, Buffer.alloc(1)) === 0) {
      closeSync(fd);
      return Promise.resolve();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  }
  const end = new Socket({ fd, readable: true, writable: false });
  return new Promise((resolve) => {
    end.on('data', () => {}); // nobody writes; drain anyway
    end.on('close', () => resolve());
    end.on('error', () => end.destroy());
  });
}

/** `oras blob fetch …` → "blob fetch": the subcommand words before the first flag or reference. */
export function subcommand(i: Invocation): string {
  const words: string[] = [];
  for (const a of i.args) {
    if (a.startsWith('-') || a.includes('/') || a.includes(':')) break;
    words.push(a);
  }
  return words.join(' ');
}
