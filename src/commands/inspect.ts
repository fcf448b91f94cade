/** `inspect`: registration only; the work is in inspect-run.ts, loaded when the command runs. */
import type { Command } from 'commander';
import { addInspectOptions, inspectOptionsSchema } from '../options/inspect.js';
import type { Deps } from './deps.js';
import { showResult } from './output.js';

export function register(program: Command, deps: Deps): void {
  const cmd = program
    .command('inspect')
    .description('show what a tag points at and every signature attached to it; never downloads the file')
    .argument('<ref>', 'ghcr.io/OWNER/NAME:TAG or ghcr.io/OWNER/NAME@sha256:…');
  addInspectOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Signers and times are shown as the signatures state them (UNVERIFIED);
--verify checks each one against the policy and marks which pass.

Examples:
  ghcr-blob inspect ghcr.io/octo/tools/report.json:v1
  ghcr-blob inspect ghcr.io/octo/tools/report.json:v1.2.0 --verify \\
    --github-workflow octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0`,
  );
  cmd.action(async (ref: string, raw: unknown) => {
    const { runInspect, inspectLines, requirePassing } = await import('./inspect-run.js');
    const result = await runInspect(ref, raw, deps);
    showResult(deps, result, inspectLines(result));
    requirePassing(result);
  });
}

export const options = { add: addInspectOptions, schema: inspectOptionsSchema };
