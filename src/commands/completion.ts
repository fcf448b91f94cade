/** `completion bash|zsh|fish`: a completion script made from the program itself, on stdout. */
import { Argument, type Command } from 'commander';
import { completionScript, completionModel, SHELLS, type Shell } from './completion-script.js';
import type { Deps } from './deps.js';
import { helpWords } from './help-topics.js';

export function register(program: Command, deps: Deps): Command {
  return program
    .command('completion')
    .description('print a completion script for bash, zsh or fish (see README: Shell completion)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      `
Install (one of):
  ghcr-blob completion bash \\
    > ~/.local/share/bash-completion/completions/ghcr-blob
  ghcr-blob completion zsh > "\${fpath[1]}/_ghcr-blob"
  ghcr-blob completion fish > ~/.config/fish/completions/ghcr-blob.fish`,
    )
    .action((shell: Shell) => {
      deps.writeOut(completionScript(shell, completionModel(program, { help: helpWords(program) })));
    });
}
