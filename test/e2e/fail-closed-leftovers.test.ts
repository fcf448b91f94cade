// Issue 8, exit codes and leftovers as documented, secrets a hostile registry tries to echo, and
// what a crash or an interrupt leaves behind (nothing, or nothing a later run does not remove).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretForms } from '../support/fs-scan.js';
import { startRegistryProxy, type RegistryProxy } from '../support/hostile/registry-proxy.js';
import { craftArtifact, listTags, type CraftedArtifact } from '../support/registry-api.js';
import { EXIT, expectCleanFailure, freshSandbox as sandbox, startCli, useKit } from '../support/kit.js';
import type { Registry } from '../support/registry.js';
import { recordingStandIn, subcommand } from '../support/stand-in.js';
import { GENERATIONS, toolsFor, type Generation } from '../support/tools.js';

describe.each(GENERATIONS)('fail closed with oras from %s', (gen: Generation) => {
  const kit = useKit({ gen });
  let reg: Registry;
  let proxy: RegistryProxy;
  let art: CraftedArtifact;

  beforeAll(async () => {
    reg = kit.reg;
    proxy = await startRegistryProxy(reg);
    art = await craftArtifact(reg, 'fail/file', 'v1', [{ content: randomBytes(512 * 1024), title: 'data.bin' }]);
  });
  afterAll(async () => proxy?.close());

  describe('-o that cannot be used: usage error (2), nothing created, nothing left in TMPDIR', () => {
    it('a dangling symlink', async () => {
      const s = sandbox();
      symlinkSync(join(s.cwd, 'nowhere'), join(s.cwd, 'out'));
      const r = await kit.pull(`${reg.host}/${art.tagRef}`, {
        ...s,
        out: 'out',
      });
      expectCleanFailure(r, EXIT.USAGE, [reg.password]);
      expect(r.stderr).toMatch(/out is a symlink to nothing \(dangling\)/);
      expect(readdirSync(s.cwd)).toEqual(['out']);
      expect(readdirSync(s.tmp)).toEqual([]);
    });

    it('a folder in an unwritable parent (EACCES; EPERM under /sys for root), with a hint', async () => {
      const s = sandbox();
      const locked = join(s.cwd, 'locked');
      mkdirSync(locked, { mode: 0o500 });
      // root ignores permission bits; /sys refuses new folders to everyone.
      const target = process.getuid?.() === 0 ? '/sys/ghcr-blob-test/new' : 'locked/new';
      try {
        const r = await kit.pull(`${reg.host}/${art.tagRef}`, {
          ...s,
          out: target,
        });
        expectCleanFailure(r, EXIT.USAGE, [reg.password]);
        expect(r.stderr).toMatch(/cannot create the output folder .*\/new \(permission denied\)/);
        expect(r.stderr).toMatch(/^hint: choose a folder you can write to/m);
        expect(readdirSync(locked)).toEqual([]);
        expect(readdirSync(s.tmp)).toEqual([]);
      } finally {
        chmodSync(locked, 0o700);
      }
    });

    it('/proc/nope fails at once instead of spinning', async () => {
      const s = sandbox();
      const r = await kit.pull(`${reg.host}/${art.tagRef}`, {
        ...s,
        out: '/proc/nope/x',
        timeoutMs: 20_000,
      });
      expectCleanFailure(r, EXIT.USAGE, [reg.password]);
      expect(r.stderr).toMatch(/cannot create the output folder \/proc\/nope\/x/);
      expect(readdirSync(s.tmp)).toEqual([]);
    });
  });

  it('-o a/b/c with a pull that fails leaves no a/b behind', async () => {
    const s = sandbox();
    const r = await kit.pull(`${reg.host}/fail/file:missing`, {
      ...s,
      out: 'a/b/c',
    });
    expectCleanFailure(r, EXIT.NOT_FOUND, [reg.password]);
    expect(readdirSync(s.cwd)).toEqual([]);
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it('a port out of range is a usage error, not "unreachable"', async () => {
    const r = await kit.run(['pull', 'localhost:99999/x/y:v1']);
    expectCleanFailure(r, EXIT.USAGE, [reg.password]);
    expect(r.stderr).toMatch(/port 99999 is not 1 to 65535/);
  });

  it('a reference with user:password@ is refused without repeating the password', async () => {
    const r = await kit.run(['pull', `alice:hunter2@${reg.host}/x/y:v1`]);
    expectCleanFailure(r, EXIT.USAGE, [reg.password, 'hunter2']);
    expect(r.stderr).toMatch(/carries a user name or password/);
    expect(r.stderr).not.toContain('alice');
  });

  it.each([
    ['a backslash', 'a\\b.txt'],
    ['a newline', 'a\nb.txt'],
    ['a tab', 'a\tb.txt'],
    ['a control character', 'a\u0001b.txt'],
  ])('push refuses a file name with %s (pull would refuse it), pushing nothing', async (_kind, name) => {
    const s = sandbox();
    writeFileSync(join(s.cwd, name), 'data');
    const r = await kit.push(`${reg.host}/fail/names:v1`, name, { ...s, json: false });
    expectCleanFailure(r, EXIT.USAGE, [reg.password]);
    expect(r.stderr).toMatch(/is not a plain file name; pull would refuse it/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1); // no forged lines
    expect(await listTags(reg, 'fail/names')).toEqual([]);
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it('a registry echoing the Authorization header: no spelling of the secret reaches the output, even with --debug', async () => {
    proxy.setRules([{ path: /\/manifests\//, fault: { kind: 'echoAuthorization' } }]);
    try {
      const r = await kit.run(['pull', `${proxy.host}/${art.tagRef}`, '-u', reg.username, '--debug']);
      expect(r.exitCode).not.toBe(EXIT.OK);
      expect(r.stderr).toMatch(/request carried Authorization: Basic \*\*\*/); // the echo happened, redacted
      const basic = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
      for (const form of [reg.password, basic, encodeURIComponent(reg.password), ...secretForms(reg.password)])
        expect(r.stdout + r.stderr).not.toContain(form.toString());
    } finally {
      proxy.setRules([]);
    }
  });

  it('kill -9 of ghcr-blob: its oras dies with it; the next run removes the private folder left behind', async () => {
    proxy.setRules([{ path: /\/blobs\//, method: 'GET', fault: { kind: 'stall', afterBytes: 64 * 1024 } }]);
    proxy.clearLog();
    const s = sandbox();
    const out = join(s.cwd, 'out');
    mkdirSync(out);
    const oras = recordingStandIn('oras', toolsFor(gen).oras);
    try {
      const cli = startCli(['pull', `${proxy.host}/${art.tagRef}`, '-o', out, '-u', reg.username], {
        ...s,
        env: kit.env({ GHCR_BLOB_ORAS: oras.path }),
      });
      await proxy.stalled(/\/blobs\//); // oras is mid-download, waiting for bytes that never come
      const running = oras.invocations();
      expect(running.map(subcommand)).toContain('blob fetch');
      process.kill(cli.pid!, 'SIGKILL');
      await cli;
      // Every oras it started is gone: their lifelines closed with them (deadline: the test's own).
      await Promise.all(running.map((i) => i.exited()));
      const left = readdirSync(out);
      expect(left).toHaveLength(1);
      expect(left[0]).toMatch(/^\.ghcr-blob-/);
    } finally {
      proxy.setRules([]);
    }
    const next = await kit.pull(`${proxy.host}/${art.tagRef}`, {
      ...s,
      out: out,
    });
    expect(next.exitCode, next.stderr).toBe(EXIT.OK);
    expect(readdirSync(out)).toEqual(['data.bin']);
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it('SIGINT during a pull into a folder it created: the folder is gone too', async () => {
    proxy.setRules([{ path: /\/blobs\//, method: 'GET', fault: { kind: 'stall', afterBytes: 64 * 1024 } }]);
    proxy.clearLog();
    const s = sandbox();
    try {
      const cli = startCli(['pull', `${proxy.host}/${art.tagRef}`, '-o', 'new/out', '-u', reg.username], {
        ...s,
        env: kit.env(),
      });
      await proxy.stalled(/\/blobs\//); // the download has begun inside new/out
      expect(existsSync(join(s.cwd, 'new', 'out'))).toBe(true);
      cli.kill('SIGINT');
      const r = await cli;
      expect(r.exitCode).toBe(130);
      expect(readdirSync(s.cwd)).toEqual([]);
      expect(readdirSync(s.tmp)).toEqual([]);
    } finally {
      proxy.setRules([]);
      proxy.clearLog();
    }
  });
});
