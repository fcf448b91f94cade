/**
 * Where the registry secret comes from: ghcr-blob's own stdin (--password-stdin), else
 * GHCR_TOKEN, else GITHUB_TOKEN. There is deliberately no flag that takes a secret: argv is
 * world-readable in /proc. The secret then travels to oras only over its stdin.
 */
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { usageError } from '../core/errors.js';

export interface Credentials {
  username: string;
  secret: string;
}

export const PLACEHOLDER_USERNAME = 'ghcr-blob'; // ghcr.io accepts any user name with a token

export const authOptionsSchema = z.object({
  username: z.string().min(1).optional(),
  passwordStdin: z.boolean().default(false),
});
export type AuthOptions = z.infer<typeof authOptionsSchema>;

export function addAuthOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-u, --username <name>', 'registry user name (default: $GITHUB_ACTOR, else a placeholder)'))
    .addOption(
      new Option('--password-stdin', 'read the registry token from stdin (else $GHCR_TOKEN, then $GITHUB_TOKEN)'),
    );
}

/** Strips exactly one trailing line ending, as `docker login --password-stdin` does. */
export function trimOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

export async function resolveCredentials(
  opts: AuthOptions,
  env: NodeJS.ProcessEnv,
  readStdin: () => Promise<string>,
): Promise<Credentials | undefined> {
  let secret: string | undefined;
  if (opts.passwordStdin) {
    secret = trimOneNewline(await readStdin());
    if (secret.length === 0)
      throw usageError(
        '--password-stdin was given but stdin was empty',
        'pipe the token in: echo "$GITHUB_TOKEN" | ghcr-blob …',
      );
  } else {
    for (const name of ['GHCR_TOKEN', 'GITHUB_TOKEN'] as const) {
      const value = env[name];
      if (value === undefined) continue;
      if (trimOneNewline(value).length === 0)
        throw usageError(`${name} is set but empty`, `unset it or give it a token`);
      secret = trimOneNewline(value);
      break;
    }
  }
  if (secret === undefined) {
    if (opts.username) throw usageError('--username needs a token', 'pass --password-stdin or set GHCR_TOKEN');
    return undefined; // oras may then use the user's existing docker credentials, read-only
  }
  if (/[\r\n\0]/.test(secret))
    throw usageError('the token contains a line break or NUL byte', 'pass exactly one token');
  return { username: opts.username ?? (env.GITHUB_ACTOR || PLACEHOLDER_USERNAME), secret };
}

/** Reads all of stdin (bounded: a token is small; a mistakenly piped file is not). */
export async function readAllStdin(stream: NodeJS.ReadableStream = process.stdin, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) throw usageError(`stdin holds more than ${limit} bytes; expected a token`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
