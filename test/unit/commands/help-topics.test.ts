// `help <command|topic>`: a command's help, a topic, or "no such topic" with the list, exit 2.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { TOPICS } from '../../../src/commands/help-topics.js';
import { EXIT_CODES, GhcrBlobError } from '../../../src/core/errors.js';
import { quietDeps } from './support/deps.js';

async function help(args: string[]): Promise<{ out: string; error?: GhcrBlobError }> {
  const out: string[] = [];
  const program = await buildProgram(quietDeps(out));
  for (const cmd of [program, ...program.commands]) cmd.configureOutput({ writeOut: (t) => out.push(t) });
  try {
    await program.parseAsync(['node', 'ghcr-blob', 'help', ...args]);
    return { out: out.join('') };
  } catch (e) {
    if (e instanceof GhcrBlobError) return { out: out.join(''), error: e };
    throw e;
  }
}

describe('help', () => {
  it("<command>: that command's help", async () => {
    const { out } = await help(['pull']);
    expect(out).toMatch(/^Usage: ghcr-blob pull \[options\] <ref>/);
    expect(out).toContain('--output-file <file>');
  });

  it('exit-codes: every documented code, one line each, within 80 columns', async () => {
    const { out } = await help(['exit-codes']);
    for (const n of Object.values(EXIT_CODES)) expect(out).toMatch(new RegExp(`^ {2}${n} {2}\\S`, 'm'));
    for (const topic of Object.keys(TOPICS)) {
      const text = (await help([topic])).out;
      expect(
        text.split('\n').filter((l) => [...l].length > 80),
        topic,
      ).toEqual([]);
    }
  });

  it('an unknown topic: "no such topic", the topics listed, a usage error (exit 2)', async () => {
    const { out, error } = await help(['nope']);
    expect(out).toBe('');
    expect(error?.message).toBe('no such topic: nope');
    expect(error?.recommendation).toMatch(/^topics: push, pull, .*exit-codes, environment, json, credentials$/);
    expect(EXIT_CODES[error!.code]).toBe(2);
  });

  it('no topic: the top-level help', async () => {
    const { out } = await help([]);
    expect(out).toMatch(/^Usage: ghcr-blob \[options\] \[command\]/);
  });
});
