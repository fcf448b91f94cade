// The rule of the product, measured: while a large push and pull run, no process on the machine
// has the registry secret in its argv or environment, and nothing is written where it persists.
import { openSync, closeSync, ftruncateSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirContainsString, freshCliDirs, runCli } from '../support/cli.js';
import { isNodeOwnEnvironment, type ScanReport, startLeakScanner } from '../support/proc-scanner.js';
import { craftArtifact } from '../support/registry-api.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { GENERATIONS, toolsFor } from '../support/tools.js';

const SIZE = 256 * 1024 * 1024;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

describe.each(GENERATIONS)('credentials during a %s push and pull of 256 MiB', (gen) => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ generation: gen });
  });
  afterAll(async () => reg?.stop());

  it('never appear in any /proc cmdline or environ, in output, HOME or DOCKER_CONFIG', async () => {
    const dirs = freshCliDirs();
    const file = join(dirs.cwd, 'big.bin');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, SIZE); // sparse: cheap to make, real bytes to push
    closeSync(fd);
    const env = { GHCR_BLOB_ORAS: toolsFor(gen).oras };
    const scanner = await startLeakScanner(reg.password);
    const pushed = await runCli(['push', `${reg.host}/octo/big:v1`, file, '-u', reg.username, '--password-stdin'], {
      stdin: `${reg.password}\n`,
      env,
      ...dirs,
    });
    const pulled = await runCli(
      ['pull', `${reg.host}/octo/big:v1`, '-o', join(dirs.cwd, 'out'), '-u', reg.username, '--password-stdin'],
      { stdin: reg.password, env, ...dirs },
    );
    const report = await scanner.stop();

    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(report.sightings).toEqual([]);
    expect(report.commsSeen).toContain('oras'); // the scan overlapped the transfers
    expect(report.scans).toBeGreaterThan(10);
    for (const r of [pushed, pulled]) expect(r.stdout + r.stderr).not.toContain(reg.password);
    expect(dirContainsString(dirs.home, reg.password)).toBe(false);
    expect(dirContainsString(dirs.dockerConfig, reg.password)).toBe(false);
    expect(await sha256File(join(dirs.cwd, 'out', 'big.bin'))).toBe(await sha256File(file));
    expect(readFileSync(join(dirs.cwd, 'out', 'big.bin')).length).toBe(SIZE);
  });

  it("from GHCR_TOKEN: only in ghcr-blob's own environment (where the user put it), never a child's", async () => {
    const dirs = freshCliDirs();
    // Its own artifact (as large as the push above, so the scan overlaps oras), independent of that push.
    await craftArtifact(reg, 'octo/env', 'v1', [{ content: Buffer.alloc(SIZE), title: 'env.bin' }]);
    // A pull is over in about a second; on a busy machine one scan pass can miss oras entirely.
    // Pull again (each time into a fresh folder) until the scanner has watched oras run, at most 4 times.
    let report: ScanReport | undefined;
    for (let attempt = 0; attempt < 4 && !report?.commsSeen.includes('oras'); attempt++) {
      const scanner = await startLeakScanner(reg.password);
      const out = join(dirs.cwd, `out-${attempt}`);
      const pulled = await runCli(['pull', `${reg.host}/octo/env:v1`, '-o', out, '-u', reg.username], {
        env: { GHCR_BLOB_ORAS: toolsFor(gen).oras, GHCR_TOKEN: reg.password },
        ...dirs,
      });
      report = await scanner.stop();
      expect(pulled.exitCode, pulled.stderr).toBe(0);
      expect(report.sightings.filter((s) => !isNodeOwnEnvironment(s))).toEqual([]);
    }
    if (!report) throw new Error('no pull ran');
    expect(report.commsSeen).toContain('oras');
    expect(report.sightings.length).toBeGreaterThan(0); // the scanner does see the parent's env…
    expect(report.sightings.filter((s) => !isNodeOwnEnvironment(s))).toEqual([]); // …and nothing else
  });
});
