/** ls: which tags to show, and the option modules it embeds (no policy: nothing is verified). */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { addAuthOptions, authOptionsSchema } from './auth.js';
import { addOutputOptions, outputOptionsSchema } from './output.js';
import { addRemoteOptions, remoteOptionsSchema } from './remote.js';
import { addToolOptions, toolOptionsSchema } from './tools.js';

export const lsOptionsSchema = authOptionsSchema
  .extend(remoteOptionsSchema.shape)
  // oras alone: nothing is verified, so cosign is never run.
  .extend(toolOptionsSchema.pick({ oras: true }).shape)
  .extend(outputOptionsSchema.shape)
  .extend({ all: z.boolean().default(false) });
export type LsOptions = z.infer<typeof lsOptionsSchema>;

export function addLsOptions(cmd: Command): Command {
  cmd.addOption(new Option('--all', "also list signature tags (sha256-<hex>, cosign's .sig, .att and .sbom)"));
  addAuthOptions(cmd);
  addRemoteOptions(cmd);
  addToolOptions(cmd, ['oras']);
  return addOutputOptions(cmd);
}
