import { cjsExports } from '../core/cjs.js';
import { GhcrBlobError } from '../core/errors.js';

const TRUSTED_ROOT_TARGET = 'trusted_root.json';

/**
 * The Sigstore public-good trusted root, as cosign gets it: through TUF, starting from the
 * root of trust that @sigstore/tuf ships in its seeds.json and refreshing metadata online
 * (tuf-repo-cdn.sigstore.dev), so revoked or rotated keys are not trusted from a stale copy.
 * We take the raw target text (not @sigstore/tuf's getTrustedRoot(), which returns it already
 * parsed) so that it goes through the same schema checks as a --trusted-root file.
 * Needs the network; tests and air-gapped use pass --trusted-root instead.
 */
export async function fetchPublicGoodTrustedRoot(options: { cachePath?: string } = {}): Promise<string> {
  try {
    // Loaded on demand: the TUF client and its HTTP stack cost ~150 ms at every start otherwise.
    const { initTUF } = cjsExports(await import('@sigstore/tuf'), 'initTUF');
    const tuf = await initTUF(options.cachePath === undefined ? {} : { cachePath: options.cachePath });
    return await tuf.getTarget(TRUSTED_ROOT_TARGET);
  } catch (e) {
    throw new GhcrBlobError(
      'REGISTRY_UNREACHABLE',
      `cannot get the Sigstore public-good trusted root through TUF: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
        recommendation: 'Check access to tuf-repo-cdn.sigstore.dev, or pass --trusted-root FILE to verify offline',
      },
    );
  }
}
