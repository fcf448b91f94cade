/**
 * Node's own fetch ignores HTTPS_PROXY / HTTP_PROXY / NO_PROXY (Node 22), and the TUF client that
 * fetches Sigstore's public-good trusted root uses that fetch. When any of them is set, undici's
 * EnvHttpProxyAgent becomes the global dispatcher, which Node's fetch then uses: proxies apply,
 * NO_PROXY is honoured, upper or lower case, as curl reads them. Loaded only when needed.
 */
import { cjsExports } from './cjs.js';

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

type Undici = typeof import('undici');

/** undici, loaded on demand (CommonJS: see core/cjs.ts). */
export async function loadUndici(): Promise<Undici> {
  return cjsExports<Undici>(await import('undici'), 'EnvHttpProxyAgent');
}

export async function honourProxyEnvironment(env: NodeJS.ProcessEnv): Promise<void> {
  if (!PROXY_VARS.some((name) => env[name])) return;
  const { EnvHttpProxyAgent, setGlobalDispatcher } = await loadUndici();
  setGlobalDispatcher(new EnvHttpProxyAgent());
}
