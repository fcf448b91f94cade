// `ghcr-blob doctor [REF]` (issue 11): one line per check with ✓/✗ and a fix for each ✗, --json,
// and a non-zero exit (the failed check's own code) when anything needed is missing.
import { beforeAll, describe, expect, it } from 'vitest';
import { env, run, trustFlags, useKit } from '../support/kit.js';
import type { Registry } from '../support/registry.js';
import type { SigstoreStack } from '../support/sigstore/index.js';

const kit = useKit({ sigstore: true });
let reg: Registry;
let stack: SigstoreStack;
beforeAll(() => {
  [reg, stack] = [kit.reg, kit.stack];
});

/** oras and cosign of one generation, and a registry token. */
const tools = (gen: 'trixie' | 'sid', token: string) => env({ gen, token });

async function pushSomething(tag: string): Promise<string> {
  const ref = `${reg.host}/octo/doctor:${tag}`;
  const r = await run(['push', ref, '/etc/hostname', '-u', reg.username], { env: tools('sid', reg.password) });
  expect(r.exitCode, r.stderr).toBe(0);
  return ref;
}

describe('doctor', () => {
  it.each(['trixie', 'sid'] as const)(
    'all good with %s tools and a readable REF: ✓ on every line, exit 0',
    async (gen) => {
      const ref = await pushSomething(`ok-${gen}`);
      const r = await run(['doctor', ref, '-u', reg.username, ...trustFlags(stack)], { env: tools(gen, reg.password) });
      expect(r.exitCode, r.stderr).toBe(0);
      // A published advisory of the tools in use is a `!` line of its own (trust-offline.test.ts), never a ✗.
      const lines = r.stdout.split('\n').filter((l) => /^[✓✗!] /.test(l) && !/^! \w+-advisories: /.test(l));
      expect(lines.map((l) => l.slice(0, 2))).toEqual(['✓ ', '✓ ', '✓ ', '✓ ', '✓ ']);
      expect(r.stdout).toMatch(new RegExp(`^✓ oras: oras ${gen === 'trixie' ? '1\\.2' : '1\\.3'}\\.\\d+ `, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^✓ cosign: cosign ${gen === 'trixie' ? 2 : 3} at `, 'm'));
      expect(r.stdout).toMatch(/^✓ registry: .* is reachable and readable/m);
      expect(r.stdout + r.stderr).not.toContain(reg.password);
    },
  );

  it('wrong credentials: ✗ registry with a fix, exit 4 (auth), --json says which', async () => {
    const ref = await pushSomething('auth');
    const r = await run(['doctor', ref, '-u', reg.username, ...trustFlags(stack), '--json'], {
      env: tools('sid', 'not-the-password'),
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
    const r = await run(['doctor', ...trustFlags('/etc/hostname')], {
      env: env({ gen: 'sid', cosign: '/nonexistent/cosign' }),
    });
    expect(r.exitCode).toBe(6);
    expect(r.stdout).toMatch(
      /^✗ cosign: GHCR_BLOB_COSIGN \/nonexistent\/cosign: not an executable file\n {4}fix: install cosign/m,
    );
    expect(r.stdout).toMatch(/^✗ sigstore-trust: .*\n {4}fix: pass your Sigstore instance's TrustedRoot JSON/m);
    expect(r.stdout).toMatch(/^✓ oras: /m);
  });
});
