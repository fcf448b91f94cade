// A registry that behaves like ghcr.io where it matters to ghcr-blob, on loopback:
// - CNCF distribution 2.8 with `auth: token`: every client is sent to a token service
//   (token-server.ts) with a Bearer challenge naming a scope, fetches a JWT with its user and token,
//   and retries; a wrong token gets 401 there; a public repository can be pulled anonymously;
// - one host, as ghcr.io: the token service answers `/token` on the registry's own host:port (a
//   small front routes it; everything else goes to the registry), so a client that sends
//   credentials only to the registry's host has no reason to refuse;
// - no referrers API (distribution 2.8 has none): referrers live in the `sha256-<hex>` tag index;
// - retypeFallbackEntries() lists referrers the way cosign writes them there on ghcr.io, typed
//   `application/vnd.oci.empty.v1+json` rather than by their artifact type;
// - optionally across a network: with `delayMs`, both the registry and its token service are
//   reached through a latency proxy (latency-proxy.ts), so every round trip costs 2 × delayMs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';
import { startRegistry, type Registry } from './registry.js';
import { getManifest, OCI_EMPTY, OCI_INDEX, putManifest, type RegistryEndpoint } from './registry-api.js';
import { startTokenServer, type TokenServer } from './token-server.js';
import type { Generation } from './tools.js';

export interface GhcrLikeOptions {
  generation?: Generation;
  /** Default one user `ci-user` with a random token (the first is returned as username/password). */
  users?: Record<string, string>;
  /** Pullable without credentials: a repository name, or a prefix ending in `/`. Default `public/`. */
  publicRepositories?: readonly string[];
  /** Each direction, for the registry and the token service alike; 20 → 40 ms round trips. */
  delayMs?: number;
}

export interface GhcrLikeRegistry extends Registry {
  tokenServer: TokenServer;
  /** The `service` the registry names in its challenge. */
  service: string;
  /** The latency proxy in front of the registry's host, when `delayMs` was given. */
  proxies: LatencyProxy[];
}

/** Routes `/token` to the token service and everything else to the registry (set later), streaming both ways. */
async function startFront(tokenPort: number): Promise<{ port: number; server: Server; upstream: { port: number } }> {
  const upstream = { port: 0 };
  const server = createServer((req, res) => {
    const toToken = (req.url ?? '').startsWith('/token');
    const forward = request(
      {
        host: '127.0.0.1',
        port: toToken ? tokenPort : upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return { port: (server.address() as AddressInfo).port, server, upstream };
}

const SERVICE = 'ghcr-like.test';
const ISSUER = 'ghcr-blob test token issuer';

export async function startGhcrLikeRegistry(opts: GhcrLikeOptions = {}): Promise<GhcrLikeRegistry> {
  const users = opts.users ?? { 'ci-user': randomBytes(18).toString('base64url') };
  const tokenServer = await startTokenServer({
    service: SERVICE,
    issuer: ISSUER,
    users,
    publicRepositories: opts.publicRepositories ?? ['public/'],
  });
  const proxies: LatencyProxy[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ghcr-blob-token-'));
  const front = await startFront(tokenServer.port);
  const closeAll = async () => {
    await Promise.all([...proxies.map((p) => p.close()), tokenServer.close()]);
    front.server.closeAllConnections();
    await new Promise<void>((resolve) => front.server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const rootCertBundle = join(dir, 'token-signer.pem');
    writeFileSync(rootCertBundle, tokenServer.certificatePem);
    // What clients are pointed at: the front, or a latency proxy in front of it.
    let port = front.port;
    if (opts.delayMs !== undefined) {
      const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port }, delayMs: opts.delayMs });
      proxies.push(proxy);
      port = proxy.port;
    }
    // `localhost`, like the registry: oras speaks plain HTTP to it; the same host:port as the registry.
    const realm = `http://localhost:${port}/token`;
    const registry = await startRegistry({
      users,
      ...(opts.generation ? { generation: opts.generation } : {}),
      auth: { token: { realm, service: SERVICE, issuer: ISSUER, rootcertbundle: rootCertBundle } },
    });
    front.upstream.port = Number(new URL(registry.url).port);
    return {
      ...registry,
      host: `localhost:${port}`,
      url: `http://127.0.0.1:${port}`,
      tokenServer,
      service: SERVICE,
      proxies,
      stop: async () => {
        await registry.stop();
        await closeAll();
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/**
 * Rewrites the `sha256-<hex>` referrers index of `subjectDigest` so every entry is typed
 * `application/vnd.oci.empty.v1+json`, as cosign 3 lists its bundle referrers on ghcr.io (the
 * referrer manifests themselves are untouched). Returns how many entries it retyped.
 */
export async function retypeFallbackEntries(
  reg: RegistryEndpoint,
  repo: string,
  subjectDigest: string,
): Promise<number> {
  const tag = subjectDigest.replace(':', '-');
  const index = await getManifest(reg, repo, tag);
  const manifests = (index.json.manifests ?? []) as Record<string, unknown>[];
  await putManifest(
    reg,
    repo,
    tag,
    { ...index.json, manifests: manifests.map((m) => ({ ...m, artifactType: OCI_EMPTY })) },
    OCI_INDEX,
  );
  return manifests.length;
}
