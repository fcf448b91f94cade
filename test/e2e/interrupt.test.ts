// Ctrl-C in the middle of a download: the private folder (with its partial file) is removed and
// the output folder is left as it was. A stand-in oras makes the timing deterministic: it
// answers every command with the real oras, except `pull`, where it writes a partial file and hangs.
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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

function fakeOras(dir: string): string {
  const path = join(dir, 'oras');
  writeFileSync(
    path,
    `#!/bin/sh
if [ "$1" = pull ]; then
  prev=""; for a in "$@"; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done
  head -c 1048576 /dev/zero > "$out/report.json"
  exec sleep 30
fi
exec ${toolsFor('sid').oras} "$@"
`,
  );
  chmodSync(path, 0o755);
  return path;
}

it('SIGINT during pull leaves the output folder as it was and stops oras', async () => {
  await craftArtifact(reg, 'octo/slow', 'v1', [{ content: 'x'.repeat(100), title: 'report.json' }]);
  const dirs = freshCliDirs();
  const out = join(dirs.cwd, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'keep.txt'), 'mine');
  const cli = execa(
    process.execPath,
    [CLI_BIN, 'pull', `${reg.host}/octo/slow:v1`, '-o', out, '-u', reg.username, '--oras', fakeOras(dirs.home)],
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
  const sleeping = await execa('pgrep', ['-f', `sleep 30`], { reject: false });
  expect(sleeping.stdout.trim()).toBe('');
});
