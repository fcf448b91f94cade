/** `trust fetch`: registration only; the work is in trust-run.ts, loaded when the command runs. */
import type { Command } from 'commander';
import { addTrustFetchOptions } from '../options/trust-fetch.js';
import type { Deps } from './deps.js';

export function registerTrust(program: Command, deps: Deps): void {
  const trust = program
    .command('trust')
    .description('write a Sigstore trusted root, verified through TUF, for --trusted-root offline');
  trust.addHelpText(
    'after',
    `
Examples:
  ghcr-blob trust fetch -o trusted_root.json
  ghcr-blob trust fetch -o trusted_root.json --tuf-cache ./tuf-cache --json`,
  );
  const fetch = trust
    .command('fetch')
    .description('get the current trusted root through TUF and write it to a file (or refresh it)');
  addTrustFetchOptions(fetch);
  fetch.action(async (raw: unknown) => {
    const { runTrustFetch } = await import('./trust-run.js');
    await runTrustFetch(raw, deps);
  });
}
