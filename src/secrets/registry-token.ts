/**
 * Where the registry secret comes from: ghcr-blob's own stdin (--password-stdin), else
 * GHCR_TOKEN, else GITHUB_TOKEN. The secret then travels to oras only over its stdin.
 */
import { usageError } from '../core/errors.js';
import type { Credentials } from '../tools/oras.js';
import { trimOneNewline } from './stdin.js';

export const PLACEHOLDER_USERNAME = 'ghcr-blob'; // ghcr.io accepts any user name with a token

export async function resolveCredentials(
  opts: { username?: string; passwordStdin: boolean },
  env: NodeJS.ProcessEnv,
  readStdin: () => Promise<string>,
): Promise<Credentials | undefined> {
  let secret: string | undefined;
  let from: Credentials['from'];
  if (opts.passwordStdin) {
    from = 'stdin';
    secret = trimOneNewline(await readStdin());
    if (secret.length === 0)
      throw usageError(
        '--password-stdin was given but stdin was empty',
        env.GITHUB_ACTIONS === 'true'
          ? 'in GitHub Actions a step sees GITHUB_TOKEN only when it maps it: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` (then --password-stdin is not even needed)'
          : 'pipe the token in: echo "$GITHUB_TOKEN" | ghcr-blob …',
      );
  } else {
    for (const name of ['GHCR_TOKEN', 'GITHUB_TOKEN'] as const) {
      const value = env[name];
      if (value === undefined) continue;
      if (trimOneNewline(value).length === 0)
        throw usageError(`${name} is set but empty`, `unset it or give it a token`);
      secret = trimOneNewline(value);
      from = name;
      break;
    }
  }
  if (secret === undefined) {
    if (opts.username) throw usageError('--username needs a token', 'pass --password-stdin or set GHCR_TOKEN');
    return undefined; // oras may then use the user's existing docker credentials, read-only
  }
  if (/[\r\n\0]/.test(secret))
    throw usageError('the token contains a line break or NUL byte', 'pass exactly one token');
  const username = opts.username ?? (env.GITHUB_ACTOR || undefined);
  return username ? { username, secret, from } : { username: PLACEHOLDER_USERNAME, secret, from, placeholder: true };
}
