/**
 * The registry fence: a loopback relay between oras and the registry that holds the credential
 * so oras never does. oras gets `localhost:PORT` and a one-run key (worthless anywhere else);
 * the fence adds the real credential only to requests it sends to the registry's own host and,
 * for a Bearer challenge, to a token service on that host (token-service.ts). Redirects and
 * upload locations on another host go back to oras untouched, and oras follows them holding
 * nothing but the key. So whatever oras is installed (1.2 sends its credential to a redirect's
 * other port, to an upload location on another host and to any token realm), the credential
 * stays with the registry.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { withDeadline } from '../core/deadlines.js';
import { GhcrBlobError } from '../core/errors.js';
import { fenceError } from './fence-errors.js';
import { getAnswer, upstream } from './fence-proxy.js';
import { checkRealm, fetchBearerToken, parseChallenge, type TokenService } from './token-service.js';

export interface FenceOptions {
  /** host[:port] exactly as in the reference. */
  registryHost: string;
  plainHttp: boolean;
  caFile?: string;
  username: string;
  secret: string;
  authHost?: string;
  timeoutMs: number;
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read (fence-proxy.ts); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** What the run will ask for, so the fence can get ready before oras asks (see `warmUp`). */
  warmUp?: WarmUp;
}

/** The repository (path, without the host) a run reads, or reads and writes. */
export interface WarmUp {
  repository: string;
  access: 'pull' | 'push';
}

export interface Fence {
  /** `localhost:PORT`: oras talks plain HTTP to it without flags. */
  host: string;
  username: string;
  key: string;
  /** Why the fence kept the credential back or could not reach the registry, if it did. */
  failure(): GhcrBlobError | undefined;
  close(): Promise<void>;
}

/**
 * Each side of the relay may hold this much before it waits for the other: with Node's 16 KiB
 * default, a blob moved in 64 KiB reads stops and starts both sockets on every read, and each
 * stop waits for oras (or the registry) to be scheduled; on a busy machine that was most of the
 * relay's cost. Memory stays bounded: at most this much per direction per connection.
 */
const RELAY_BUFFER_BYTES = 1024 * 1024;
/** The most of an answer to the warm-up's `GET /v2/` that is read (to keep its connection). */
const PROBE_ANSWER_MAX_BYTES = 64 * 1024;
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];
const REPOSITORY = /^\/v2\/(.+?)\/(?:manifests|blobs|tags|referrers)\//;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

// Not `import { createServer } from 'node:http'`: see fence-proxy.ts (the ES module facade loads undici).
const { createServer } = process.getBuiltinModule('node:http');

export async function startFence(opts: FenceOptions): Promise<Fence> {
  const protocol = opts.plainHttp || /^localhost(:\d+)?$/.test(opts.registryHost) ? 'http:' : 'https:';
  const origin = `${protocol}//${opts.registryHost}`;
  const svc: TokenService = { protocol, registryHost: opts.registryHost, authHost: opts.authHost };
  const ca = opts.caFile ? [...rootCertificates, await readFile(opts.caFile, 'utf8')] : undefined;
  // Direct, or through the user's proxy exactly as oras would go (fence-proxy.ts).
  const agent = upstream({ ...(ca ? { ca } : {}), ...(opts.env ? { env: opts.env } : {}) });
  const key = randomBytes(24).toString('base64url');
  const username = 'ghcr-blob';
  // Why exact: the one-run key is the only thing that lets a local process use the credential.
  const expected = `Basic ${b64(`${username}:${key}`)}`;
  const basic = b64(`${opts.username}:${opts.secret}`);
  let scheme: 'none' | 'basic' | 'bearer' = 'none';
  let realm: { url: URL; service?: string } | undefined;
  // One token request per scope however many requests need it at once; `value` once it came.
  const tokens = new Map<string, { token: Promise<string>; value?: string }>();
  let failed: GhcrBlobError | undefined;
  let fenceOrigin = '';

  const scopeFor = (req: IncomingMessage): string | undefined => {
    const name = REPOSITORY.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    if (!name) return undefined;
    return `repository:${name}:${req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'pull,push'}`;
  };
  const authorization = async (scope: string | undefined): Promise<string | undefined> => {
    if (scheme === 'basic') return `Basic ${basic}`;
    if (scheme !== 'bearer' || !realm) return undefined;
    const k = scope ?? '';
    let entry = tokens.get(k);
    if (!entry) {
      const token = fetchBearerToken(realm.url, { service: realm.service, scope }, basic, agent, opts.timeoutMs);
      const fresh: { token: Promise<string>; value?: string } = { token };
      token.then(
        (t) => {
          fresh.value = t;
        },
        (e: unknown) => {
          // A credential the token service refused is not offered again; anything else is asked again.
          const refused = e instanceof GhcrBlobError && e.code === 'AUTH_FAILED';
          if (!refused && tokens.get(k) === fresh) tokens.delete(k);
        },
      );
      tokens.set(k, fresh);
      entry = fresh;
    }
    return `Bearer ${await entry.token}`;
  };
  /** The registry refused this token: it is not handed out again. */
  const forget = (scope: string | undefined, refused: string | undefined) => {
    const k = scope ?? '';
    const entry = tokens.get(k);
    if (entry?.value !== undefined && refused === `Bearer ${entry.value}`) tokens.delete(k);
  };
  /**
   * Learns from a 401 how the registry wants credentials: the scope to ask a token for ('' for the
   * request's own, undefined for Basic), or false when it cannot be answered. It only states what the
   * registry said, so it is the same whichever of several requests racing from the start gets here
   * first; whether to retry is the caller's (a credential other than the refused one).
   */
  const learn = (res: IncomingMessage): string | undefined | false => {
    const challenge = parseChallenge(res.headers['www-authenticate'] as string | undefined);
    if (challenge?.scheme === 'basic') {
      scheme = 'basic';
      return undefined;
    }
    if (challenge?.scheme === 'bearer') {
      const url = checkRealm(challenge.realm, svc); // throws when the realm is elsewhere
      if (!realm || realm.url.href !== url.href || realm.service !== challenge.service) tokens.clear();
      realm = { url, service: challenge.service };
      scheme = 'bearer';
      return challenge.scope ?? '';
    }
    return false;
  };

  const send = (req: IncomingMessage, auth: string | undefined, withBody: boolean) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const headers: OutgoingHttpHeaders = { ...req.headers, host: opts.registryHost };
      for (const h of [...HOP_BY_HOP, 'authorization']) delete headers[h];
      if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding'];
      if (auth) headers.authorization = auth;
      // highWaterMark reaches the socket Node's agent makes (its type does not list it).
      const options = { method: req.method, headers, highWaterMark: RELAY_BUFFER_BYTES };
      const out = agent.request(new URL(req.url ?? '/', origin), options, resolve);
      out.on('error', reject);
      if (withBody) req.pipe(out);
      else out.end();
    });

  /** The registry's own absolute URLs point at the fence; relative ones and other hosts stay as they are. */
  const throughFence = (value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return value; // relative: oras resolves it against the fence
    }
    // Why exact: only the registry's own origin may be reached with the credential.
    return url.origin === new URL(origin).origin ? `${fenceOrigin}${url.pathname}${url.search}` : value;
  };

  /**
   * Before oras asks anything: how the registry wants credentials (`GET /v2/`, sent without one)
   * and the tokens the run will need, on a keep-alive connection oras's first request then reuses.
   * Across a network that is the two to four round trips (connect, challenge, token, and TLS on
   * ghcr.io) each first request waited for, done while ghcr-blob and oras are still starting.
   * It only prepares: what goes wrong here is left to the requests that follow, which meet the
   * same registry and report what it does (a refused credential is not offered twice, see above).
   */
  const warmUp = async (w: WarmUp): Promise<void> => {
    try {
      const res = await getAnswer(agent, new URL('/v2/', origin), { host: opts.registryHost }, opts.timeoutMs);
      // A short answer is read to its end, so its connection serves oras's first request; any other
      // (no length, or a long one: a registry may send junk forever) is cut off, never read.
      const length = Number(res.headers['content-length'] ?? Number.NaN);
      if (length <= PROBE_ANSWER_MAX_BYTES) res.resume();
      else res.destroy();
      if (res.statusCode !== 401 || learn(res) === false) return;
      const scopes = w.access === 'push' ? ['pull', 'pull,push'] : ['pull'];
      await Promise.all(scopes.map((a) => authorization(`repository:${w.repository}:${a}`)));
    } catch {
      // Left to the requests that follow (above).
    }
  };
  const warming = opts.warmUp ? warmUp(opts.warmUp) : undefined;
  // A quarter of the step deadline, at most 10 s: a few round trips anywhere, and if the warm-up
  // takes longer, the request still has most of its deadline to go the usual way.
  const warmUpWaitMs = Math.min(opts.timeoutMs / 4, 10_000);

  const relay = async (req: IncomingMessage, res: ServerResponse) => {
    // Waits for the warm-up, so the first request goes with the credential; but not for long: a
    // registry that never answers `GET /v2/` is still served the usual way (challenge, then token).
    if (warming) await withDeadline(warming, warmUpWaitMs, () => new Error('warm-up')).catch(() => {});
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const scope = scopeFor(req);
    // Requests that left before the first challenge was answered go without a credential; each
    // 401 they get is retried below, so racing first requests (oras discover beside oras manifest
    // fetch) all get the credential, not just the one whose answer came first.
    const sent = await authorization(scope);
    let up = await send(req, sent, hasBody);
    if (up.statusCode === 401 && !hasBody) {
      const retryScope = learn(up);
      if (retryScope !== false) {
        forget(scope, sent);
        const again = await authorization(retryScope || scope);
        // Once, and only with another credential than the refused one: a wrong password is not sent twice.
        if (again !== undefined && again !== sent) {
          up.resume();
          up = await send(req, again, false);
        }
      }
    }
    const headers: OutgoingHttpHeaders = { ...up.headers };
    for (const h of ['connection', 'keep-alive', 'transfer-encoding']) delete headers[h];
    // oras follows the registry's own URLs through the fence; any other host it reaches holding only the key.
    if (typeof headers.location === 'string') headers.location = throughFence(headers.location);
    if (typeof headers.link === 'string')
      headers.link = headers.link.replace(/<([^>]*)>/g, (_, u: string) => `<${throughFence(u)}>`);
    if (up.statusCode === 401) headers['www-authenticate'] = 'Basic realm="ghcr-blob"';
    res.writeHead(up.statusCode ?? 502, headers);
    up.pipe(res);
    res.on('close', () => up.destroy());
  };

  const server = createServer({ highWaterMark: RELAY_BUFFER_BYTES }, (req, res) => {
    res.on('error', () => {});
    if (req.headers.authorization !== expected) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="ghcr-blob"', 'content-length': '0' });
      res.end();
      return;
    }
    relay(req, res).catch((e: unknown) => {
      failed ??= fenceError(e, opts.registryHost);
      if (res.headersSent) res.destroy();
      else {
        // 401: oras does not retry it, and says "unauthorized"; the fence's own failure is what is reported.
        res.writeHead(failed.code === 'AUTH_FAILED' ? 401 : 400, { 'content-length': '0' });
        res.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Never what keeps ghcr-blob running: a session nobody disposed must not hold the process open.
  server.unref();
  const { port } = server.address() as AddressInfo;
  fenceOrigin = `http://localhost:${port}`;
  return {
    host: `localhost:${port}`,
    username,
    key,
    failure: () => failed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
