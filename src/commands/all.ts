/**
 * What the program needs besides the commands themselves, in one module: cli.ts loads it with one
 * dynamic import (after the `--version` fast path), and the bundle keeps it in one chunk. The
 * commands come from the table (table.ts), each loaded beside it.
 */
export { Command, CommanderError, Option } from 'commander';
export { registerGithubIntegration } from './github.js';
export { configureHelp } from './help.js';
