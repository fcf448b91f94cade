/** What every command takes: registry credentials and transport, the tools to run, --json. */
import type { Command } from 'commander';
import { addAuthOptions, authOptionsSchema } from './auth.js';
import { addOutputOptions, outputOptionsSchema } from './output.js';
import { addRemoteOptions, remoteOptionsSchema } from './remote.js';
import { addToolOptions, toolOptionsSchema } from './tools.js';

export const commonOptionsSchema = authOptionsSchema
  .extend(remoteOptionsSchema.shape)
  .extend(toolOptionsSchema.shape)
  .extend(outputOptionsSchema.shape);

/** Added after a command's own options, so `--help` lists those first. */
export function addCommonOptions(cmd: Command): Command {
  addAuthOptions(cmd);
  addRemoteOptions(cmd);
  addToolOptions(cmd, ['oras', 'cosign']);
  return addOutputOptions(cmd);
}
