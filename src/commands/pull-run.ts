/**
 * `pull <ref> -o DIR`: resolve once, pull by digest into a private folder inside DIR, check
 * (and with --verify, verify), then move the one file into place. On any failure DIR is left
 * as it was. `--output-file FILE` does the same beside FILE; `-o -` streams the file to stdout
 * from a private folder in TMPDIR, only once it is checked (and verified): a failure writes
 * nothing there.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeFile, downloadBlob, type ResolvedBlob, resolveBlob } from '../artifact/download.js';
import { isPlainFileName } from '../artifact/manifest.js';
import { usageError } from '../core/errors.js';
import { moveIntoPlace, type OutputFolder, prepareOutputFolder, privateTempDir, type TempDir } from '../core/fs.js';
import { formatReference, parseReference } from '../core/reference.js';
import type { verifiedBlobJson } from '../evidence/verify-artifact.js';
import { parseOptions } from '../options/parse.js';
import { type PolicyOptions, refuseUnusedPolicy } from '../options/policy.js';
import { type PullOptions, pullOptionsSchema, STDOUT } from '../options/pull.js';
import type { Deps } from './deps.js';
import { connectRegistry, prepareVerificationAndConnect } from './prepare.js';
import { watchDownload, withProgress } from './progress.js';

export interface PullResult {
  reference: string;
  digest: string;
  pinnedReference: string;
  file: { path: string; name: string; size: number; digest: string; mediaType: string };
  verification?: ReturnType<typeof verifiedBlobJson>;
}

async function refuseToClobber(target: string, force: boolean): Promise<void> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return;
  if (!info.isFile()) throw usageError(`${target} exists and is not a file`);
  if (!force) throw usageError(`${target} already exists`, 'pass --force to replace it');
}

/** Where the file goes: a folder (named by its title or --name), a file you name, or stdout. */
type Destination = { kind: 'folder'; dir: string } | { kind: 'file'; path: string } | { kind: 'stdout' };

function destinationOf(opts: PullOptions): Destination {
  if (opts.outputFile !== undefined && opts.output !== undefined)
    throw usageError('--output-file names the file itself; it does not go with -o', 'give one of them');
  if (opts.outputFile !== undefined && opts.name !== undefined)
    throw usageError('--output-file names the file itself; it does not go with --name', 'give one of them');
  const target = opts.outputFile ?? opts.output;
  if (target === STDOUT) {
    if (opts.json)
      throw usageError(
        '--json and -o - would both write to stdout',
        'drop --json (messages go to stderr), or write the file with -o DIR / --output-file FILE',
      );
    return { kind: 'stdout' };
  }
  if (opts.outputFile !== undefined) return { kind: 'file', path: resolve(opts.outputFile) };
  return { kind: 'folder', dir: opts.output ?? '.' };
}

export async function runPull(refArg: string, raw: unknown, deps: Deps): Promise<PullResult> {
  const opts = parseOptions(pullOptionsSchema, raw);
  if (!opts.verify) refuseUnusedPolicy(raw as Partial<PolicyOptions>, '--verify');
  if (!opts.verify && opts.requireName) throw usageError('--require-name only takes effect with --verify');
  const ref = parseReference(refArg);
  // Checked before any IO, like a title is checked when the manifest arrives.
  if (opts.name !== undefined && !isPlainFileName(opts.name))
    throw usageError(`--name ${JSON.stringify(opts.name)} is not a plain file name (no folders, no ..)`);
  const where = destinationOf(opts);
  // A file named by the user, or stdout: the title names nothing (still checked when present).
  const naming = opts.name !== undefined ? { name: opts.name } : where.kind === 'folder' ? {} : { nameless: true };
  // The policy, cosign and the trust material are settled before anything is downloaded.
  const { check, oras } = opts.verify
    ? await prepareVerificationAndConnect(opts, deps, ref)
    : { check: undefined, oras: await connectRegistry(opts, deps, { ref, access: 'pull' }) };
  let output: OutputFolder | undefined;
  let work: TempDir | undefined;
  let landed = false;
  try {
    // Same filesystem as the destination, so the final step is a rename, not a copy; for stdout,
    // a private folder in TMPDIR holds the file until it is verified.
    if (where.kind !== 'stdout')
      output = await prepareOutputFolder(where.kind === 'file' ? dirname(where.path) : where.dir);
    work = await privateTempDir(output?.path);
    const workDir = work.path;
    const destination = (blob: ResolvedBlob) =>
      where.kind === 'file' ? where.path : where.kind === 'folder' ? join(output!.path, blob.title) : STDOUT;
    const beforeDownload = (blob: ResolvedBlob) =>
      where.kind === 'stdout' ? Promise.resolve() : refuseToClobber(destination(blob), opts.force);
    let blob: ResolvedBlob;
    let file: string;
    let verification: PullResult['verification'];
    if (check) {
      // Loaded only with --verify: the Sigstore stack is heavy to start.
      const { verifyArtifact, verifiedBlobJson } = await import('../evidence/verify-artifact.js');
      const ctx = { oras, workDir: work.path, log: deps.log, run: deps.run };
      const done = await withProgress(watchDownload(deps.env, 'Pulling and verifying', workDir), () =>
        verifyArtifact(ctx, ref, check, { expectDigest: opts.expectDigest, naming, beforeDownload }),
      );
      ({ blob, file } = done);
      verification = verifiedBlobJson(done.verified);
    } else {
      blob = await resolveBlob(oras, ref, work.path, opts.expectDigest, naming);
      await beforeDownload(blob);
      deps.log.info(`Pulling ${blob.pinnedReference} (${blob.layer.size} bytes)`);
      const progress = watchDownload(deps.env, 'Pulling', workDir, blob.layer.size);
      file = await withProgress(progress, () => downloadBlob(oras, blob, workDir));
    }
    // The bytes moved into place (or streamed) are the bytes just verified: no second download.
    const target = destination(blob);
    if (where.kind === 'stdout') await deps.pipeOut(file);
    else await moveIntoPlace(file, target, opts.force);
    landed = true;
    output?.keep();
    return {
      reference: formatReference(ref),
      digest: blob.digest,
      pinnedReference: blob.pinnedReference,
      file: {
        path: target,
        ...describeFile(blob),
        name: where.kind === 'file' ? basename(target) : blob.title,
      },
      ...(verification ? { verification } : {}),
    };
  } finally {
    await work?.dispose();
    await oras.dispose();
    if (!landed) await output?.discard();
  }
}
