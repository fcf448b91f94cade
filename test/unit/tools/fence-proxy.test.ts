// The fence picks a proxy exactly as oras (Go's ProxyFromEnvironment) does, and its Bearer token
// request goes through that proxy too: a real loopback proxy and a made-up registry on loopback.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyFor } from '../../../src/tools/fence-proxy.js';
import { startFence } from '../../../src/tools/registry-fence.js';
import { type CountingProxy, startCountingProxy } from '../../support/proxy.js';

const P = 'http://proxy.corp:3128';
const via = (target: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(target), env)?.href;

describe('proxyFor: Go rules', () => {
  it('HTTPS_PROXY for https, HTTP_PROXY for http, no fallback; upper case wins', () => {
    expect(via('https://ghcr.io/v2/', { HTTPS_PROXY: P })).toBe(`${P}/`);
    expect(via('https://ghcr.io/v2/', { HTTP_PROXY: P })).toBeUndefined();
    expect(via('http://reg.corp/v2/', { HTTPS_PROXY: P })).toBeUndefined();
    expect(via('http://reg.corp/v2/', { http_proxy: P })).toBe(`${P}/`);
    expect(via('https://ghcr.io/', { HTTPS_PROXY: P, https_proxy: 'http://other:1' })).toBe(`${P}/`);
    expect(via('https://ghcr.io/', { HTTPS_PROXY: '', https_proxy: P })).toBe(`${P}/`);
    expect(via('https://ghcr.io/', { HTTPS_PROXY: 'proxy.corp:3128' })).toBe(`${P}/`); // no scheme: http://
  });

  it('never proxies localhost or loopback addresses', () => {
    for (const t of [
      'https://localhost:5000/',
      'https://127.0.0.1/',
      'https://127.9.9.9:443/',
      'https://[::1]:5000/',
    ]) {
      expect(via(t, { HTTPS_PROXY: P }), t).toBeUndefined();
    }
    expect(via('https://localhost.evil.example/', { HTTPS_PROXY: P })).toBe(`${P}/`);
  });

  it('NO_PROXY: *, domains and their subdomains, .subdomains only, ports, IPs and CIDRs', () => {
    const env = (NO_PROXY: string) => ({ HTTPS_PROXY: P, NO_PROXY });
    expect(via('https://ghcr.io/', env('*'))).toBeUndefined();
    expect(via('https://ghcr.io/', env('example.org, ghcr.io'))).toBeUndefined();
    expect(via('https://pkg.ghcr.io/', env('ghcr.io'))).toBeUndefined();
    expect(via('https://ghcr.io/', env('.ghcr.io'))).toBe(`${P}/`);
    expect(via('https://pkg.ghcr.io/', env('*.ghcr.io'))).toBeUndefined();
    expect(via('https://ghcr.io/', env('ghcr.io:443'))).toBeUndefined(); // the default port counts
    expect(via('https://ghcr.io:5000/', env('ghcr.io:443'))).toBe(`${P}/`);
    expect(via('https://10.1.2.3/', env('10.0.0.0/8'))).toBeUndefined();
    expect(via('https://10.1.2.3:5000/', env('10.1.2.3:5000'))).toBeUndefined();
    expect(via('https://10.1.2.3:5001/', env('10.1.2.3:5000'))).toBe(`${P}/`);
    expect(via('https://GHCR.IO/', { HTTPS_PROXY: P, no_proxy: 'Ghcr.Io' })).toBeUndefined();
  });

  it('evil case: NO_PROXY=ghcr.io does not exempt evilghcr.io, nor a CIDR a name', () => {
    const env = { HTTPS_PROXY: P, NO_PROXY: 'ghcr.io,10.0.0.0/8' };
    expect(via('https://evilghcr.io/', env)).toBe(`${P}/`);
    expect(via('https://ghcr.io.evil.example/', env)).toBe(`${P}/`);
    expect(via('https://10.example/', env)).toBe(`${P}/`);
  });

  it('refuses a SOCKS proxy rather than going direct behind the user’s back', () => {
    expect(() => via('https://ghcr.io/', { HTTPS_PROXY: 'socks5://127.0.0.1:1080' })).toThrow(/SOCKS/);
  });
});

describe('the Bearer token request goes through the proxy too', () => {
  let proxy: CountingProxy;
  let port = 0;
  const tokenAsks: string[] = [];
  const registry = createServer((req, res) => {
    const realm = `http://registry.proxied.test:${port}/token`;
    if (req.url?.startsWith('/token')) {
      tokenAsks.push(req.headers.authorization ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t0k"}');
    } else if (req.headers.authorization !== 'Bearer t0k') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="reg"`, 'content-length': '0' }).end();
    } else res.writeHead(200, { 'content-length': '2' }).end('{}');
  });
  beforeAll(async () => {
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    port = (registry.address() as AddressInfo).port;
    proxy = await startCountingProxy({ hosts: { 'registry.proxied.test': '127.0.0.1' } });
  });
  afterAll(async () => {
    await proxy.close();
    registry.close();
  });

  it('the registry and its token service, both reached only through HTTP_PROXY', async () => {
    const fence = await startFence({
      registryHost: `registry.proxied.test:${port}`,
      plainHttp: true,
      username: 'u',
      secret: 's3cret',
      timeoutMs: 5000,
      env: { HTTP_PROXY: proxy.url },
    });
    try {
      const key = Buffer.from(`${fence.username}:${fence.key}`).toString('base64');
      const res = await fetch(`http://${fence.host}/v2/o/r/manifests/v1`, {
        headers: { authorization: `Basic ${key}` },
      });
      expect(res.status).toBe(200);
      expect(tokenAsks).toEqual([`Basic ${Buffer.from('u:s3cret').toString('base64')}`]);
      expect(proxy.seen.map((s) => `${s.method} ${new URL(s.target).pathname}`)).toEqual([
        'GET /v2/o/r/manifests/v1',
        'GET /token',
        'GET /v2/o/r/manifests/v1',
      ]);
      expect(proxy.seen.every((s) => s.target.startsWith(`http://registry.proxied.test:${port}/`))).toBe(true);
    } finally {
      await fence.close();
    }
  });
});
