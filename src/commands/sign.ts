/** `sign`: registration only; the work is in sign-run.ts, loaded when the command runs. */
import type { Command } from 'commander';
import { addSignOptions, signOptionsSchema } from '../options/sign.js';
import type { Deps } from './deps.js';
import { show } from './output.js';

export function register(program: Command, deps: Deps): Command {
  const cmd = program
    .command('sign')
    .description('sign a file (writing a bundle) or a pushed artifact (attaching the bundle), keyless with Sigstore')
    .argument('<file|ref>', 'a local file, or ghcr.io/OWNER/NAME:TAG');
  addSignOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  # GitHub Actions, with permissions: id-token: write
  ghcr-blob sign ./report.json
  ghcr-blob sign ghcr.io/octo/tools/report.json:v1          # + packages: write
  # elsewhere, with an OIDC token for audience "sigstore"
  ghcr-blob sign ./report.json --identity-token-stdin < token.jwt`,
  );
  cmd.action(async (target: string, raw: unknown) => {
    const { runSign } = await import('./sign-run.js');
    const { presentSign } = await import('./present/sign.js');
    show(deps, presentSign(await runSign(target, raw, deps)));
  });
  return cmd;
}

export const options = { add: addSignOptions, schema: signOptionsSchema };
