// Feeds a real command line through commander and the module's zod schema, as a command does.
import { Command, CommanderError } from 'commander';
import type { z } from 'zod';
import { EXIT_CODES, GhcrBlobError } from '../../../../src/core/errors.js';
import { parseOptions } from '../../../../src/options/parse.js';

export type AddOptions = (cmd: Command) => Command;

/** A command carrying one options module, quiet, throwing instead of exiting. */
export function commandWith(add: AddOptions): Command {
  const cmd = new Command('x').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  add(cmd);
  return cmd;
}

/** commander's raw options for `argv` (flags only), before zod. */
export function rawOptions(add: AddOptions, argv: readonly string[]): Record<string, unknown> {
  const cmd = commandWith(add);
  cmd.parse(['node', 'x', ...argv], { from: 'node' });
  return cmd.opts();
}

export const parseLine = <T>(add: AddOptions, schema: z.ZodType<T>, argv: readonly string[]): T =>
  parseOptions(schema, rawOptions(add, argv));

/** What a rejected command line throws, with the exit status cli.ts gives it. */
export function rejection(fn: () => unknown): { exitCode: number; message: string; source: 'commander' | 'ghcr-blob' } {
  try {
    fn();
  } catch (e) {
    // cli.ts maps every non-zero CommanderError to USAGE, and a GhcrBlobError by its code.
    if (e instanceof CommanderError && e.exitCode !== 0)
      return { exitCode: EXIT_CODES.USAGE, message: e.message, source: 'commander' };
    if (e instanceof GhcrBlobError) return { exitCode: EXIT_CODES[e.code], message: e.message, source: 'ghcr-blob' };
    throw e;
  }
  throw new Error('expected the command line to be rejected');
}
