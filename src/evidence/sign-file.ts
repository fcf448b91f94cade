/**
 * Signing one file through cosign: the bundle is written into a private folder next to its
 * destination, checked, and only then moved into place (no half-written bundles). A local file
 * (`sign FILE`) gets a message signature over its bytes; a file stored in a repository (`push
 * --sign`, `sign REF`) gets ghcr-blob's statement, which also names the repository and title.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { usageError } from '../core/errors.js';
import { moveIntoPlace, privateTempDir } from '../core/fs.js';
import { type Cosign2Services, type SigstoreServices, signBlob } from '../tools/cosign.js';
import { signingConfigWithoutLogs } from '../tools/cosign2-signing-config.js';
import { translateForCosign2 } from '../tools/cosign2-trust.js';
import type { Runner } from '../tools/exec.js';
import type { Signer } from '../tools/signer.js';
import { bundleSigner } from '../verify/bundle-signer.js';
import { type FileName, loadTrustedRoot, parseSignatureBundle } from '../verify/index.js';
import { checkStatementBundle, statementRequest } from './sign-statement.js';

function signatureBundle(text: string) {
  const bundle = parseSignatureBundle(text, 'the bundle cosign wrote');
  return { bundle, sha256: bundle.content.messageSignature.messageDigest.digest.toString('hex') };
}

export interface SignFileRequest {
  file: string;
  bundlePath: string;
  overwrite: boolean;
  /** Where the file is stored: sign a statement naming it (verify/file-statement.ts). */
  names?: FileName;
}

export interface SignedFile {
  bundlePath: string;
  sha256: string;
  identity?: string;
  issuer?: string;
  /** Signed with a key: the key file or KMS URI (no identity, no issuer). */
  key?: string;
  rekorLogIndex?: number;
  /** The repository and title the statement names (push --sign, sign REF). */
  names?: FileName;
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

/** The user's signing config, or (cosign 3, --key --no-tlog-upload) a copy of it that lists no log. */
async function signingConfigFor(signer: Signer, dir: string): Promise<string | undefined> {
  const path = signer.services.signingConfigPath;
  const noLog = signer.credential.kind === 'key' && !signer.credential.tlogUpload;
  if (path === undefined || !noLog || signer.cosign.generation !== 3) return path;
  return signingConfigWithoutLogs(path, dir);
}

export async function signFile(signer: Signer, run: Runner, req: SignFileRequest): Promise<SignedFile> {
  const { cosign, services } = signer;
  const work = await privateTempDir(dirname(req.bundlePath));
  try {
    const staged = join(work.path, 'bundle.json');
    const statement = req.names ? await statementRequest(req.file, req.names, work.path) : undefined;
    await signBlob(cosign, run, {
      file: req.file,
      bundlePath: staged,
      credential: signer.credential,
      secrets: signer.secrets,
      signingConfigPath: await signingConfigFor(signer, work.path),
      trustedRootPath: services.trustedRootPath,
      cosign2: cosign.generation === 2 ? await cosign2Services(services, work.path) : undefined,
      ...(statement ? { statement } : {}),
    });
    const text = await readFile(staged, 'utf8');
    const { bundle, sha256 } = statement
      ? checkStatementBundle(text, statement.sha256, req.names as FileName)
      : signatureBundle(text);
    const signedBy = bundleSigner(bundle);
    // cosign writes 0600; the bundle is public, so it gets the mode of any new file (the umask's).
    const placed = join(work.path, 'bundle.out.json');
    await writeFile(placed, text);
    await moveIntoPlace(placed, req.bundlePath, req.overwrite);
    const entry = bundle.verificationMaterial.tlogEntries[0];
    return {
      bundlePath: req.bundlePath,
      sha256,
      ...(req.names ? { names: req.names } : {}),
      identity: signedBy?.san,
      issuer: signedBy?.issuer,
      ...(signer.credential.kind === 'key' ? { key: signer.credential.key } : {}),
      rekorLogIndex: entry ? Number(entry.logIndex) : undefined,
    };
  } finally {
    await work.dispose();
  }
}
