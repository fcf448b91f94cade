/** `ls`: registration only; the work is in ls-run.ts, loaded when the command runs. */
import type { Command } from 'commander';
import { addLsOptions, lsOptionsSchema } from '../options/ls.js';
import type { Deps } from './deps.js';
import { showResult } from './output.js';

export function register(program: Command, deps: Deps): void {
  const cmd = program
    .command('ls')
    .description("list a repository's tags, newest first (signature tags hidden)")
    .argument('<repository>', 'ghcr.io/OWNER/NAME (no tag)');
  addLsOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Newest first by the manifest's org.opencontainers.image.created annotation
(oras push writes it); tags without one follow, by name. Only the first 100
tags are dated.

Examples:
  ghcr-blob ls ghcr.io/octo/tools/report.json
  ghcr-blob ls ghcr.io/octo/tools/report.json --all --json`,
  );
  cmd.action(async (repository: string, raw: unknown) => {
    const { runLs, lsLines } = await import('./ls-run.js');
    const result = await runLs(repository, raw, deps);
    showResult(deps, result, lsLines(result));
  });
}

export const options = { add: addLsOptions, schema: lsOptionsSchema };
