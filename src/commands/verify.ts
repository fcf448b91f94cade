/** `verify`: registration only; the work is in verify-run.ts, loaded when the command runs. */
import type { Command } from 'commander';
import { addVerifyOptions, verifyOptionsSchema } from '../options/verify.js';
import type { Deps } from './deps.js';
import { show } from './output.js';

export function register(program: Command, deps: Deps): Command {
  const cmd = program
    .command('verify')
    .description(
      'verify a file with its bundle, or an artifact with its attached signatures, against who must have signed',
    )
    .argument('<file|ref>', 'a local file (with --bundle) or ghcr.io/OWNER/NAME:TAG');
  addVerifyOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  ghcr-blob verify ./report.json --bundle ./report.json.sigstore.json \\
    --github-workflow octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0
  ghcr-blob verify ./report.json --bundle b.json \\
    --certificate-identity \\
      https://github.com/octo/tools/.github/workflows/release.yml@refs/tags/v1 \\
    --certificate-oidc-issuer https://token.actions.githubusercontent.com
  ghcr-blob verify ghcr.io/octo/tools/report.json:v1.2.0 \\
    --github-workflow \\
      shared-org/workflows/.github/workflows/build.yml@refs/tags/v2 \\
    --source-repository octo/tools`,
  );
  cmd.action(async (target: string, raw: unknown) => {
    const { runVerify } = await import('./verify-run.js');
    const { presentVerify } = await import('./present/verify.js');
    show(deps, presentVerify(await runVerify(target, raw, deps)));
  });
  return cmd;
}

export const options = { add: addVerifyOptions, schema: verifyOptionsSchema };
