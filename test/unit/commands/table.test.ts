// The command table is the one list: the program registers exactly its commands, in its order,
// each with the table's summary in the top-level help, and GitHub reporting follows its flag.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { COMMANDS } from '../../../src/commands/table.js';
import { quietDeps } from './support/deps.js';

describe('the command table', () => {
  it('names each command once', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['push', 'pull', 'sign', 'verify', 'doctor']));
  });

  it('is what the program registers, in order, with its summaries', async () => {
    const program = await buildProgram(quietDeps());
    const registered = program.commands.filter((c) => c.name() !== 'help');
    expect(registered.map((c) => c.name())).toEqual(COMMANDS.filter((c) => c.name !== 'help').map((c) => c.name));
    for (const entry of COMMANDS) {
      const cmd = program.commands.find((c) => c.name() === entry.name);
      expect(cmd?.summary(), entry.name).toBe(entry.summary);
    }
  });

  it('summaries fit on one line of the top-level help (80 columns)', () => {
    // "  verify [options] <file|ref>  " is the widest left column: 31 characters.
    for (const entry of COMMANDS) expect(entry.summary.length, entry.name).toBeLessThanOrEqual(80 - 31);
  });

  it('adds --github-output and --github-summary to exactly the commands that report a result', async () => {
    const program = await buildProgram(quietDeps());
    for (const entry of COMMANDS) {
      const cmd = program.commands.find((c) => c.name() === entry.name)!;
      const has = cmd.options.some((o) => o.long === '--github-output');
      expect(has, entry.name).toBe(entry.reportsResult === true);
    }
  });
});
