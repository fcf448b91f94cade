/**
 * `sign <file>`: keyless signing through cosign, writing a Sigstore bundle next to the file.
 * `sign <ref>`: pulls the pinned artifact into a private folder, signs those bytes and attaches
 * the bundle to the artifact as a referrer.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { downloadBlob, resolveBlob } from '../artifact/download.js';
import { usageError } from '../core/errors.js';
import { checkRegularFile, privateTempDir, type TempDir } from '../core/fs.js';
import { type Reference, referenceOrMissingFile } from '../core/reference.js';
import { signAndAttach } from '../evidence/sign-artifact.js';
import { signFile } from '../evidence/sign-file.js';
import { parseOptions } from '../options/parse.js';
import { type SignOptions, signOptionsSchema } from '../options/sign.js';
import { checkKeyOptions, refuseStdinTwice } from '../options/signing.js';
import type { Deps } from './deps.js';
import { connectRegistry, prepareSigner } from './prepare.js';

/** Settled before any token is read: the bundle must land in a folder and never on the input. */
async function checkBundleDestination(file: string, bundlePath: string, force: boolean): Promise<void> {
  const folder = await stat(dirname(bundlePath)).catch(() => undefined);
  if (!folder?.isDirectory()) throw usageError(`cannot write the bundle: ${dirname(bundlePath)} is not a folder`);
  const existing = await stat(bundlePath).catch(() => undefined);
  if (!existing) return;
  const input = await stat(file);
  // Same device and inode: the same file, whatever the path spelling or hard link.
  if (existing.dev === input.dev && existing.ino === input.ino) {
    throw usageError(
      `--bundle ${bundlePath} is the file being signed`,
      'use the default <file>.sigstore.json or another path',
    );
  }
  if (!existing.isFile()) throw usageError(`${bundlePath} exists and is not a file`);
  if (!force) throw usageError(`${bundlePath} already exists`, 'pass --force to replace it, or --bundle PATH');
}

async function signLocalFile(fileArg: string, opts: SignOptions, deps: Deps) {
  const file = await checkRegularFile(fileArg);
  const bundlePath = resolve(opts.bundle ?? `${file}.sigstore.json`);
  await checkBundleDestination(file, bundlePath, opts.force);
  const signer = await prepareSigner(opts, deps);
  deps.log.info(`Signing ${file} with cosign ${signer.cosign.generation}`);
  return signFile(signer, deps.run, { file, bundlePath, overwrite: opts.force });
}

async function signRemote(ref: Reference, refArg: string, opts: SignOptions, deps: Deps) {
  if (opts.bundle || opts.force)
    throw usageError('--bundle and --force apply to local files; a reference gets its bundle attached in the registry');
  refuseStdinTwice(opts);
  const oras = await connectRegistry(opts, deps, { ref, access: 'push' });
  let work: TempDir | undefined;
  try {
    work = await privateTempDir();
    const signer = await prepareSigner(opts, deps);
    // Nothing lands: an untitled Helm chart or Flux artifact is signed without a name.
    const blob = await resolveBlob(oras, ref, work.path, undefined, { nameless: true });
    const file = await downloadBlob(oras, blob, work.path);
    deps.log.info(`Signing ${blob.pinnedReference} with cosign ${signer.cosign.generation}`);
    const signature = await signAndAttach({ oras, blob, file, workDir: work.path, run: deps.run }, signer);
    return {
      reference: refArg,
      digest: blob.digest,
      pinnedReference: blob.pinnedReference,
      file: { name: blob.title || undefined, digest: blob.layer.digest },
      signature,
    };
  } finally {
    await work?.dispose();
    await oras.dispose();
  }
}

export type SignResult = Awaited<ReturnType<typeof runSign>>;

/** A path that exists is a file to sign; otherwise the argument must be a reference. */
export async function runSign(target: string, raw: unknown, deps: Deps) {
  const opts = parseOptions(signOptionsSchema, raw);
  checkKeyOptions(opts);
  if (await stat(target).catch(() => undefined))
    return { kind: 'file' as const, ...(await signLocalFile(target, opts, deps)) };
  const ref = referenceOrMissingFile(target, 'sign takes a local file or a reference like ghcr.io/OWNER/NAME:TAG');
  return { kind: 'ref' as const, ...(await signRemote(ref, target, opts, deps)) };
}
