/** `pull`: registration only; the work is in pull-run.ts, loaded when the command runs. */
import type { Command } from 'commander';
import { addPullOptions, pullOptionsSchema } from '../options/pull.js';
import type { Deps } from './deps.js';
import { show } from './output.js';

export function register(program: Command, deps: Deps): Command {
  const cmd = program
    .command('pull')
    .description('pull the file of an artifact, checked, into a folder')
    .argument('<ref>', 'ghcr.io/OWNER/NAME:TAG or ghcr.io/OWNER/NAME@sha256:…');
  addPullOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  # the registry token from GHCR_TOKEN, else GITHUB_TOKEN
  ghcr-blob pull ghcr.io/octo/tools/report.json:v1 -o ./out
  ghcr-blob pull ghcr.io/octo/tools/report.json@sha256:… -o ./out --json
  ghcr-blob pull ghcr.io/octo/tools/report.json:v1.2.0 -o ./in --verify \\
    --github-workflow octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0
  # any tag, no branch:
  ghcr-blob pull ghcr.io/octo/tools/report.json:v1.2.0 -o ./in --verify \\
    --github-workflow octo/tools/.github/workflows/release.yml \\
    --source-ref-regexp '^refs/tags/.*$'`,
  );
  cmd.action(async (ref: string, raw: unknown) => {
    const { runPull } = await import('./pull-run.js');
    const { presentPull } = await import('./present/pull.js');
    show(deps, presentPull(await runPull(ref, raw, deps)));
  });
  return cmd;
}

export const options = { add: addPullOptions, schema: pullOptionsSchema };
