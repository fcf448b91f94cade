/** How to reach the registry: the reference itself plus --plain-http / --ca-file. */
import { Option, type Command } from 'commander';
import * as z from 'zod';

export const remoteOptionsSchema = z.object({
  plainHttp: z.boolean().default(false),
  caFile: z.string().min(1).optional(),
});
export type RemoteOptions = z.infer<typeof remoteOptionsSchema>;

export function addRemoteOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--plain-http', 'talk HTTP, not HTTPS, to the registry (localhost:PORT is plain HTTP already)'),
    )
    .addOption(new Option('--ca-file <path>', 'trust this CA certificate (PEM) for the registry'));
}
