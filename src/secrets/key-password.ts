/**
 * The password of a cosign private key: ghcr-blob's stdin (--key-password-stdin), else
 * COSIGN_PASSWORD as ghcr-blob was given it, else empty (a key generated without one). Read here,
 * in-process: cosign gets it on its own stdin, never as COSIGN_PASSWORD in its environment.
 */
import { usageError } from '../core/errors.js';
import { trimOneNewline } from './stdin.js';

export async function resolveKeyPassword(
  opts: { keyPasswordStdin: boolean },
  env: NodeJS.ProcessEnv,
  readStdin: () => Promise<string>,
): Promise<{ password: string; source: string }> {
  if (opts.keyPasswordStdin) {
    // cosign does not strip a newline from the password it reads: `echo pw |` must still work.
    const password = trimOneNewline(await readStdin());
    if (password === '')
      throw usageError('--key-password-stdin was given but stdin was empty', 'pipe the password in: printf %s "$PW" |');
    return { password, source: '--key-password-stdin' };
  }
  if (env.COSIGN_PASSWORD !== undefined) return { password: env.COSIGN_PASSWORD, source: 'COSIGN_PASSWORD' };
  return { password: '', source: 'none (empty password)' };
}
