/** `push <ref> <file>`: one regular file becomes one OCI artifact with one titled layer. */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import { parseReference, pinned, formatReference } from '../core/reference.js';
import type { Deps } from '../deps.js';
import { addAuthOptions, authOptionsSchema, resolveCredentials } from '../options/auth.js';
import { addOutputOptions, printResult } from '../options/output.js';
import { parseOptions } from '../options/parse.js';
import { addRemoteOptions, checkRemoteOptions, remoteOptionsSchema } from '../options/remote.js';
import { addToolOptions, findOras, toolOptionsSchema } from '../options/tools.js';
import { openOras } from '../tools/oras.js';

const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]{0,126}\/[A-Za-z0-9][\w!#$&^.+-]{0,126}$/;

export const pushOptionsSchema = authOptionsSchema
  .extend(remoteOptionsSchema.shape)
  .extend(toolOptionsSchema.shape)
  .extend({
    artifactType: z.string().regex(MEDIA_TYPE, 'must be a media type like application/vnd.example+json').optional(),
    mediaType: z.string().regex(MEDIA_TYPE, 'must be a media type like application/json').default('application/octet-stream'),
    annotation: z.array(z.string().regex(/^[^=\s]+=/, 'must be key=value')).default([]),
    json: z.boolean().default(false),
  });
export type PushOptions = z.infer<typeof pushOptionsSchema>;

export interface PushResult {
  reference: string;
  digest: string;
  pinnedReference: string;
  mediaType: string;
  artifactType?: string;
  file: { name: string; size: number; mediaType: string };
}

/** Checks the file before anything talks to a registry. */
async function checkFile(path: string): Promise<{ dir: string; name: string; size: number }> {
  const full = resolve(path);
  const info = await stat(full).catch(() => undefined);
  if (!info) throw usageError(`${path}: no such file`);
  if (!info.isFile()) throw usageError(`${path}: not a regular file`, 'push takes exactly one file; archive a folder first (tar czf)');
  const name = basename(full);
  // oras reads `a:b` as path:mediaType; refuse rather than push a file under a wrong name.
  if (name.includes(':')) throw usageError(`${path}: the file name contains ':'`, 'rename the file; the name is stored as the artifact\'s title');
  return { dir: dirname(full), name, size: info.size };
}

export async function runPush(refArg: string, fileArg: string, raw: unknown, deps: Deps): Promise<PushResult> {
  const opts = parseOptions(pushOptionsSchema, raw);
  const ref = parseReference(refArg);
  if (!ref.tag || ref.digest) throw usageError(`push needs a tag, not a digest: ${refArg}`, 'e.g. ghcr.io/OWNER/NAME:v1');
  const remote = await checkRemoteOptions(opts);
  const file = await checkFile(fileArg);
  const credentials = await resolveCredentials(opts, deps.env, deps.readStdin);
  const oras = await openOras(await findOras(opts, deps), deps.run, remote, credentials);
  try {
    deps.log.info(`Pushing ${file.name} (${file.size} bytes) to ${formatReference(ref)}`);
    const pushed = await oras.push({
      cwd: file.dir,
      reference: formatReference(ref),
      fileArg: `${file.name}:${opts.mediaType}`,
      artifactType: opts.artifactType,
      annotations: opts.annotation,
    });
    return {
      reference: formatReference(ref),
      digest: pushed.digest,
      pinnedReference: pinned(ref, pushed.digest),
      mediaType: pushed.mediaType,
      artifactType: pushed.artifactType,
      file: { name: file.name, size: file.size, mediaType: opts.mediaType },
    };
  } finally {
    await oras.dispose();
  }
}

export function registerPush(program: Command, deps: Deps): void {
  const cmd = program
    .command('push')
    .description('push one file as an OCI artifact')
    .argument('<ref>', 'target, with a tag: ghcr.io/OWNER/NAME:TAG')
    .argument('<file>', 'the file to push (its base name becomes the artifact\'s title)')
    .addOption(new Option('--artifact-type <type>', 'the artifact\'s type (OCI artifactType)'))
    .addOption(new Option('--media-type <type>', 'the file layer\'s media type').default('application/octet-stream'))
    .addOption(new Option('--annotation <key=value>', 'manifest annotation (repeatable)').argParser((v: string, prev: string[] = []) => [...prev, v]));
  addAuthOptions(cmd);
  addRemoteOptions(cmd);
  addToolOptions(cmd, ['oras']);
  addOutputOptions(cmd);
  cmd.addHelpText('after', `
Examples:
  echo "$GITHUB_TOKEN" | ghcr-blob push ghcr.io/octo/tools/report.json:v1 ./report.json --password-stdin
  GHCR_TOKEN=… ghcr-blob push ghcr.io/octo/tools/report.json:v1 ./report.json --json`);
  cmd.action(async (ref: string, file: string, raw: unknown) => {
    const result = await runPush(ref, file, raw, deps);
    deps.log.info(`Pushed ${result.pinnedReference}`);
    printResult(deps, (raw as { json?: boolean }).json, result, [result.pinnedReference]);
  });
}
