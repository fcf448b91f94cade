import { cjsExports } from '../core/cjs.js';
import { GhcrBlobError } from '../core/errors.js';

const TRUSTED_ROOT_TARGET = 'trusted_root.json';
export const PUBLIC_GOOD_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

export interface TufSource {
  /** The TUF repository; default public-good's (whose initial root @sigstore/tuf ships). */
  mirrorURL?: string;
  /** The repository's initial root.json, for a repository @sigstore/tuf holds no seed for. */
  rootPath?: string;
  /** Where the metadata is cached; default @sigstore/tuf's own (see core/tuf-cache.ts). */
  cachePath?: string;
}

/** tuf-js's names for metadata that failed its checks (signatures, versions, expiry, hashes). */
const UNTRUSTWORTHY =
  /^(UnsignedMetadataError|LengthOrHashMismatchError|BadVersionError|EqualVersionError|ExpiredMetadataError|RepositoryError)$/;

function causes(e: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let c = e; c !== undefined && chain.length < 8; c = (c as { cause?: unknown })?.cause) chain.push(c);
  return chain;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** What went wrong getting a TUF target, as one of ghcr-blob's errors: bad input, bad metadata, or the network. */
export function tufFailure(e: unknown, mirror: string): GhcrBlobError {
  const chain = causes(e);
  // tuf-js's error classes leave `name` as "Error": their constructors say which they are.
  const names = chain.map((c) => (c instanceof Error ? c.constructor.name : ''));
  const codes = chain.map((c) => (c as { code?: string })?.code ?? '');
  const detail = chain
    .map(messageOf)
    .filter((m, i, all) => m && all.indexOf(m) === i)
    .join(': ');
  if (codes.includes('TUF_INIT_CACHE_ERROR')) {
    return new GhcrBlobError('USAGE', `no initial TUF root for ${mirror}: ${detail}`, {
      cause: e,
      recommendation: "pass --tuf-root FILE: the repository's root.json, obtained from its operator out of band",
    });
  }
  const bad = names.find((n) => UNTRUSTWORTHY.test(n));
  if (bad !== undefined) {
    return new GhcrBlobError(
      'VERIFICATION_FAILED',
      `the TUF metadata from ${mirror} did not verify (${bad}): ${detail}`,
      {
        cause: e,
        recommendation: 'check --tuf-root and --tuf-mirror name the same repository; nothing was written',
      },
    );
  }
  const what =
    mirror === PUBLIC_GOOD_TUF_MIRROR
      ? `the Sigstore public-good trusted root (${mirror})`
      : `the trusted root from ${mirror}`;
  return new GhcrBlobError('REGISTRY_UNREACHABLE', `cannot get ${what} through TUF: ${detail}`, {
    cause: e,
    recommendation: `check network access to ${mirror} (HTTPS_PROXY is honoured), or pass --trusted-root FILE to work offline`,
  });
}

/**
 * A Sigstore trusted root, as cosign gets it: through TUF, starting from an initial root of trust
 * (for public-good, the one @sigstore/tuf ships in its seeds.json) and refreshing the metadata
 * online, so revoked or rotated keys are not trusted from a stale copy. We take the raw target text
 * (not @sigstore/tuf's getTrustedRoot(), which returns it already parsed) so that it goes through
 * the same schema checks as a --trusted-root file. Needs the network.
 */
export async function fetchTrustedRootThroughTuf(source: TufSource = {}): Promise<string> {
  const mirror = source.mirrorURL ?? PUBLIC_GOOD_TUF_MIRROR;
  try {
    // Loaded on demand: the TUF client and its HTTP stack cost ~150 ms at every start otherwise.
    const { initTUF } = cjsExports(await import('@sigstore/tuf'), 'initTUF');
    const tuf = await initTUF({
      mirrorURL: mirror,
      ...(source.rootPath === undefined ? {} : { rootPath: source.rootPath }),
      ...(source.cachePath === undefined ? {} : { cachePath: source.cachePath }),
    });
    return await tuf.getTarget(TRUSTED_ROOT_TARGET);
  } catch (e) {
    throw tufFailure(e, mirror);
  }
}

/** The Sigstore public-good trusted root (tuf-repo-cdn.sigstore.dev). */
export async function fetchPublicGoodTrustedRoot(options: { cachePath?: string } = {}): Promise<string> {
  return fetchTrustedRootThroughTuf(options);
}
