// The rule of the product, measured: a push and a pull of 256 MiB hand the registry secret to oras
// on stdin only. Every oras run goes through a recording stand-in, so the proof covers each
// invocation (argv, whole environment, open fds), however short; a /proc scan during the transfers
// is extra evidence for the rest of the machine, and HOME / DOCKER_CONFIG are checked afterwards.
import { closeSync, createReadStream, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirContainsString, freshCliDirs, runCli } from '../support/cli.js';
import { leaksIn, leaksInText } from '../support/leaks.js';
import { isNodeOwnEnvironment, startLeakScanner } from '../support/proc-scanner.js';
import { craftArtifact } from '../support/registry-api.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { recordingStandIn, subcommand, type Invocation } from '../support/stand-in.js';
import { GENERATIONS, toolsFor } from '../support/tools.js';

const SIZE = 256 * 1024 * 1024;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * Each invocation that talks to the registry got `-u ghcr-blob --password-stdin`, with stdin a pipe:
 * oras talks to ghcr-blob's loopback fence with a one-run key, never the user's name or secret.
 */
function expectSecretOnStdinOnly(invocations: Invocation[]): void {
  for (const i of invocations.filter((i) => subcommand(i) !== 'version')) {
    expect(i.args, subcommand(i)).toContain('--password-stdin');
    expect(i.args[i.args.indexOf('--username') + 1]).toBe('ghcr-blob');
    expect(i.fds[0], `${subcommand(i)} stdin`).toMatch(/^(pipe|socket):\[\d+\]$/);
  }
}

describe.each(GENERATIONS)('credentials during a %s push and pull of 256 MiB', (gen) => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ generation: gen });
  });
  afterAll(async () => reg?.stop());

  it('reach every oras run on stdin only: never argv, environment, output, HOME or DOCKER_CONFIG', async () => {
    const dirs = freshCliDirs();
    const file = join(dirs.cwd, 'big.bin');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, SIZE); // sparse: cheap to make, real bytes to push
    closeSync(fd);
    const oras = recordingStandIn('oras', toolsFor(gen).oras);
    const env = { GHCR_BLOB_ORAS: oras.path };
    const check = { secrets: [reg.password], username: reg.username, forbiddenDirs: [dirs.home, dirs.dockerConfig] };
    const scanner = await startLeakScanner(reg.password);
    const pushed = await runCli(['push', `${reg.host}/octo/big:v1`, file, '-u', reg.username, '--password-stdin'], {
      stdin: `${reg.password}\n`,
      env,
      ...dirs,
    });
    const pushes = oras.invocations();
    const pulled = await runCli(
      ['pull', `${reg.host}/octo/big:v1`, '-o', join(dirs.cwd, 'out'), '-u', reg.username, '--password-stdin'],
      { stdin: reg.password, env, ...dirs },
    );
    const pulls = oras.invocations().slice(pushes.length);
    const scan = await scanner.stop();

    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    // Every step the commands take went through the stand-in: the record is complete.
    // push first reads what the tag points at (a new tag: not found, so no signature listing).
    expect(pushes.map(subcommand)).toEqual(['version', 'manifest fetch', 'push']);
    // oras's detection is remembered from the push (same binary, same cache): the pull asks no `version`.
    expect(pulls.map(subcommand)).toEqual(['manifest fetch', 'blob fetch']);
    expectSecretOnStdinOnly([...pushes, ...pulls]);
    expect(leaksIn([...pushes, ...pulls], check)).toEqual([]);
    expect(scan.sightings).toEqual([]); // nothing else on the machine held it either
    for (const r of [pushed, pulled]) expect(leaksInText(r.stdout + r.stderr, check)).toEqual([]);
    expect(dirContainsString(dirs.home, reg.password)).toBe(false);
    expect(dirContainsString(dirs.dockerConfig, reg.password)).toBe(false);
    expect(await sha256File(join(dirs.cwd, 'out', 'big.bin'))).toBe(await sha256File(file));
    expect(readFileSync(join(dirs.cwd, 'out', 'big.bin')).length).toBe(SIZE);
  });

  it("from GHCR_TOKEN: only in ghcr-blob's own environment (where the user put it), never a child's", async () => {
    const dirs = freshCliDirs();
    await craftArtifact(reg, 'octo/env', 'v1', [{ content: Buffer.alloc(1024 * 1024), title: 'env.bin' }]);
    const oras = recordingStandIn('oras', toolsFor(gen).oras);
    const check = { secrets: [reg.password], username: reg.username, forbiddenDirs: [dirs.home, dirs.dockerConfig] };
    const scanner = await startLeakScanner(reg.password);
    const pulled = await runCli(['pull', `${reg.host}/octo/env:v1`, '-o', join(dirs.cwd, 'out'), '-u', reg.username], {
      env: { GHCR_BLOB_ORAS: oras.path, GHCR_TOKEN: reg.password },
      ...dirs,
    });
    const scan = await scanner.stop();
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    const runs = oras.invocations();
    expect(runs.map(subcommand)).toEqual(['version', 'manifest fetch', 'blob fetch']);
    expectSecretOnStdinOnly(runs);
    expect(leaksIn(runs, check)).toEqual([]);
    for (const i of runs) expect(Object.keys(i.env)).not.toContain('GHCR_TOKEN');
    expect(leaksInText(pulled.stdout + pulled.stderr, check)).toEqual([]);
    // Extra evidence from the rest of the machine: the only process holding the token is a Node
    // process's own environment (ghcr-blob's, where the test put it; the scan may or may not catch it).
    expect(scan.sightings.filter((s) => !isNodeOwnEnvironment(s))).toEqual([]);
  });
});
