/**
 * `verify <file> --bundle PATH` or `verify <ref>` (the attached signatures; writes nothing),
 * always with an identity policy: both verifiers must accept. The policy is required and
 * checked before anything is read; any rejection exits with VERIFICATION_FAILED.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeFile } from '../artifact/download.js';
import { usageError } from '../core/errors.js';
import { checkRegularFile, privateTempDir, type TempDir } from '../core/fs.js';
import { referenceOrMissingFile } from '../core/reference.js';
import { verifiedBlobJson, verifyArtifact } from '../evidence/verify-artifact.js';
import { verifiedJson, verifyFile } from '../evidence/verify-file.js';
import { parseOptions } from '../options/parse.js';
import { type VerifyOptions, verifyOptionsSchema } from '../options/verify.js';
import type { Deps } from './deps.js';
import { prepareVerification, prepareVerificationAndConnect } from './prepare.js';

async function verifyLocalFile(fileArg: string, opts: VerifyOptions, deps: Deps) {
  // A local file has no repository of its own: only --repository gives the name to compare with.
  if (opts.requireName && opts.repository === undefined)
    throw usageError(
      '--require-name with a local file needs --repository HOST/PATH: the file has no repository of its own',
      'e.g. --repository ghcr.io/octo/tools/report.json',
    );
  const check = await prepareVerification(opts, deps);
  const file = await checkRegularFile(fileArg);
  const verified = await verifyFile(
    {
      file,
      bundlePath: resolve(opts.bundle!),
      ...check,
      ...(opts.repository !== undefined ? { repository: opts.repository } : {}),
    },
    deps.run,
  );
  return verifiedJson(verified);
}

/** Pulls the pinned artifact into a private folder, verifies it there, then removes it. */
async function verifyRemote(refArg: string, opts: VerifyOptions, deps: Deps) {
  // Not a local file (bundleNextTo looked): a reference, or a file that is not there.
  const ref = referenceOrMissingFile(
    refArg,
    'verify takes a local file (with its bundle) or a reference like ghcr.io/OWNER/NAME:TAG',
  );
  const { check, oras } = await prepareVerificationAndConnect(opts, deps, ref);
  let work: TempDir | undefined;
  try {
    work = await privateTempDir();
    const ctx = { oras, workDir: work.path, log: deps.log, run: deps.run };
    const { blob, verified } = await verifyArtifact(ctx, ref, check, {
      expectDigest: opts.expectDigest,
      naming: { nameless: true },
    });
    return {
      reference: refArg,
      digest: blob.digest,
      pinnedReference: blob.pinnedReference,
      file: describeFile(blob),
      verification: verifiedBlobJson(verified),
    };
  } finally {
    await work?.dispose();
    await oras.dispose();
  }
}

/** `verify FILE` with no --bundle: the bundle `sign` writes by default, next to the file. */
async function bundleNextTo(target: string): Promise<string | undefined> {
  const isFile = async (p: string) => (await stat(p).catch(() => undefined))?.isFile() === true;
  if (!(await isFile(target))) return undefined; // not a local file: a registry reference
  const bundle = `${target}.sigstore.json`;
  if (await isFile(bundle)) return bundle;
  throw usageError(`${target} is a local file and ${bundle} does not exist`, 'pass its bundle with --bundle PATH');
}

export type VerifyResult = Awaited<ReturnType<typeof runVerify>>;

export async function runVerify(target: string, raw: unknown, deps: Deps) {
  const opts = parseOptions(verifyOptionsSchema, raw);
  opts.bundle ??= await bundleNextTo(target);
  if (opts.bundle) {
    if (opts.passwordStdin || opts.username || opts.expectDigest)
      throw usageError('--bundle verifies a local file; registry options do not apply');
    return verifyLocalFile(target, opts, deps);
  }
  if (opts.repository !== undefined)
    throw usageError('--repository applies to a local file with --bundle; a reference names its own repository');
  return verifyRemote(target, opts, deps);
}
