/** --json: one JSON document on stdout, shape documented in README. */
import { type Command, Option } from 'commander';
import * as z from 'zod';

export const outputOptionsSchema = z.object({ json: z.boolean().default(false) });

export function addOutputOptions(cmd: Command): Command {
  return cmd.addOption(new Option('--json', 'print the result as JSON on stdout'));
}
