// The environment the built CLI gets in a test: which real oras and cosign it runs (per Debian
// generation), the registry token, a private TMPDIR. runCli seals the rest (PATH, HOME,
// DOCKER_CONFIG: nothing else of the developer's environment reaches the CLI).
import { toolsFor, type Generation } from '../tools.js';

export { sealedEnv } from '../cli.js';

export interface EnvOptions {
  /** Whose oras and cosign (default trixie: oras 1.2, cosign 2.5; sid: oras 1.3, cosign 3). */
  gen?: Generation;
  /** GHCR_BLOB_ORAS: the generation's oras (default), another path, or null to leave it unset. */
  oras?: string | null;
  /** GHCR_BLOB_COSIGN: the generation's cosign (default), another path, or null to leave it unset. */
  cosign?: string | null;
  /** GHCR_TOKEN: the registry password. */
  token?: string;
  /** TMPDIR, where the CLI makes its private folders. */
  tmp?: string;
}

/** GHCR_BLOB_ORAS / GHCR_BLOB_COSIGN / GHCR_TOKEN / TMPDIR as asked, then `extra` on top. */
export function env(o: EnvOptions = {}, extra: Record<string, string> = {}): Record<string, string> {
  const tools = toolsFor(o.gen ?? 'trixie');
  const oras = o.oras === undefined ? tools.oras : o.oras;
  const cosign = o.cosign === undefined ? tools.cosign : o.cosign;
  return {
    ...(oras === null ? {} : { GHCR_BLOB_ORAS: oras }),
    ...(cosign === null ? {} : { GHCR_BLOB_COSIGN: cosign }),
    ...(o.token === undefined ? {} : { GHCR_TOKEN: o.token }),
    ...(o.tmp === undefined ? {} : { TMPDIR: o.tmp }),
    ...extra,
  };
}

/** The cosign of a generation, by the major version it ships (2: trixie's 2.5, 3: sid's 3.x). */
export const cosignOf = (major: 2 | 3): string => toolsFor(major === 2 ? 'trixie' : 'sid').cosign;
