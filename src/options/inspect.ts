/** inspect: --verify with a policy, and the option modules it embeds. */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { addCommonOptions, commonOptionsSchema } from './common.js';
import { addPolicyOptions, policyOptionsSchema } from './policy.js';
import { addTrustOptions } from './trust.js';

export const inspectOptionsSchema = commonOptionsSchema.extend(policyOptionsSchema.shape).extend({
  verify: z.boolean().default(false),
});
export type InspectOptions = z.infer<typeof inspectOptionsSchema>;

export function addInspectOptions(cmd: Command): Command {
  cmd.addOption(
    new Option('--verify', 'verify each signature against the policy and mark which pass (exit 3 if none does)'),
  );
  addPolicyOptions(cmd);
  addTrustOptions(cmd);
  return addCommonOptions(cmd);
}
