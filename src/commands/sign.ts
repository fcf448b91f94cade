/** `sign`: registration only; the work is in sign-run.ts, loaded when the command runs. */
import { Option, type Command } from 'commander';
import type { Deps } from '../deps.js';
import { addAuthOptions } from '../options/auth.js';
import { addIdentityTokenOptions } from '../options/identity-token.js';
import { addOutputOptions, printResult } from '../options/output.js';
import { addRemoteOptions } from '../options/remote.js';
import { addSigningOptions } from '../options/sigstore.js';
import { addToolOptions } from '../options/tools.js';

export function registerSign(program: Command, deps: Deps): void {
  const cmd = program
    .command('sign')
    .description('sign a file (writing a bundle) or a pushed artifact (attaching the bundle), keyless with Sigstore')
    .argument('<file|ref>', 'a local file, or ghcr.io/OWNER/NAME:TAG')
    .addOption(new Option('--bundle <path>', 'for a file: where to write the bundle (default: <file>.sigstore.json)'))
    .addOption(new Option('--force', 'for a file: replace an existing bundle'));
  addIdentityTokenOptions(cmd);
  addSigningOptions(cmd);
  addAuthOptions(cmd);
  addRemoteOptions(cmd);
  addToolOptions(cmd, ['oras', 'cosign']);
  addOutputOptions(cmd);
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
    const result = await runSign(target, raw, deps);
    const { kind, ...json } = result;
    if (kind === 'file') {
      deps.log.info(
        `Signed as ${result.identity ?? 'unknown identity'} (issuer ${result.issuer ?? 'unknown'}) → ${result.bundlePath}`,
      );
      printResult(deps, (raw as { json?: boolean }).json, json, [result.bundlePath]);
    } else {
      deps.log.info(
        `Signed ${result.pinnedReference} as ${result.signature.identity ?? 'unknown identity'}; signature ${result.signature.digest}`,
      );
      printResult(deps, (raw as { json?: boolean }).json, json, [result.signature.digest]);
    }
  });
}
