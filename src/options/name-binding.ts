/**
 * Name binding (pull --verify, verify): --require-name refuses evidence that names no repository;
 * --repository gives `verify FILE --bundle` the repository a signed name must be (a registry
 * reference names its own).
 */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { parseReference, repositoryOf } from '../core/reference.js';

export const nameBindingOptionsSchema = z.object({
  requireName: z.boolean().default(false),
});
export type NameBindingOptions = z.infer<typeof nameBindingOptionsSchema>;

export function addNameBindingOptions(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      '--require-name',
      'accept only a signature that names the repository pulled (push --sign / sign REF make one); refuse a bare signature over the bytes',
    ),
  );
}

/** A repository exactly as ghcr-blob resolves one from a reference: `host/path`, no tag, no digest. */
function isRepository(value: string): boolean {
  try {
    return repositoryOf(parseReference(`${value}:latest`)) === value;
  } catch {
    return false;
  }
}

/** `verify FILE --repository`. */
export const repositoryOptionSchema = z
  .string()
  .refine(isRepository, {
    error:
      '--repository must be a repository as pulled, HOST/PATH (e.g. ghcr.io/octo/tools/report.json), no tag or digest',
  })
  .optional();
