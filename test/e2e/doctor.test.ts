// `ghcr-blob doctor [REF]` (issue 11): one line per check with ✓/✗ and a fix for each ✗, --json,
// and a non-zero exit (the failed check's own code) when anything needed is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { toolsFor } from '../support/tools.js';

let reg: Registry;
let stack: SigstoreStack;
beforeAll(async () => {
  [reg, stack] = await Promise.all([startRegistry(), startSigstoreStack()]);
});
afterAll(async () => Promise.all([reg?.stop(), stack?.close()]));

const tools = (gen: 'trixie' | 'sid') => ({
  GHCR_BLOB_ORAS: toolsFor(gen).oras,
  GHCR_BLOB_COSIGN: toolsFor(gen).cosign,
});

async function pushSomething(tag: string): Promise<string> {
  const ref = `${reg.host}/octo/doctor:${tag}`;
  const r = await runCli(['push', ref, '/etc/hostname', '-u', reg.username], {
    env: { ...tools('sid'), GHCR_TOKEN: reg.password },
  });
  expect(r.exitCode, r.stderr).toBe(0);
  return ref;
}

describe('doctor', () => {
  it.each(['trixie', 'sid'] as const)(
    'all good with %s tools and a readable REF: ✓ on every line, exit 0',
    async (gen) => {
      const ref = await pushSomething(`ok-${gen}`);
      const r = await runCli(['doctor', ref, '-u', reg.username, '--trusted-root', stack.trustedRootPath], {
        env: { ...tools(gen), GHCR_TOKEN: reg.password },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines.map((l) => l.slice(0, 2))).toEqual(['✓ ', '✓ ', '✓ ', '✓ ', '✓ ']);
      expect(r.stdout).toMatch(new RegExp(`^✓ oras: oras ${gen === 'trixie' ? '1\\.2' : '1\\.3'}\\.\\d+ `, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^✓ cosign: cosign ${gen === 'trixie' ? 2 : 3} at `, 'm'));
      expect(r.stdout).toMatch(/^✓ registry: .* is reachable and readable/m);
      expect(r.stdout + r.stderr).not.toContain(reg.password);
    },
  );

  it('wrong credentials: ✗ registry with a fix, exit 4 (auth), --json says which', async () => {
    const ref = await pushSomething('auth');
    const r = await runCli(['doctor', ref, '-u', reg.username, '--trusted-root', stack.trustedRootPath, '--json'], {
      env: { ...tools('sid'), GHCR_TOKEN: 'not-the-password' },
    });
    expect(r.exitCode).toBe(4);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(false);
    expect(json.checks.find((c: { name: string }) => c.name === 'registry')).toMatchObject({
      ok: false,
      fix: expect.any(String),
      code: 'AUTH_FAILED',
    });
    expect(r.stderr).toMatch(/^error: doctor: 1 check failed \(registry\)/m);
  });

  it('no cosign and a broken trusted root: a ✗ and a fix for each, exit 6 (tool missing)', async () => {
    const r = await runCli(['doctor', '--trusted-root', '/etc/hostname'], {
      env: { GHCR_BLOB_ORAS: toolsFor('sid').oras, GHCR_BLOB_COSIGN: '/nonexistent/cosign' },
    });
    expect(r.exitCode).toBe(6);
    expect(r.stdout).toMatch(
      /^✗ cosign: GHCR_BLOB_COSIGN \/nonexistent\/cosign: not an executable file\n {4}fix: install cosign/m,
    );
    expect(r.stdout).toMatch(/^✗ sigstore-trust: .*\n {4}fix: pass your Sigstore instance's TrustedRoot JSON/m);
    expect(r.stdout).toMatch(/^✓ oras: /m);
  });
});
