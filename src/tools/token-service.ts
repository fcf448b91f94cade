/**
 * The registry's auth challenge and its token service, handled by ghcr-blob itself so the
 * credential only ever meets the registry's host: `WWW-Authenticate: Bearer realm=…` must name
 * the registry's own host (or the one the user vouched for with --auth-host), and the token
 * request follows no redirect.
 */
import * as z from 'zod';
import { GhcrBlobError } from '../core/errors.js';
import { printableLine } from '../core/printable.js';
import { getAnswer, type Upstream } from './fence-proxy.js';

export type Challenge =
  | { scheme: 'basic' }
  | { scheme: 'bearer'; realm: string; service?: string; scope?: string }
  | { scheme: 'other'; name: string };

/** `Bearer realm="…",service="…",scope="…"` → its parameters (quoted or token values). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  if (name === 'basic') return { scheme: 'basic' };
  if (name !== 'bearer') return { scheme: 'other', name };
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/([A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  if (!params.realm) return { scheme: 'other', name: 'bearer without a realm' };
  return { scheme: 'bearer', realm: params.realm, service: params.service, scope: params.scope };
}

export interface TokenService {
  /** `https:` unless the registry speaks plain HTTP. */
  protocol: 'http:' | 'https:';
  /** The registry's host[:port], as in the reference. */
  registryHost: string;
  /** --auth-host: one more host[:port] the user trusts with the credential. */
  authHost?: string;
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : '80');
const withPort = (host: string, protocol: string) => (/:\d+$/.test(host) ? host : `${host}:${defaultPort(protocol)}`);

/**
 * The realm's URL, when ghcr-blob may send the credential there; else an AUTH_FAILED error.
 * Why exact: a suffix or prefix match would hand the token to `ghcr.io.evil.example` or
 * `evil-ghcr.io`; another port of the same host is another server, and plain HTTP would send
 * the credential in clear text to a registry that speaks HTTPS.
 */
export function checkRealm(realm: string, svc: TokenService): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw refused(`the registry's token service "${printableLine(realm, 200)}" is not a URL`, svc);
  }
  const host = withPort(url.host, url.protocol);
  const allowed = [svc.registryHost, svc.authHost]
    .filter((h): h is string => h !== undefined)
    .map((h) => withPort(h, svc.protocol));
  if (url.protocol !== svc.protocol || url.username || url.password || !allowed.includes(host)) {
    throw refused(
      `the registry ${svc.registryHost} sends credentials to a token service at ${printableLine(`${url.protocol}//${url.host}`, 200)}, not on its own host; ghcr-blob did not send them there`,
      svc,
      url.host,
    );
  }
  return url;
}

const refused = (message: string, svc: TokenService, host?: string) =>
  new GhcrBlobError('AUTH_FAILED', message, {
    recommendation: host
      ? `if ${printableLine(host, 200)} really is ${svc.registryHost}'s token service, name it: --auth-host ${printableLine(host, 200)}`
      : 'the registry is misconfigured or hostile; do not give it credentials',
  });

const tokenReply = z
  .object({ token: z.string().min(1).optional(), access_token: z.string().min(1).optional() })
  .refine((r) => r.token ?? r.access_token, 'no token');

const MAX_TOKEN_REPLY = 64 * 1024;

/** Asks the token service for a bearer token; Basic credentials go to the checked realm only. */
export async function fetchBearerToken(
  realm: URL,
  challenge: { service?: string; scope?: string },
  basic: string,
  agent: Upstream,
  timeoutMs: number,
): Promise<string> {
  const url = new URL(realm);
  // The scope is ours to name: one the realm's own query carries would ride along with the
  // credential (a token for a repository the run never asked for).
  url.searchParams.delete('scope');
  if (challenge.service) url.searchParams.set('service', challenge.service);
  if (challenge.scope) url.searchParams.append('scope', challenge.scope);
  const body = await getAnswer(agent, url, { authorization: `Basic ${basic}` }, timeoutMs)
    .then(
      (res) =>
        new Promise<{ status: number; text: string }>((resolve, reject) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_TOKEN_REPLY) res.destroy(new Error('token reply too large'));
            else chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
          // Cut off (the deadline, or the cap above) before its end: no answer.
          res.on('close', () => reject(new Error(`no answer within ${timeoutMs}ms`)));
        }),
    )
    .catch((e: unknown) => {
      throw new GhcrBlobError(
        'REGISTRY_UNREACHABLE',
        `the registry's token service did not answer: ${(e as Error).message}`,
      );
    });
  // A service that failed (or is busy) did not refuse anything: that is not kept as a refusal
  // (registry-fence.ts), so the next request asks again.
  if (body.status >= 500 || body.status === 429) {
    throw new GhcrBlobError(
      'REGISTRY_UNREACHABLE',
      `the registry's token service failed to answer (HTTP ${body.status})`,
    );
  }
  // A redirect is not followed: the credential was for this URL only.
  if (body.status !== 200) {
    throw new GhcrBlobError(
      'AUTH_FAILED',
      `the registry's token service refused the credentials (HTTP ${body.status})`,
      {
        recommendation: 'check the user name and token (ghcr.io needs read:packages / write:packages)',
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    parsed = undefined;
  }
  const reply = tokenReply.safeParse(parsed);
  if (!reply.success) throw new GhcrBlobError('AUTH_FAILED', "the registry's token service sent no token");
  return (reply.data.token ?? reply.data.access_token)!;
}
