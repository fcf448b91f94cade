// Completion scripts come from the program: every command of the table, every flag commander
// declares for it, and the words `help` and `completion` take. Nothing is a hand-kept list.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { completionModel, completionScript } from '../../../src/commands/completion-script.js';
import { helpWords } from '../../../src/commands/help-topics.js';
import { COMMANDS } from '../../../src/commands/table.js';
import { quietDeps } from './support/deps.js';

const program = await buildProgram(quietDeps());
const model = completionModel(program, { help: helpWords(program) });

describe('the completion model', () => {
  it('has every command of the table, with its summary', () => {
    expect(model.commands.map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
    expect(model.commands.find((c) => c.name === 'pull')?.summary).toBe(COMMANDS[1]!.summary);
  });

  it("has each command's own flags, value-taking ones marked", () => {
    const pull = model.commands.find((c) => c.name === 'pull')!;
    expect(pull.flags).toContainEqual(expect.objectContaining({ long: '--output', short: '-o', takesValue: true }));
    expect(pull.flags).toContainEqual(expect.objectContaining({ long: '--verify', takesValue: false }));
    expect(pull.flags.map((f) => f.long)).not.toContain('--sign');
    const doctor = model.commands.find((c) => c.name === 'doctor')!;
    expect(doctor.flags.map((f) => f.long)).not.toContain('--github-output');
  });

  it('offers shells to completion and commands and topics to help', () => {
    expect(model.commands.find((c) => c.name === 'completion')?.words).toEqual(['bash', 'zsh', 'fish']);
    expect(model.commands.find((c) => c.name === 'help')?.words).toEqual(
      expect.arrayContaining(['push', 'verify', 'exit-codes', 'json']),
    );
  });
});

describe('the scripts', () => {
  it('bash: one case per command listing its flags', () => {
    const script = completionScript('bash', model);
    expect(script).toMatch(/^complete -F _ghcr_blob ghcr-blob$/m);
    for (const c of model.commands) expect(script).toMatch(new RegExp(`^ {4}${c.name}\\) `, 'm'));
    expect(script).toMatch(/^ {4}pull\) flags='[^']*--output-file /m);
  });

  it('zsh: a compdef function whose descriptions cannot break its quoting', () => {
    const script = completionScript('zsh', {
      global: [],
      commands: [
        {
          name: 'x',
          summary: "it's [odd]: yes",
          flags: [{ long: '--a', description: "b'c[d]", takesValue: true }],
          words: [],
        },
      ],
    });
    expect(script).toMatch(/^#compdef ghcr-blob/);
    expect(script).toContain(`'x:it'\\''s \\[odd\\]\\: yes'`);
    expect(script).toContain(`'--a=[b'\\''c\\[d\\]]:value:_files'`);
  });

  it('fish: one complete line per flag, quotes escaped', () => {
    const script = completionScript('fish', model);
    expect(script).toContain("complete -c ghcr-blob -n '__fish_seen_subcommand_from pull' -s o -l output -r -F -d ");
    const quoted = completionScript('fish', {
      global: [],
      commands: [{ name: 'x', summary: "it's", flags: [], words: [] }],
    });
    expect(quoted).toContain("-a x -d 'it\\'s'");
  });
});
