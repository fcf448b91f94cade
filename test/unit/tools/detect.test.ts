// Tool detection against tiny fake executables: versions and flag sets as oras/cosign print them.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/log.js';
import { detectCosign } from '../../../src/tools/cosign.js';
import { createRunner } from '../../../src/tools/exec.js';
import { locateTool } from '../../../src/tools/locate.js';
import { detectOras } from '../../../src/tools/oras.js';

const dir = mkdtempSync(join(tmpdir(), 'ghcr-blob-fake-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function fake(name: string, script: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}
const run = createRunner(silentLogger, { PATH: process.env.PATH });

describe('oras detection', () => {
  it.each([
    ['Version:    1.2.0\nGo version: go1.24.4', '1.2.0', '1.2'],
    ['Version:    1.3.3\nGo version: go1.26.5', '1.3.3', '1.3'],
    ['Version: v2.0.1', '2.0.1', '1.3'],
  ])('reads %j', async (out, version, generation) => {
    const tool = await detectOras(fake(`oras-${version}`, `echo "${out}"`), run);
    expect(tool).toMatchObject({ version, generation });
  });

  it.each([
    ['too old', 'echo "Version: 1.1.0"', /too old/],
    ['not oras', 'echo hello', /does not look like oras/],
    ['failing', 'exit 3', /does not look like oras/],
  ])('refuses a binary that is %s', async (_n, script, why) => {
    await expect(detectOras(fake(`oras-${_n.replace(/ /g, '-')}`, script), run)).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringMatching(why),
    });
  });
});

describe('cosign detection (Debian builds say "GitVersion: devel", so flags decide)', () => {
  it.each([
    ['3', "echo \"  --identity-token='': x\n  --signing-config='': y\"", 3],
    ['2', 'echo "  --identity-token=\'\': x\n  --new-bundle-format=false: y"', 2],
  ])('generation %s', async (name, script, generation) => {
    expect((await detectCosign(fake(`cosign-${name}`, script), run)).generation).toBe(generation);
  });

  it.each([
    ['too old', 'echo "  --identity-token=\'\': x"', /too old/],
    ['not cosign', 'echo usage', /does not look like cosign/],
  ])('refuses a binary that is %s', async (n, script, why) => {
    await expect(detectCosign(fake(`cosign-${n.replace(/ /g, '-')}`, script), run)).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringMatching(why),
    });
  });
});

describe('locating tools', () => {
  it('prefers the flag, then the variable, then PATH (absolute entries only)', async () => {
    const a = fake('oras', 'true');
    expect(await locateTool('oras', a, {})).toBe(a);
    expect(await locateTool('oras', undefined, { GHCR_BLOB_ORAS: a })).toBe(a);
    expect(await locateTool('oras', undefined, { PATH: `relative:${dir}` })).toBe(a);
  });

  it('names where it looked when nothing is found', async () => {
    await expect(locateTool('cosign', undefined, { PATH: '/nonexistent' })).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: 'cosign not found on PATH',
    });
    await expect(locateTool('cosign', join(dir, 'nope'), {})).rejects.toMatchObject({
      message: expect.stringMatching(/^--cosign .*not an executable file/),
    });
    await expect(locateTool('cosign', undefined, { GHCR_BLOB_COSIGN: dir })).rejects.toMatchObject({
      message: expect.stringMatching(/^GHCR_BLOB_COSIGN/),
    });
  });
});
