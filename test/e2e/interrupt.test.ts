// Ctrl-C in the middle of a download: the private folder (with its partial file) is removed and
// the output folder is left as it was. A stand-in oras makes the timing deterministic: it
// answers every command with the real oras, except the layer download (`blob fetch`), where it
// writes a partial file and hangs; the test acts on its record and its lifeline, never on a poll.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_BIN, freshCliDirs } from '../support/cli.js';
import { craftArtifact } from '../support/registry-api.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { recordingStandIn, subcommand } from '../support/stand-in.js';
import { toolsFor } from '../support/tools.js';

let reg: Registry;
beforeAll(async () => {
  reg = await startRegistry({ generation: 'sid' });
});
afterAll(async () => reg?.stop());

/**
 * oras through a recording stand-in: every command runs the real oras, except the layer download
 * (`blob fetch`), which writes a partial file, publishes its record (so the test knows the file
 * is there) and hangs.
 */
function hangingOras() {
  return recordingStandIn('oras', toolsFor('sid').oras, {
    override: {
      prefix: 'blob fetch',
      script: `prev=""; for a in "$@"; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done
head -c 1048576 /dev/zero > "$out"
publish
exec sleep 3600`, // until killed; a survivor would make the test time out
    },
  });
}

it('SIGINT during pull leaves the output folder as it was and stops oras', async () => {
  await craftArtifact(reg, 'octo/slow', 'v1', [{ content: 'x'.repeat(100), title: 'report.json' }]);
  const dirs = freshCliDirs();
  const oras = hangingOras();
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
  // The partial file exists inside the private folder once the download's record is published.
  const download = await oras.waitFor((i) => subcommand(i) === 'blob fetch', 'downloading');
  const partial = readdirSync(out).filter((e) => e.startsWith('.ghcr-blob-'));
  expect(partial.map((d) => existsSync(join(out, d, 'blob', 'report.json')))).toEqual([true]);
  cli.kill('SIGINT');
  const r = await cli;
  expect(r.exitCode).toBe(130);
  expect(r.stderr).toMatch(/interrupted by SIGINT/);
  expect(readdirSync(out)).toEqual(['keep.txt']);
  // Our own stand-in oras is gone too: its lifeline closed (an event, not a poll of the PID).
  await download.exited();
});
