// `ghcr-blob completion SHELL` from the built CLI, loaded into the real shell: bash offers the
// commands and a command's flags; zsh and fish (where installed) at least parse the script.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshCliDirs, run } from '../support/kit.js';

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

async function script(shell: string): Promise<string> {
  const r = await run(['completion', shell]);
  expect(r.exitCode, r.stderr).toBe(0);
  const path = join(freshCliDirs().cwd, `ghcr-blob.${shell}`);
  writeFileSync(path, r.stdout);
  return path;
}

/** What bash completes for the words typed so far (the last one being completed). */
function bashComplete(path: string, words: string[]): string[] {
  const line = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '--norc',
      '-c',
      `source "$1"; complete -p ghcr-blob; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _ghcr_blob; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      path,
    ],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  const [registered, ...offers] = r.stdout.trimEnd().split('\n');
  expect(registered).toBe('complete -F _ghcr_blob ghcr-blob');
  return offers.filter(Boolean);
}

describe('bash completion', () => {
  it('offers the commands, then a command’s flags, then its words', async () => {
    const path = await script('bash');
    expect(bashComplete(path, ['ghcr-blob', ''])).toEqual(
      expect.arrayContaining(['push', 'pull', 'sign', 'verify', 'doctor', 'completion', 'help']),
    );
    expect(bashComplete(path, ['ghcr-blob', 'p'])).toEqual(['push', 'pull']);
    const pullFlags = bashComplete(path, ['ghcr-blob', 'pull', '--ou']);
    expect(pullFlags.sort()).toEqual(['--output', '--output-file']);
    expect(bashComplete(path, ['ghcr-blob', '--timeout', '90s', 'push', '--si'])).toEqual([
      '--sign',
      '--signing-config',
    ]);
    expect(bashComplete(path, ['ghcr-blob', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete(path, ['ghcr-blob', 'help', 'exit'])).toEqual(['exit-codes']);
  });

  it('an unknown shell is a usage error', async () => {
    const r = await run(['completion', 'tcsh']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe.each(['zsh', 'fish'])('%s completion', (shell) => {
  it.skipIf(!has(shell))('parses (syntax check)', async () => {
    const path = await script(shell);
    const r = spawnSync(shell, ['-n', path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});
