// Real `cosign sign <ref>` against the local Sigstore stack, in cosign's legacy `.sig` format
// (cosign 2.5's default; cosign 3 with --new-bundle-format=false). cosign reads registry
// credentials only from a docker config, so the TEST writes one into a temp folder of its own,
// used as cosign's HOME and DOCKER_CONFIG and removed afterwards. ghcr-blob never writes one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cosignGeneration } from './sigstore/cosign-cli.js';
import type { MintTokenClaims, SigstoreStack } from './sigstore/types.js';

export interface SignOptions {
  claims?: MintTokenClaims;
  /** `cosign attest --type T` (a legacy `.att` layer) with this predicate, instead of `cosign sign`. */
  attest?: { type: string; predicate: unknown };
  /** cosign 3 only: its default, a bundle referrer (predicate https://sigstore.dev/cosign/sign/v1). */
  newBundleFormat?: boolean;
  /** Fulcio (and the token's issuer key) from this stack; Rekor always from the main one. */
  fulcio?: SigstoreStack;
}

export async function cosignSignRef(
  cosign: string,
  reg: { host: string; username: string; password: string },
  reference: string,
  o: SignOptions & { stack: SigstoreStack; claims: MintTokenClaims },
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cosign-sign-'));
  try {
    const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth } } }), { mode: 0o600 });
    const fulcio = o.fulcio ?? o.stack;
    // A GitHub-shaped token is longer than cosign 3 takes inline: it goes in a file.
    const token = join(dir, 'token');
    writeFileSync(token, await fulcio.mintToken(o.claims), { mode: 0o600 });
    const gen = await cosignGeneration(cosign);
    const legacy = gen === 3 && !o.newBundleFormat ? ['--new-bundle-format=false', '--use-signing-config=false'] : [];
    const urls = o.newBundleFormat
      ? ['--signing-config', fulcio.signingConfigPath, '--trusted-root', fulcio.trustedRootPath]
      : ['--fulcio-url', fulcio.fulcioUrl, '--rekor-url', o.stack.rekorUrl];
    const predicate = join(dir, 'predicate.json');
    writeFileSync(predicate, JSON.stringify(o.attest?.predicate ?? {}));
    const verb = o.attest ? ['attest', '--type', o.attest.type, '--predicate', predicate] : ['sign'];
    const r = await execa(cosign, [...verb, '--yes', ...legacy, ...urls, '--identity-token', token, reference], {
      reject: false,
      extendEnv: false,
      env: {
        PATH: '/usr/bin:/bin',
        HOME: dir,
        DOCKER_CONFIG: dir,
        ...fulcio.cosign2Env,
        SIGSTORE_REKOR_PUBLIC_KEY: o.stack.cosign2Env.SIGSTORE_REKOR_PUBLIC_KEY ?? '',
      },
      timeout: 60_000,
    });
    if (r.exitCode !== 0) throw new Error(`cosign ${verb[0]} failed (${r.exitCode}): ${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
