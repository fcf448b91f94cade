// Where the registry is, as the bench sees it. On loopback a round trip costs nothing; a CI job
// talks to ghcr.io across a network with Bearer-token auth, and every oras process pays its own
// connection and auth round trips. So each registry case runs in one or more profiles:
//   loopback/basic   the sandbox's registry, htpasswd (Basic) auth
//   loopback/token   a GHCR-like registry: token auth through its own token service
//   40ms/basic       the sandbox's registry behind a latency proxy (20 ms each way)
//   40ms/token       a GHCR-like registry whose registry and token service are both 40 ms away
// Every profile's registry has the same user and token as the sandbox's, so one redaction covers all.
import { startGhcrLikeRegistry } from '../../test/support/ghcr-like.js';
import { startLatencyProxy } from '../../test/support/latency-proxy.js';
import type { RegistryEndpoint } from '../../test/support/registry-api.js';
import { UsageError } from '../lib/cli-script.js';
import type { Sandbox } from '../lib/sandbox.js';

export const NETWORKS = { loopback: 0, '40ms': 40 } as const;
export type Network = keyof typeof NETWORKS;
export type Auth = 'basic' | 'token';
export const PROFILE_NAMES = ['loopback/basic', 'loopback/token', '40ms/basic', '40ms/token'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Profile {
  name: ProfileName;
  network: Network;
  /** Round-trip time the proxy adds, in ms (0 on loopback). */
  rttMs: number;
  auth: Auth;
  /** What oras and ghcr-blob are pointed at (`localhost:PORT`), and the API for preparing samples. */
  registry: RegistryEndpoint & { host: string };
}

export function parseProfiles(text: string): ProfileName[] {
  const names = text.split(',').map((s) => s.trim());
  for (const name of names)
    if (!PROFILE_NAMES.includes(name as ProfileName))
      throw new UsageError(`unknown profile ${JSON.stringify(name)} (one of ${PROFILE_NAMES.join(', ')})`);
  return PROFILE_NAMES.filter((p) => names.includes(p));
}

async function registryFor(sb: Sandbox, network: Network, auth: Auth): Promise<Profile['registry']> {
  const delayMs = NETWORKS[network] / 2;
  if (auth === 'token') {
    const reg = await startGhcrLikeRegistry({
      generation: sb.generation,
      users: sb.registry.users,
      ...(delayMs > 0 ? { delayMs } : {}),
    });
    sb.defer(() => reg.stop());
    return reg;
  }
  if (delayMs === 0) return sb.registry;
  const port = Number(new URL(sb.registry.url).port);
  const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port }, delayMs });
  sb.defer(() => proxy.close());
  return { ...sb.registry, host: proxy.host, url: proxy.url };
}

export async function openProfiles(sb: Sandbox, names: readonly ProfileName[]): Promise<Profile[]> {
  const profiles: Profile[] = [];
  for (const name of names) {
    const [network, auth] = name.split('/') as [Network, Auth];
    profiles.push({ name, network, rttMs: NETWORKS[network], auth, registry: await registryFor(sb, network, auth) });
  }
  return profiles;
}
