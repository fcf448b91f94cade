/**
 * Finds a wrapped binary: --oras/--cosign, else GHCR_BLOB_ORAS/GHCR_BLOB_COSIGN, else PATH.
 * What is found is checked to be an executable file before anything runs it.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { GhcrBlobError } from '../core/errors.js';

export type ToolName = 'oras' | 'cosign';

export const INSTALL_HINTS: Readonly<Record<ToolName, string>> = {
  oras: 'install oras ≥ 1.2 (GitHub Actions: oras-project/setup-oras; Debian trixie: apt-get install oras), or pass --oras PATH',
  cosign:
    'install cosign 2.5+ or 3.x (GitHub Actions: sigstore/cosign-installer; Debian trixie: apt-get install cosign), or pass --cosign PATH',
};

const ENV_VARS: Readonly<Record<ToolName, string>> = { oras: 'GHCR_BLOB_ORAS', cosign: 'GHCR_BLOB_COSIGN' };

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function locateTool(
  name: ToolName,
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const chosen = explicit ?? env[ENV_VARS[name]];
  if (chosen) {
    const path = resolve(chosen);
    if (await isExecutableFile(path)) return path;
    const from = explicit ? `--${name}` : ENV_VARS[name];
    throw new GhcrBlobError('TOOL_MISSING', `${from} ${chosen}: not an executable file`, {
      recommendation: INSTALL_HINTS[name],
    });
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue; // a relative PATH entry would run whatever is in cwd
    const path = join(dir, name);
    if (await isExecutableFile(path)) return path;
  }
  throw new GhcrBlobError('TOOL_MISSING', `${name} not found on PATH`, { recommendation: INSTALL_HINTS[name] });
}

/**
 * util-linux setpriv, if present: `setpriv --pdeathsig KILL -- CMD` makes the kernel kill CMD
 * when ghcr-blob dies, however it dies (kill -9 included). Only trusted from absolute PATH entries.
 */
export async function locateSetpriv(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of [...(env.PATH ?? '').split(delimiter), '/usr/bin', '/bin']) {
    if (!dir || !isAbsolute(dir)) continue;
    const path = join(dir, 'setpriv');
    if (await isExecutableFile(path)) return path;
  }
  return undefined;
}
