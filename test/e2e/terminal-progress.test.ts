// Progress for people at a terminal (issue 11): on a TTY, pull shows bytes and percent and push its
// size and elapsed time; not on a pipe, nor with NO_COLOR, TERM=dumb, --quiet or in GitHub Actions.
// The TTY is a real pseudo-terminal from util-linux `script`.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../support/cli.js';
import { freshCliDirs, sealedEnv, useKit } from '../support/kit.js';
import type { Registry } from '../support/registry.js';

const kit = useKit({ gen: 'sid' });
let reg: Registry;
let ref: string;
let file: string;
beforeAll(async () => {
  reg = kit.reg;
  file = join(freshCliDirs().cwd, 'big.bin');
  writeFileSync(file, randomBytes(4 * 1024 * 1024));
  ref = `${reg.host}/octo/progress:v1`;
});

/** The whole environment of a run on the terminal: sealed, a fresh HOME, the kit's tools and token. */
const env = (extra: Record<string, string> = {}) => sealedEnv(freshCliDirs(), kit.env({ TERM: 'xterm', ...extra }));

/** The CLI with stdin, stdout and stderr on a pseudo-terminal; returns what the terminal showed. */
async function onTty(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ exitCode: number; screen: string }> {
  const quoted = [process.execPath, CLI_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = await execa('script', ['-qefc', quoted, '/dev/null'], {
    reject: false,
    extendEnv: false,
    env: env(extra),
    cwd: freshCliDirs().cwd,
    timeout: 60_000,
  });
  return { exitCode: r.exitCode ?? -1, screen: r.stdout };
}

const CLEAR_LINE = '\r\u001b[K';

describe('progress', () => {
  it('on a TTY: push shows size and elapsed time, pull bytes and percent; each line is cleared when done', async () => {
    const push = await onTty(['push', ref, file, '-u', reg.username]);
    expect(push.exitCode, push.screen).toBe(0);
    expect(push.screen).toMatch(/\r\u001b\[KPushing: 4\.0 MiB, \d+s/);
    const pull = await onTty(['pull', ref, '-u', reg.username, '-o', 'out']);
    expect(pull.exitCode, pull.screen).toBe(0);
    expect(pull.screen).toMatch(/\r\u001b\[KPulling: [\d.]+ (B|KiB|MiB) \/ 4\.0 MiB \(\d+%\), \d+s/);
    expect(pull.screen).toContain(`${CLEAR_LINE}Pulled `);
  });

  it.each([
    ['NO_COLOR=1', { NO_COLOR: '1' }, []],
    ['TERM=dumb', { TERM: 'dumb' }, []],
    ['--quiet', {}, ['--quiet']],
    ['GITHUB_ACTIONS=true', { GITHUB_ACTIONS: 'true' }, []],
  ] as const)('on a TTY with %s: none', async (_name, extra, flags) => {
    const r = await onTty(['pull', ref, '-u', reg.username, '-o', 'out', '--force', ...flags], extra);
    expect(r.exitCode, r.screen).toBe(0);
    expect(r.screen).not.toContain('\u001b[K');
    expect(r.screen).not.toMatch(/Pulling: /);
  });

  it('not a TTY: none', async () => {
    const r = await kit.pull(ref, { out: 'out', env: { TERM: 'xterm' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toMatch(/^Pulling localhost/m);
  });
});
