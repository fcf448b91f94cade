// `pull -o -` into a reader that misbehaves (a careless user's pipeline): one that stops reading
// after a byte (`| head -c1`) and one that never reads at all. Either way ghcr-blob ends with a
// clear, distinct exit (not an internal error), by the deadline, and leaves nothing behind.
// And `--output-file` aimed at what is not a plain file: a FIFO, a folder, a symbolic link.
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../support/cli.js';
import { EXIT, freshSandbox, leftovers, run, sealedEnv, useKit } from '../support/kit.js';

/** Exit status for output that went away or stalled (README "Exit codes"). */
const OUTPUT_FAILED = 8;

/** More than a pipe buffer (64 KiB) and a Node stream buffer together: the writer must wait. */
const BYTES = Buffer.alloc(512 * 1024, 0x5a);

describe('pull -o - into a reader that misbehaves', () => {
  const kit = useKit({ gen: 'sid' });
  let ref: string;
  beforeAll(async () => {
    ref = kit.ref('big');
    const pushed = await kit.push(ref, kit.file(BYTES, 'big.bin'));
    expect(pushed.exitCode, pushed.stderr).toBe(0);
  });

  /** `ghcr-blob pull REF -o - … | READER` in bash; the exit status is ghcr-blob's. */
  async function pipeInto(reader: string, extra: string[] = []) {
    const box = freshSandbox();
    const args = ['pull', ref, '-o', '-', '-u', kit.reg.username, ...extra];
    const r = await execa('bash', ['-c', reader, 'bash', process.execPath, CLI_BIN, ...args], {
      cwd: box.cwd,
      env: sealedEnv(box, { TMPDIR: box.tmp, ...kit.env() }),
      extendEnv: false,
      reject: false,
      timeout: 40_000, // ghcr-blob itself (exec'd) is killed if it hangs
    });
    const dir = dirname(box.cwd);
    return {
      exitCode: r.exitCode ?? -1,
      stderr: String(r.stderr),
      cwd: box.cwd,
      dir,
      left: leftovers(box.tmp, [box.cwd]),
    };
  }

  it('| head -c1: the reader leaves early; a distinct exit saying so, not an internal error; nothing left', async () => {
    const r = await pipeInto('"$@" | head -c1 >/dev/null; exit "${PIPESTATUS[0]}"');
    expect(r.exitCode, r.stderr).toBe(OUTPUT_FAILED);
    expect(r.stderr).toMatch(/^error: .*stdout.*closed/m);
    expect(r.stderr).not.toMatch(/unexpected error|EPIPE/);
    expect(readdirSync(r.cwd)).toEqual([]);
    expect(r.left).toEqual([]);
  });

  it('a reader that never reads: stopped by --timeout with the same exit, nothing left', async () => {
    // A FIFO opened read-write by the shell: ghcr-blob's stdout is a pipe nobody ever reads.
    const r = await pipeInto(
      'mkfifo "$TMPDIR/../never" && exec 3<>"$TMPDIR/../never" && exec "$@" >"$TMPDIR/../never"',
      ['--timeout', '2s'],
    );
    expect(r.exitCode, r.stderr).toBe(OUTPUT_FAILED);
    expect(r.stderr).toMatch(/^error: .*stdout.*2s/m);
    expect(r.left).toEqual([]);
  });

  it('a reader that reads it all still gets every byte (exit 0)', async () => {
    const r = await pipeInto('"$@" | wc -c >"$TMPDIR/../count"; exit "${PIPESTATUS[0]}"');
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(readFileSync(join(r.dir, 'count'), 'utf8').trim()).toBe(String(BYTES.length));
    expect(r.left).toEqual([]);
  });
});

describe('--output-file at what is not a plain file', () => {
  const kit = useKit({ gen: 'sid' });
  let ref: string;
  beforeAll(async () => {
    ref = kit.ref('small');
    const pushed = await kit.push(ref, kit.file('the pulled bytes', 'small.txt'));
    expect(pushed.exitCode, pushed.stderr).toBe(0);
  });
  const pull = (target: string, cwd: string, extra: string[] = []) =>
    run(['pull', ref, '--output-file', target, '-u', kit.reg.username, ...extra], { cwd, env: kit.env() });

  it('a FIFO or a folder: refused before the download (exit 2), neither opened nor touched', async () => {
    const box = freshSandbox();
    const fifo = join(box.cwd, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    mkdirSync(join(box.cwd, 'folder'));
    for (const target of [fifo, join(box.cwd, 'folder')]) {
      const r = await pull(target, box.cwd, ['--force']);
      expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
      expect(r.stderr).toMatch(/exists and is not a file/);
      expect(r.stderr).not.toMatch(/Pulling /);
      expect(r.left).toEqual([]);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(join(box.cwd, 'folder'))).toEqual([]);
  });

  it('a symbolic link: kept without --force (even dangling); with --force the link is replaced, never written through', async () => {
    const box = freshSandbox();
    const elsewhere = join(box.cwd, 'elsewhere.txt');
    writeFileSync(elsewhere, 'not yours');
    const link = join(box.cwd, 'link');
    symlinkSync(elsewhere, link);
    const dangling = join(box.cwd, 'dangling');
    symlinkSync(join(box.cwd, 'nowhere'), dangling);
    for (const target of [link, dangling]) {
      const r = await pull(target, box.cwd);
      expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
      expect(r.stderr).toMatch(/already exists/);
      expect(r.left).toEqual([]);
    }
    expect(readlinkSync(dangling)).toBe(join(box.cwd, 'nowhere'));
    const forced = await pull(link, box.cwd, ['--force']);
    expect(forced.exitCode, forced.stderr).toBe(EXIT.OK);
    expect(lstatSync(link).isFile()).toBe(true);
    expect(readFileSync(link, 'utf8')).toBe('the pulled bytes');
    expect(readFileSync(elsewhere, 'utf8')).toBe('not yours');
    expect(readdirSync(box.cwd).sort()).toEqual(['dangling', 'elsewhere.txt', 'link']);
  });
});
