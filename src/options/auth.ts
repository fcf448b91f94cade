/**
 * Registry credentials: a user name and where the token comes from. There is deliberately no
 * flag that takes a secret: argv is world-readable in /proc (see secrets/registry-token.ts).
 */
import { type Command, Option } from 'commander';
import * as z from 'zod';

export const authOptionsSchema = z.object({
  username: z.string().min(1).optional(),
  passwordStdin: z.boolean().default(false),
  /** A token service on another host than the registry, vouched for by the user (Docker Hub: auth.docker.io). */
  authHost: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, 'must be a host name, optionally with :PORT')
    .optional(),
});
export type AuthOptions = z.infer<typeof authOptionsSchema>;

export function addAuthOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-u, --username <name>', 'registry user name (default: $GITHUB_ACTOR, else a placeholder)'))
    .addOption(
      new Option('--password-stdin', 'read the registry token from stdin (else $GHCR_TOKEN, then $GITHUB_TOKEN)'),
    )
    .addOption(
      new Option(
        '--auth-host <host>',
        "trust this host with the credentials as the registry's token service (default: only the registry's own host)",
      ),
    );
}
