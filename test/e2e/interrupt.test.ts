// Ctrl-C in the middle of a download: the private folder (with its partial file) is removed and
// the output folder is left as it was. A stand-in oras makes the timing deterministic: it
// answers every command with the real oras, except the layer download (`blob fetch`), where it
// writes a partial file and hangs.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_BIN, freshCliDirs } from '../support/cli.js';
import { craftArtifact } from '../support/registry-api.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { toolsFor } from '../support/tools.js';

let reg: Registry;
beforeAll(async () => {
  reg = await startRegistry({ generation: 'sid' });
});
afterAll(async () => reg?.stop());

/** The stand-in writes its own PID (kept by `exec sleep`), so the test checks that very process. */
function fakeOras(dir: string): { path: string; pidFile: string } {
  const path = join(dir, 'oras');
  const pidFile = join(dir, 'oras-pull.pid');
  writeFileSync(
    path,
    `#!/bin/sh
if [ "$1 $2" = "blob fetch" ]; then
  prev=""; for a in "$@"; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done
  echo $$ > '${pidFile}'
  head -c 1048576 /dev/zero > "$out"
  exec sleep 30
fi
exec ${toolsFor('sid').oras} "$@"
`,
  );
  chmodSync(path, 0o755);
  return { path, pidFile };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('SIGINT during pull leaves the output folder as it was and stops oras', async () => {
  await craftArtifact(reg, 'octo/slow', 'v1', [{ content: 'x'.repeat(100), title: 'report.json' }]);
  const dirs = freshCliDirs();
  const oras = fakeOras(dirs.home);
  const out = join(dirs.cwd, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'mine');
  const cli = execa(
    process.execPath,
    [CLI_BIN, 'pull', `${reg.host}/octo/slow:v1`, '-o', out, '-u', reg.username, '--oras', oras.path],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dirs.home, GHCR_TOKEN: reg.password },
      extendEnv: false,
      reject: false,
    },
  );
  // Wait until the partial file exists inside the private folder.
  const partial = () =>
    readdirSync(out)
      .filter((e) => e.startsWith('.ghcr-blob-'))
      .some((d) => existsSync(join(out, d, 'blob', 'report.json')));
  for (let i = 0; i < 200 && !partial(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(partial()).toBe(true);
  cli.kill('SIGINT');
  const r = await cli;
  expect(r.exitCode).toBe(130);
  expect(r.stderr).toMatch(/interrupted by SIGINT/);
  expect(readdirSync(out)).toEqual(['keep.txt']);
  // Our own stand-in oras, by PID: not whatever else on the machine happens to sleep.
  const pid = Number(readFileSync(oras.pidFile, 'utf8'));
  expect(pid).toBeGreaterThan(1);
  for (let i = 0; i < 80 && alive(pid); i++) await new Promise((r) => setTimeout(r, 25));
  expect(alive(pid)).toBe(false);
});
