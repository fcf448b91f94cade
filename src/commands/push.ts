/** `push`: registration only; the work is in push-run.ts, loaded when the command runs. */
import type { Command } from 'commander';
import { addPushOptions, pushOptionsSchema } from '../options/push.js';
import type { Deps } from './deps.js';
import { show } from './output.js';

export function register(program: Command, deps: Deps): Command {
  const cmd = program
    .command('push')
    .description('push one file as an OCI artifact (and sign it with --sign)')
    .argument('<ref>', 'target, with a tag: ghcr.io/OWNER/NAME:TAG')
    .argument('<file>', "the file to push (its base name becomes the artifact's title)");
  addPushOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  echo "$GITHUB_TOKEN" | ghcr-blob push ghcr.io/octo/tools/report.json:v1 \\
    ./report.json --password-stdin
  # GitHub Actions release job: permissions packages: write, id-token: write,
  # and the step maps the token: env: GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
  ghcr-blob push ghcr.io/octo/tools/report.json:v1 ./report.json --sign`,
  );
  cmd.action(async (ref: string, file: string, raw: unknown) => {
    const { runPush } = await import('./push-run.js');
    const { presentPush } = await import('./present/push.js');
    show(deps, presentPush(await runPush(ref, file, raw, deps)));
  });
  return cmd;
}

export const options = { add: addPushOptions, schema: pushOptionsSchema };
