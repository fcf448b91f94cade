/**
 * The OIDC identity token for keyless signing, in this order: ghcr-blob's stdin
 * (--identity-token-stdin); `SIGSTORE_ID_TOKEN` (cosign's convention: GitLab CI's `id_tokens`, and
 * any CI that follows it); in GitHub Actions with `permissions: id-token: write`, fetched from the
 * Actions token service by ghcr-blob itself. Whichever it is, the token is read here, in-process,
 * and never put in cosign's argv or environment (cosign gets it through a FIFO).
 */
import * as z from 'zod';
import { formatDuration, TIMEOUT_HINT } from '../core/deadlines.js';
import { GhcrBlobError, usageError } from '../core/errors.js';
import { loadUndici } from '../core/proxy.js';
import { trimOneNewline } from './stdin.js';

const actionsTokenSchema = z.object({ value: z.string().min(1) });
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface TokenSource {
  env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
  fetch?: TokenFetch;
  /** The token service must answer within this (see core/deadlines.ts). */
  timeoutMs?: number;
}

/**
 * Node's own fetch ignores HTTPS_PROXY/NO_PROXY (self-hosted runners behind a proxy need them):
 * undici's EnvHttpProxyAgent reads them (and HTTP_PROXY, lower-case forms) the way curl does.
 */
async function proxyAwareFetch(url: URL, init: { headers: Record<string, string>; signal: AbortSignal }) {
  const { fetch: undiciFetch, EnvHttpProxyAgent } = await loadUndici();
  const dispatcher = new EnvHttpProxyAgent();
  try {
    const res = await undiciFetch(url, { ...init, dispatcher });
    const body: unknown = res.ok ? await res.json() : undefined;
    return { ok: res.ok, status: res.status, json: () => Promise.resolve(body) };
  } finally {
    await dispatcher.close();
  }
}

type TokenFetch = (
  url: URL,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

async function fetchActionsToken(
  url: string,
  requestToken: string,
  doFetch: TokenFetch,
  timeoutMs: number,
): Promise<string> {
  const target = new URL(url);
  target.searchParams.set('audience', 'sigstore');
  let body: unknown;
  try {
    const res = await doFetch(target, {
      headers: { Authorization: `bearer ${requestToken}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (e) {
    // The message names neither the request token nor the response.
    if ((e as Error)?.name === 'TimeoutError')
      throw new GhcrBlobError(
        'REGISTRY_UNREACHABLE',
        `the GitHub Actions token service did not answer within ${formatDuration(timeoutMs)}`,
        { recommendation: TIMEOUT_HINT, cause: e },
      );
    throw new GhcrBlobError(
      'AUTH_FAILED',
      `could not get an identity token from GitHub Actions (${(e as Error).message})`,
      { recommendation: 'give the job `permissions: id-token: write`', cause: e },
    );
  }
  const parsed = actionsTokenSchema.safeParse(body);
  if (!parsed.success) throw new GhcrBlobError('AUTH_FAILED', 'GitHub Actions returned no identity token');
  return parsed.data.value;
}

export async function resolveIdentityToken(
  opts: { identityTokenStdin: boolean },
  src: TokenSource,
): Promise<{ token: string; secrets: string[]; source: string }> {
  if (opts.identityTokenStdin) {
    const token = trimOneNewline(await src.readStdin()).trim();
    if (!token) throw usageError('--identity-token-stdin was given but stdin was empty');
    if (!JWT.test(token)) throw usageError('stdin does not hold an OIDC identity token (a JWT)');
    return { token, secrets: [token], source: '--identity-token-stdin' };
  }
  const fromEnv = src.env.SIGSTORE_ID_TOKEN;
  if (fromEnv !== undefined) {
    const token = trimOneNewline(fromEnv).trim();
    if (!token) throw usageError('SIGSTORE_ID_TOKEN is set but empty', 'unset it, or give the job an identity token');
    // The message never shows the value: it may be a secret of another kind, set by mistake.
    if (!JWT.test(token))
      throw usageError(
        'SIGSTORE_ID_TOKEN does not hold an OIDC identity token (a JWT)',
        'in GitLab CI: `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`',
      );
    return { token, secrets: [token, fromEnv], source: 'SIGSTORE_ID_TOKEN' };
  }
  const url = src.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = src.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (url && requestToken) {
    const token = await fetchActionsToken(url, requestToken, src.fetch ?? proxyAwareFetch, src.timeoutMs ?? 60_000);
    return { token, secrets: [token, requestToken], source: 'the GitHub Actions token service' };
  }
  throw usageError(
    'no identity token for keyless signing',
    'in GitHub Actions grant `permissions: id-token: write`; in GitLab CI add `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`; elsewhere set SIGSTORE_ID_TOKEN or pipe a token in with --identity-token-stdin',
  );
}
