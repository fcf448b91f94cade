/**
 * Keyless signing of one file through cosign: the bundle is written into a private folder next
 * to its destination, checked, and only then moved into place (no half-written bundles).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { usageError } from '../core/errors.js';
import { moveIntoPlace, privateTempDir } from '../core/fs.js';
import { type Cosign2Services, type CosignTool, type SigstoreServices, signBlob } from '../tools/cosign.js';
import { translateForCosign2 } from '../tools/cosign2-trust.js';
import type { Runner } from '../tools/exec.js';
import { bundleSigner } from '../verify/bundle-signer.js';
import { loadTrustedRoot, parseSignatureBundle } from '../verify/index.js';

export interface SignFileRequest {
  file: string;
  bundlePath: string;
  overwrite: boolean;
  identityToken: string;
  secrets: readonly string[];
  services: SigstoreServices;
}

export interface SignedFile {
  bundlePath: string;
  sha256: string;
  identity?: string;
  issuer?: string;
  rekorLogIndex?: number;
}

/** cosign 2 has no --signing-config: a private instance becomes URL flags and PEM files. */
async function cosign2Services(services: SigstoreServices, dir: string): Promise<Cosign2Services | undefined> {
  if (!services.signingConfigPath) return undefined; // public-good defaults built into cosign 2
  if (!services.trustedRootPath) {
    throw usageError(
      'with cosign 2, --signing-config needs --trusted-root too',
      "cosign 2 reads a private Sigstore's keys from the trusted root",
    );
  }
  return translateForCosign2(services.signingConfigPath, await loadTrustedRoot(services.trustedRootPath), dir);
}

export async function signFile(cosign: CosignTool, run: Runner, req: SignFileRequest): Promise<SignedFile> {
  const work = await privateTempDir(dirname(req.bundlePath));
  try {
    const staged = join(work.path, 'bundle.json');
    await signBlob(cosign, run, {
      file: req.file,
      bundlePath: staged,
      identityToken: req.identityToken,
      signingConfigPath: req.services.signingConfigPath,
      trustedRootPath: req.services.trustedRootPath,
      cosign2: cosign.generation === 2 ? await cosign2Services(req.services, work.path) : undefined,
    });
    const text = await readFile(staged, 'utf8');
    const bundle = parseSignatureBundle(text, 'the bundle cosign wrote');
    const signer = bundleSigner(bundle);
    // cosign writes 0600; the bundle is public, so it gets the mode of any new file (the umask's).
    const placed = join(work.path, 'bundle.out.json');
    await writeFile(placed, text);
    await moveIntoPlace(placed, req.bundlePath, req.overwrite);
    const entry = bundle.verificationMaterial.tlogEntries[0];
    return {
      bundlePath: req.bundlePath,
      sha256: bundle.content.messageSignature.messageDigest.digest.toString('hex'),
      identity: signer?.san,
      issuer: signer?.issuer,
      rekorLogIndex: entry ? Number(entry.logIndex) : undefined,
    };
  } finally {
    await work.dispose();
  }
}
