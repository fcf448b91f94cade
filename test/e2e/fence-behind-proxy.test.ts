// Behind a corporate proxy, an authenticated push and pull still work: the credential fence's own
// requests to the registry (and its token service) go through HTTPS_PROXY / HTTP_PROXY as oras's
// would, honouring NO_PROXY. Go and Node never proxy loopback, so the real registry is named
// `registry.proxied.test`, a name only the test proxy resolves: the run can only succeed through it.
// For https the proxy sees a CONNECT and nothing of the credential; TLS (with --ca-file) runs inside.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCliDirs } from '../support/cli.js';
import { EXIT, expectCleanFailure } from '../support/expect.js';
import { env as toolEnv, run, useKit } from '../support/kit.js';
import { type CountingProxy, startCountingProxy } from '../support/proxy.js';
import { PROXIED_REGISTRY_NAME } from '../support/test-ca.js';
import { GENERATIONS } from '../support/tools.js';

const portOf = (host: string) => host.split(':').pop()!;
const basicOf = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('the fence behind an HTTPS proxy (CONNECT, private CA)', () => {
  const kit = useKit({ gen: 'sid', registry: { tls: true } });
  let proxy: CountingProxy;
  let host = '';
  beforeAll(async () => {
    proxy = await startCountingProxy({ tunnel: true, hosts: { [PROXIED_REGISTRY_NAME]: '127.0.0.1' } });
    host = `${PROXIED_REGISTRY_NAME}:${portOf(kit.reg.host)}`;
  });
  afterAll(() => proxy?.close());

  it.each(GENERATIONS)(
    'push and pull go through the tunnel; the proxy never sees the credential (oras from %s)',
    async (gen) => {
      const reg = kit.reg;
      const dir = freshCliDirs().cwd;
      const file = join(dir, 'proxied.bin');
      const content = randomBytes(64 * 1024);
      writeFileSync(file, content);
      // Lower case, as many setups spell it; oras gets it too, and must still reach the fence directly.
      const env = toolEnv({ gen, token: reg.password }, { https_proxy: proxy.url, NO_PROXY: 'example.org' });
      const before = proxy.seen.length;
      const ref = `${host}/octo/proxied:${gen}`;
      const pushed = await run(['push', ref, file, '-u', reg.username, '--ca-file', reg.caFile!], { env });
      expect(pushed.exitCode, pushed.stderr).toBe(EXIT.OK);
      const out = join(dir, 'out');
      const pulled = await run(['pull', ref, '-o', out, '-u', reg.username, '--ca-file', reg.caFile!], { env, out });
      expect(pulled.exitCode, pulled.stderr).toBe(EXIT.OK);
      expect(readFileSync(join(out, 'proxied.bin')).equals(content)).toBe(true);
      const seen = proxy.seen.slice(before);
      // Every request the proxy saw is a tunnel to the registry (the fence on loopback is never proxied).
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen.map((s) => `${s.method} ${s.target}`))).toEqual(new Set([`CONNECT ${host}`]));
      const said = JSON.stringify(proxy.headers.slice(before));
      expect(said).not.toContain(reg.password);
      expect(said).not.toContain(basicOf(reg.username, reg.password));
      expect(said).not.toMatch(/"authorization"/i);
    },
  );

  it('NO_PROXY naming the registry: the fence goes direct (and cannot resolve it): exit 7, the proxy saw nothing', async () => {
    const reg = kit.reg;
    const before = proxy.seen.length;
    const env = toolEnv(
      { token: reg.password },
      { HTTPS_PROXY: proxy.url, NO_PROXY: `localhost, .other.test, proxied.test:${portOf(kit.reg.host)}` },
    );
    const r = await run(
      ['pull', `${host}/octo/proxied:trixie`, '-o', 'out', '-u', reg.username, '--ca-file', reg.caFile!],
      {
        env,
        out: 'out',
      },
    );
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.landed).toBeNull();
    expect(r.left).toEqual([]);
    expect(proxy.seen.length).toBe(before);
  });

  it('without --ca-file the registry certificate is still checked inside the tunnel: exit 7', async () => {
    const reg = kit.reg;
    const env = toolEnv({ token: reg.password }, { HTTPS_PROXY: proxy.url });
    const before = proxy.seen.length;
    const r = await run(['pull', `${host}/octo/proxied:trixie`, '-o', 'out', '-u', reg.username], { env, out: 'out' });
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.stderr).toMatch(/--ca-file/);
    expect(r.landed).toBeNull();
    expect(proxy.seen.slice(before)).toContainEqual({ method: 'CONNECT', target: host });
  });

  it('a SOCKS proxy is refused, not bypassed: exit 2, the credential never sent', async () => {
    const reg = kit.reg;
    const env = toolEnv({ token: reg.password }, { HTTPS_PROXY: 'socks5://127.0.0.1:1' });
    const r = await run(
      ['pull', `${host}/octo/proxied:trixie`, '-o', 'out', '-u', reg.username, '--ca-file', reg.caFile!],
      { env, out: 'out' },
    );
    expectCleanFailure(r, EXIT.USAGE, [reg.password]);
    expect(r.stderr).toContain('SOCKS');
    expect(r.landed).toBeNull();
    expect(r.left).toEqual([]);
  });

  it('a proxy that refuses the tunnel: exit 7 naming the proxy, nothing landed, the credential never sent', async () => {
    const reg = kit.reg;
    const refusing = await startCountingProxy({ hosts: { [PROXIED_REGISTRY_NAME]: '127.0.0.1' } });
    try {
      const env = toolEnv({ token: reg.password }, { HTTPS_PROXY: refusing.url });
      const r = await run(
        ['pull', `${host}/octo/proxied:trixie`, '-o', 'out', '-u', reg.username, '--ca-file', reg.caFile!],
        {
          env,
          out: 'out',
        },
      );
      expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
      expect(r.stderr).toContain(`the proxy ${new URL(refusing.url).host} refused CONNECT ${host}`);
      expect(r.landed).toBeNull();
      expect(r.left).toEqual([]);
      expect(refusing.seen).toContainEqual({ method: 'CONNECT', target: host });
      expect(JSON.stringify(refusing.headers)).not.toMatch(/authorization/i);
    } finally {
      await refusing.close();
    }
  });
});

describe('the fence behind an HTTP proxy (plain-HTTP registry, absolute form)', () => {
  const kit = useKit({ gen: 'trixie' });
  let proxy: CountingProxy;
  beforeAll(async () => {
    proxy = await startCountingProxy({ hosts: { [PROXIED_REGISTRY_NAME]: '127.0.0.1' } });
  });
  afterAll(() => proxy?.close());

  it('push and pull are forwarded by the proxy, as oras sends them; HTTPS_PROXY alone is not used for http', async () => {
    const reg = kit.reg;
    const host = `${PROXIED_REGISTRY_NAME}:${portOf(reg.host)}`;
    const dir = freshCliDirs().cwd;
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'through the proxy');
    const ref = `${host}/octo/plain:v1`;
    // HTTPS_PROXY does not apply to an http registry (Go does not fall back either): no proxy, no name.
    const onlyHttps = await run(['push', ref, file, '-u', reg.username, '--plain-http'], {
      env: toolEnv({ token: reg.password }, { HTTPS_PROXY: proxy.url }),
    });
    expectCleanFailure(onlyHttps, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(proxy.seen).toEqual([]);

    const env = toolEnv({ token: reg.password }, { HTTP_PROXY: proxy.url });
    const pushed = await run(['push', ref, file, '-u', reg.username, '--plain-http'], { env });
    expect(pushed.exitCode, pushed.stderr).toBe(EXIT.OK);
    const out = join(dir, 'out');
    const pulled = await run(['pull', ref, '-o', out, '-u', reg.username, '--plain-http'], { env, out });
    expect(pulled.exitCode, pulled.stderr).toBe(EXIT.OK);
    expect(readFileSync(join(out, 'plain.txt'), 'utf8')).toBe('through the proxy');
    expect(proxy.seen.length).toBeGreaterThan(0);
    for (const s of proxy.seen) expect(s.target.startsWith(`http://${host}/v2/`), s.target).toBe(true);
    expect(proxy.seen.map((s) => s.method)).toEqual(expect.arrayContaining(['GET', 'PUT']));
  });
});
