/**
 * Everything the program needs to declare its commands, in one module: cli.ts loads it with one
 * dynamic import (after the `--version` fast path), and the bundle keeps it in one chunk (one
 * chunk per command was measured ~15 ms slower to start).
 */
export { Command, CommanderError, Option } from 'commander';
export { registerGithubIntegration } from './github.js';
export { settleOutput } from './output.js';
export { configureHelp } from './help.js';
export { COMMANDS } from './table.js';
