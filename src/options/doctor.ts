/** doctor: which tools, trust and (with a REF) registry to check, and how to print the result. */
import type { Command } from 'commander';
import { addAuthOptions, authOptionsSchema } from './auth.js';
import { addOutputOptions, outputOptionsSchema } from './output.js';
import { addRemoteOptions, remoteOptionsSchema } from './remote.js';
import { addToolOptions, toolOptionsSchema } from './tools.js';
import { addTrustOptions, trustOptionsSchema } from './trust.js';

export const doctorOptionsSchema = authOptionsSchema
  .extend(remoteOptionsSchema.shape)
  .extend(toolOptionsSchema.shape)
  .extend(trustOptionsSchema.shape)
  .extend(outputOptionsSchema.shape);
export type DoctorOptions = ReturnType<typeof doctorOptionsSchema.parse>;

export function addDoctorOptions(cmd: Command): Command {
  addAuthOptions(cmd);
  addRemoteOptions(cmd);
  addTrustOptions(cmd);
  addToolOptions(cmd, ['oras', 'cosign']);
  return addOutputOptions(cmd);
}
