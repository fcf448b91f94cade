// A private Sigstore deployment for tests and the demo: Fulcio (v1 + v2 API),
// Rekor v1 and an RFC 3161 TSA, built from @sigstore/mock and served over real
// HTTP so real cosign 2 and 3 binaries can sign and verify against it. Each
// call creates fresh keys, so two stacks are two unrelated trust roots.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initializeCA, initializeCTLog, initializeTLog, initializeTSA } from '@sigstore/mock';
import { fulcioRoutes } from './fulcio.js';
import { createOidcProvider, workflowRef } from './oidc.js';
import { rekorRoutes } from './rekor.js';
import { serve, type Routes } from './server.js';
import { writeTrustFiles } from './trust-files.js';
import { TSA_PATH, tsaRoutes } from './tsa.js';
import { GITHUB_ISSUER, type SigstoreStack, type StackRequestLog, type StartSigstoreStackOptions } from './types.js';

export * from './types.js';

// The mock signs everything with ECDSA P-256 (and its CA imports leaf keys as P-256).
const p256 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

export async function startSigstoreStack(opts: StartSigstoreStackOptions = {}): Promise<SigstoreStack> {
  const issuer = opts.issuer ?? GITHUB_ISSUER;
  // Whole seconds, a minute back: Rekor's integratedTime is truncated to the
  // second and must not fall before the key's validFor.start.
  const validFrom = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const requests: StackRequestLog[] = [];
  let routes: Routes = {};
  // Listen first: Rekor writes its host into checkpoints, so it needs the port.
  const server = await serve(() => routes, requests);
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), 'sigstore-stack-'));
    const ctlog = await initializeCTLog(p256());
    const [ca, tlog, tsa, oidc] = await Promise.all([
      initializeCA(p256(), ctlog),
      initializeTLog(server.url, p256()),
      initializeTSA(p256()),
      createOidcProvider(issuer, opts.tokenAlgorithm ?? 'ES256'),
    ]);
    routes = { ...fulcioRoutes(ca, oidc), ...rekorRoutes(tlog), ...tsaRoutes(tsa) };
    const tsaUrl = server.url + TSA_PATH;
    const files = await writeTrustFiles(dir, {
      url: server.url,
      tsaUrl,
      validFrom,
      fulcioRoot: ca.rootCertificate,
      ctlogKey: ctlog.publicKey,
      rekorKey: tlog.publicKey,
      tsaChain: [tsa.intCertificate, tsa.rootCertificate],
    });
    const stackDir = dir;
    return {
      url: server.url,
      fulcioUrl: server.url,
      rekorUrl: server.url,
      tsaUrl,
      dir: stackDir,
      ...files,
      issuer,
      requests,
      identityFor: (c) => `https://github.com/${c.jobWorkflowRef ?? workflowRef(c.repository, c.workflowPath, c.ref)}`,
      mintToken: (claims) => oidc.mint(claims),
      close: async () => {
        await server.close();
        await rm(stackDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
