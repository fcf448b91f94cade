/**
 * The one list of commands. cli.ts registers them from it, --github-output / --github-summary go
 * to those that report a result, completion and `help <topic>` read it, and the option
 * declarations test checks every options module it names. cli.ts loads it (through all.ts) after
 * the `--version` fast path, in the one chunk that holds every registration module: each is light
 * (the work is in its `-run` module, imported when the command runs).
 *
 * Adding a command: import its registration module below and add its row (name, one-line summary
 * for the top-level help, `module`). A module written the older way, `registerLs(program, deps)`,
 * fits as `module: { register: registerLs }`.
 */
import type { Command } from 'commander';
import type * as z from 'zod';
import type { Deps } from './deps.js';
import * as completion from './completion.js';
import * as doctor from './doctor.js';
import * as help from './help-topics.js';
import * as inspect from './inspect.js';
import * as ls from './ls.js';
import * as pull from './pull.js';
import * as push from './push.js';
import * as sign from './sign.js';
import { registerTrust } from './trust.js';
import * as verify from './verify.js';

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
  module: CommandModule;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'push', summary: 'push one file as an OCI artifact', reportsResult: true, module: push },
  { name: 'pull', summary: 'pull the file of an artifact, checked', reportsResult: true, module: pull },
  { name: 'sign', summary: 'sign a file or a pushed artifact', reportsResult: true, module: sign },
  { name: 'verify', summary: 'verify a file or an artifact: who signed it', reportsResult: true, module: verify },
  { name: 'ls', summary: "list a repository's tags, newest first", module: ls },
  { name: 'inspect', summary: 'show an artifact and every signature on it', module: inspect },
  { name: 'doctor', summary: 'check oras, cosign, trust and registry access', module: doctor },
  { name: 'trust', summary: 'fetch a trusted root (TUF) for offline use', module: { register: registerTrust } },
  { name: 'completion', summary: 'print a bash, zsh or fish completion script', module: completion },
  { name: 'help', summary: 'help for a command or a topic (exit-codes, …)', module: help },
];
