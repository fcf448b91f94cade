/**
 * The fence's way out: HTTPS_PROXY / HTTP_PROXY / NO_PROXY read exactly as oras (Go's
 * net/http ProxyFromEnvironment) reads them, since before the fence oras made these requests
 * itself. Upper case wins over lower case; HTTPS_PROXY is for https targets and HTTP_PROXY for
 * http ones (no fallback between them); `localhost` and loopback addresses are never proxied;
 * NO_PROXY holds `*`, hosts (`foo.com` = it and its subdomains, `.foo.com` or `*.foo.com` =
 * subdomains only), IP addresses, CIDR ranges, each optionally with `:port`. An https target goes
 * through a CONNECT tunnel (the proxy sees only `CONNECT host:port`, never the registry's
 * credential; TLS to the registry, with --ca-file's CA, runs inside it); an http target is sent in
 * absolute form, as Go does. Everything streams through node:http as before: memory stays bounded.
 */
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, RequestOptions } from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { BlockList, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { GhcrBlobError } from '../core/errors.js';
import { printableLine } from '../core/printable.js';

// Why not `import … from 'node:http'`: its ES module facade reads every export, and one of them
// loads Node's bundled undici (fetch) — ~50 ms of every run. The CommonJS objects are the same.
const { Agent: HttpAgent, request: httpRequest } = process.getBuiltinModule('node:http');
const { Agent: HttpsAgent, request: httpsRequest } = process.getBuiltinModule('node:https');
type HttpAgent = InstanceType<typeof HttpAgent>;
type HttpsAgent = InstanceType<typeof HttpsAgent>;

const firstSet = (env: NodeJS.ProcessEnv, ...names: string[]) => names.map((n) => env[n]).find((v) => v) ?? '';
const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
const ipFamily = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/** The proxy URL as Go parses it: no scheme (`proxy:3128`) means http://. */
function parseProxy(value: string): URL | undefined {
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:', 'socks5:', 'socks5h:'].includes(url.protocol)) {
    try {
      url = new URL(`http://${value}`);
    } catch {
      throw new GhcrBlobError('USAGE', `invalid proxy address ${printableLine(value, 200)}`);
    }
  }
  if (url.protocol === 'socks5:' || url.protocol === 'socks5h:') {
    throw new GhcrBlobError('USAGE', 'ghcr-blob does not speak SOCKS proxies for authenticated registry requests', {
      recommendation: 'use an HTTP(S) proxy in HTTPS_PROXY / HTTP_PROXY, or exclude the registry with NO_PROXY',
    });
  }
  return url;
}

type Matcher = (host: string, port: string, isIp: boolean) => boolean;

function noProxyMatchers(value: string): Matcher[] {
  const out: Matcher[] = [];
  for (const raw of value.split(',')) {
    const p = raw.trim().toLowerCase();
    if (!p) continue;
    if (p === '*') return [() => true];
    const cidr = /^(.+)\/(\d{1,3})$/.exec(p);
    if (cidr && isIP(cidr[1]!)) {
      const list = new BlockList();
      try {
        list.addSubnet(cidr[1]!, Number(cidr[2]), ipFamily(cidr[1]!));
      } catch {
        continue;
      }
      out.push((host, _port, isIp) => isIp && list.check(host, ipFamily(host)));
      continue;
    }
    // host:port or [v6]:port, as net.SplitHostPort splits it; a bare IPv6 address has no port.
    const hp = /^(\[[^\]]*\]|[^:[\]]*):(\d*)$/.exec(p);
    let phost = hp ? bare(hp[1]!) : bare(p);
    const pport = hp ? hp[2]! : '';
    if (hp && !hp[1]) continue;
    if (isIP(phost)) {
      const list = new BlockList();
      list.addAddress(phost, ipFamily(phost));
      out.push((host, port, isIp) => isIp && list.check(host, ipFamily(host)) && (!pport || pport === port));
      continue;
    }
    if (!phost) continue;
    if (phost.startsWith('*.')) phost = phost.slice(1);
    const matchHost = !phost.startsWith('.');
    if (matchHost) phost = `.${phost}`;
    const suffix = phost;
    // Why exact: a domain entry covers that domain and its subdomains only, never `evilfoo.com`.
    out.push(
      (host, port) => (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) && (!pport || pport === port),
    );
  }
  return out;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** The proxy oras would use for this URL, or undefined for a direct connection. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const proxy =
    target.protocol === 'https:'
      ? parseProxy(firstSet(env, 'HTTPS_PROXY', 'https_proxy'))
      : target.protocol === 'http:'
        ? parseProxy(firstSet(env, 'HTTP_PROXY', 'http_proxy'))
        : undefined;
  if (!proxy) return undefined;
  const host = bare(target.hostname);
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost') return undefined;
  const isIp = isIP(host) !== 0;
  if (isIp && LOOPBACK.check(host, ipFamily(host))) return undefined;
  if (noProxyMatchers(firstSet(env, 'NO_PROXY', 'no_proxy')).some((m) => m(host, port, isIp))) return undefined;
  return proxy;
}

const proxyAuthorization = (proxy: URL): Record<string, string> =>
  proxy.username
    ? {
        'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
      }
    : {};
const proxyPort = (proxy: URL) => Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));

/** The proxy's host only: credentials in its URL are never shown. */
const viaProxy = (proxy: URL, what: string) =>
  new GhcrBlobError('REGISTRY_UNREACHABLE', `the proxy ${proxy.host} ${what}`, {
    recommendation: 'check HTTPS_PROXY / https_proxy, or name the registry in NO_PROXY to reach it directly',
  });

/** An https agent whose connections are TLS inside a CONNECT tunnel through the proxy. */
class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    opts: HttpsAgentOptions,
  ) {
    super(opts);
  }
  override createConnection(
    options: RequestOptions & { servername?: string },
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    // Node's Agent accepts an asynchronous createConnection: return nothing, call back with the socket.
    const done = (err: Error | null, stream?: Duplex) => callback?.(err, stream as Duplex);
    const authority = `${options.host}:${options.port}`;
    const send = this.proxy.protocol === 'https:' ? httpsRequest : httpRequest;
    // Only what a CONNECT needs: the target authority and the user's own proxy credential, if any.
    const connectReq = send({
      host: bare(this.proxy.hostname),
      port: proxyPort(this.proxy),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthorization(this.proxy) },
      agent: false,
      ...(options.timeout ? { timeout: options.timeout } : {}),
    });
    connectReq.once('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(viaProxy(this.proxy, `refused CONNECT ${authority} (HTTP ${res.statusCode})`));
        return;
      }
      const host = options.servername ?? options.host ?? '';
      // TLS to the registry itself, inside the tunnel: its certificate is checked (with --ca-file's CA).
      const tls = tlsConnect({ ...(options as object), socket, ...(isIP(host) ? {} : { servername: host }) });
      done(null, tls);
    });
    connectReq.once('timeout', () => connectReq.destroy(new Error('the proxy did not answer CONNECT in time')));
    connectReq.once('error', (e) => done(viaProxy(this.proxy, `cannot be reached: ${e.message}`)));
    connectReq.end();
    return undefined;
  }
}

export interface Upstream {
  /** Like http(s).request(url, …): direct, tunnelled or via the proxy, as oras would. */
  request(url: URL, options: RequestOptions, onResponse?: (res: IncomingMessage) => void): ClientRequest;
  destroy(): void;
}

/**
 * A GET the fence makes on its own account (the warm-up's probe, a token request), with one
 * deadline for the whole answer, not per byte: a server trickling its headers or its body is cut
 * off too. It stays armed until the request is over, so a body the caller reads is bounded by it.
 */
export function getAnswer(
  agent: Upstream,
  url: URL,
  headers: OutgoingHttpHeaders,
  timeoutMs: number,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = agent.request(url, { method: 'GET', headers });
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs).unref();
    req.on('close', () => clearTimeout(deadline));
    req.on('error', reject);
    req.on('response', resolve);
    req.end();
  });
}

export function upstream(opts: { ca?: string[]; env?: NodeJS.ProcessEnv }): Upstream {
  const env = opts.env ?? process.env;
  const tlsOpts = { keepAlive: true, ...(opts.ca ? { ca: opts.ca } : {}) };
  const agents: (HttpAgent | HttpsAgent)[] = [];
  const cache = new Map<string, HttpAgent | HttpsAgent>();
  const agent = (key: string, make: () => HttpAgent | HttpsAgent) => {
    let a = cache.get(key);
    if (!a) {
      a = make();
      cache.set(key, a);
      agents.push(a);
    }
    return a;
  };
  return {
    request(url, options, onResponse) {
      const proxy = proxyFor(url, env);
      const base = {
        ...options,
        host: bare(url.hostname),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
      };
      if (url.protocol === 'https:') {
        const a = proxy
          ? agent(`tunnel ${proxy.href}`, () => new TunnelAgent(proxy, tlsOpts))
          : agent('https', () => new HttpsAgent(tlsOpts));
        return httpsRequest({ ...base, agent: a }, onResponse);
      }
      if (!proxy)
        return httpRequest({ ...base, agent: agent('http', () => new HttpAgent({ keepAlive: true })) }, onResponse);
      // Plain HTTP through a proxy: absolute form, as Go sends it (the proxy relays the whole request).
      const send = proxy.protocol === 'https:' ? httpsRequest : httpRequest;
      return send(
        {
          ...options,
          host: bare(proxy.hostname),
          port: proxyPort(proxy),
          path: url.href,
          headers: { ...options.headers, host: url.host, ...proxyAuthorization(proxy) },
          agent: agent(`proxy ${proxy.href}`, () =>
            proxy.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true }),
          ),
        },
        onResponse,
      );
    },
    destroy() {
      for (const a of agents) a.destroy();
    },
  };
}
