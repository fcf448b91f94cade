/** `pull`: registration only; the work is in pull-run.ts, loaded when the command runs. */
import { Option, type Command } from 'commander';
import type { Deps } from '../deps.js';
import { addAuthOptions } from '../options/auth.js';
import { addOutputOptions, printResult } from '../options/output.js';
import { addPolicyOptions } from '../options/policy.js';
import { addRemoteOptions } from '../options/remote.js';
import { addToolOptions } from '../options/tools.js';

export function addPullOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('-o, --output <dir>', 'folder to write the file into (created if missing)').default('.'))
    .addOption(new Option('--force', 'replace an existing file of the same name'))
    .addOption(new Option('--expect-digest <sha256:…>', "refuse unless the file's sha256 is this"))
    .addOption(
      new Option('--verify', 'land the file only if an attached Sigstore signature passes the identity policy'),
    );
  addAuthOptions(cmd);
  addRemoteOptions(cmd);
  return cmd;
}

export function registerPull(program: Command, deps: Deps): void {
  const cmd = program
    .command('pull')
    .description('pull the file of an artifact, checked, into a folder')
    .argument('<ref>', 'ghcr.io/OWNER/NAME:TAG or ghcr.io/OWNER/NAME@sha256:…');
  addPullOptions(cmd);
  addPolicyOptions(cmd);
  addToolOptions(cmd, ['oras', 'cosign']);
  addOutputOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  ghcr-blob pull ghcr.io/octo/tools/report.json:v1 -o ./out          # token from GHCR_TOKEN / GITHUB_TOKEN
  ghcr-blob pull ghcr.io/octo/tools/report.json@sha256:… -o ./out --json
  ghcr-blob pull ghcr.io/octo/tools/report.json:v1 -o ./in --verify \\
    --github-workflow octo/tools/.github/workflows/release.yml`,
  );
  cmd.action(async (ref: string, raw: unknown) => {
    const { runPull } = await import('./pull-run.js');
    const result = await runPull(ref, raw, deps);
    deps.log.info(`Pulled ${result.pinnedReference} → ${result.file.path}`);
    printResult(deps, (raw as { json?: boolean }).json, result, [result.file.path]);
  });
}
