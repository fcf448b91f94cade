// The token service of a GHCR-like registry (see ghcr-like.ts): what a registry with
// `auth: token` sends clients to (`WWW-Authenticate: Bearer realm=…,service=…,scope=…`).
//
// GET /token?service=S&scope=repository:NAME:pull,push (scope may repeat), as oras asks, or the
// OAuth2 form POST (grant_type=password) some clients try first:
// - Basic credentials of a known user → a JWT granting the requested actions;
// - no credentials → a JWT granting `pull` on public repositories only (anonymous pull, as
//   ghcr.io allows for public packages), and nothing else;
// - a wrong user or token → 401, and no JWT at all.
// The JWT is ES256, signed with a key whose self-signed certificate is the registry's
// `rootcertbundle`; its header carries that certificate (`x5c`), which distribution 2.8 checks.
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface TokenServerOptions {
  /** The registry's `auth.token.service`; a request naming another is refused (400). */
  service: string;
  /** The registry's `auth.token.issuer`. */
  issuer: string;
  users: Record<string, string>;
  /** Repositories anyone may pull: a name, or a prefix ending in `/`. */
  publicRepositories?: readonly string[];
}

export interface TokenRequest {
  /** The user who authenticated, `null` for an anonymous request. */
  user: string | null;
  scopes: string[];
  status: number;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT/token`. */
  url: string;
  port: number;
  /** PEM of the certificate that signs every token: the registry's rootcertbundle. */
  certificatePem: string;
  /** Every request answered so far, in order. */
  requests: TokenRequest[];
  close(): Promise<void>;
}

const TOKEN_LIFETIME_S = 300;
const MAX_BODY_BYTES = 64 * 1024;

const b64url = (x: Buffer | string): string => Buffer.from(x).toString('base64url');

interface Grant {
  type: 'repository';
  name: string;
  actions: string[];
}

/** `repository:octo/tools:pull,push` → a grant request; anything else is ignored. */
function parseScope(scope: string): Grant | undefined {
  const m = /^repository:([a-z0-9._/-]+):([a-z,*]+)$/.exec(scope);
  if (!m?.[1] || !m[2]) return undefined;
  return { type: 'repository', name: m[1], actions: m[2].split(',').filter(Boolean) };
}

function basicUser(header: string | undefined, users: Record<string, string>): string | null | undefined {
  if (!header) return null; // anonymous
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  // Why exact: a token that merely starts with the right one is a wrong token.
  return colon > 0 && Object.hasOwn(users, user) && users[user] === secret ? user : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) req.destroy(new Error('token request body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const pki = await generate([{ name: 'commonName', value: 'ghcr-blob test token issuer' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
  });
  const key: KeyObject = createPrivateKey(pki.private);
  const certDer = Buffer.from(pki.cert.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const isPublic = (name: string) =>
    (opts.publicRepositories ?? []).some((p) => (p.endsWith('/') ? name.startsWith(p) : name === p));
  const requests: TokenRequest[] = [];

  const mint = (user: string | null, grants: Grant[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] };
    const claims = {
      iss: opts.issuer,
      sub: user ?? '',
      aud: opts.service,
      iat: now,
      nbf: now - 10,
      exp: now + TOKEN_LIFETIME_S,
      jti: randomUUID(),
      access: grants,
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${b64url(signature)}`;
  };

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const reply = (status: number, body: object, scopes: string[], user: string | null = null) => {
      requests.push({ user, scopes, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname !== '/token') return reply(404, { errors: [{ code: 'NOT_FOUND' }] }, []);
    let params = url.searchParams;
    let authorization = req.headers.authorization;
    if (req.method === 'POST') {
      // OAuth2 form: the credentials travel in the body instead of a Basic header.
      params = new URLSearchParams(await readBody(req));
      const [u, p] = [params.get('username'), params.get('password')];
      if (params.get('grant_type') !== 'password' || u === null || p === null)
        return reply(400, { error: 'unsupported_grant_type' }, []);
      authorization = `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    } else if (req.method !== 'GET') return reply(405, { errors: [{ code: 'UNSUPPORTED' }] }, []);
    const scopes = params.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
    if (params.get('service') !== opts.service)
      return reply(400, { errors: [{ code: 'DENIED', message: 'unknown service' }] }, scopes);
    const user = basicUser(authorization, opts.users);
    if (user === undefined) {
      res.setHeader('www-authenticate', `Basic realm="${opts.service}"`);
      return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, scopes);
    }
    const grants = scopes.flatMap((scope) => {
      const wanted = parseScope(scope);
      if (!wanted) return [];
      // Anonymous: pull of a public repository, nothing more.
      const actions = user === null ? (isPublic(wanted.name) ? ['pull'] : []) : wanted.actions;
      const granted = actions.filter((a) => wanted.actions.includes(a) || wanted.actions.includes('*'));
      return granted.length ? [{ ...wanted, actions: granted }] : [];
    });
    const token = mint(user, grants);
    reply(
      200,
      { token, access_token: token, expires_in: TOKEN_LIFETIME_S, issued_at: new Date().toISOString() },
      scopes,
      user,
    );
  };

  const server = createServer((req, res) => {
    answer(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/token`,
    port,
    certificatePem: pki.cert,
    requests,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
