/**
 * The one list of commands. cli.ts registers them from it, github.ts adds its flags to those that
 * report a result, completion and `help <topic>` read it, and the option declarations test checks
 * every options module it names. Light on purpose (types only at load time): `--version` reads
 * nothing of it, and a command's module is imported only when the program is built.
 *
 * Adding a command is one line here: its name, a one-line summary (the top-level help's list) and
 * `load`, which imports its registration module: `{ register(program, deps), options? }`.
 */
import type { Command } from 'commander';
import type * as z from 'zod';
import type { Deps } from './deps.js';

/** What a command's registration module gives the program. */
export interface CommandModule {
  /** Declares the command on `program` (its arguments, options, help text and action). */
  register(program: Command, deps: Deps): Command | undefined | void;
  /** Its options module, checked as a whole by test/unit/options/declarations.test.ts. */
  options?: { add(cmd: Command): Command; schema: z.ZodObject };
}

export interface CommandEntry {
  name: string;
  summary: string;
  /** It produces a result: --github-output / --github-summary apply (commands/github.ts). */
  reportsResult?: boolean;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'push', summary: 'push one file as an OCI artifact', reportsResult: true, load: () => import('./push.js') },
  {
    name: 'pull',
    summary: 'pull the file of an artifact, checked (--verify)',
    reportsResult: true,
    load: () => import('./pull.js'),
  },
  {
    name: 'sign',
    summary: 'sign a file or a pushed artifact, keyless',
    reportsResult: true,
    load: () => import('./sign.js'),
  },
  {
    name: 'verify',
    summary: 'verify a file or an artifact against its signer',
    reportsResult: true,
    load: () => import('./verify.js'),
  },
  { name: 'doctor', summary: 'check oras, cosign, trust and registry access', load: () => import('./doctor.js') },
];

export const commandNamed = (name: string): CommandEntry | undefined => COMMANDS.find((c) => c.name === name);
