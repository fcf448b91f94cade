/** One way to reach a registry: checked --plain-http/--ca-file, credentials, and an oras session. */
import type { Deps } from '../deps.js';
import { openOras, type Oras } from '../tools/oras.js';
import { resolveCredentials, type AuthOptions } from './auth.js';
import { checkRemoteOptions, type RemoteOptions } from './remote.js';
import { findOras, type ToolOptions } from './tools.js';

/** The caller owns the session: `dispose()` removes its private registry config. */
export async function connectRegistry(opts: AuthOptions & RemoteOptions & ToolOptions, deps: Deps): Promise<Oras> {
  const remote = await checkRemoteOptions(opts);
  const credentials = await resolveCredentials(opts, deps.env, deps.readStdin);
  return openOras(await findOras(opts, deps), deps.run, remote, credentials);
}
