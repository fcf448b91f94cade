/**
 * Everything the program needs to declare its commands, in one module: cli.ts loads it with one
 * dynamic import (after the `--version` fast path), and the bundle keeps it in one chunk.
 */
export { Command, CommanderError, Option } from 'commander';
export { registerPull } from './pull.js';
export { registerPush } from './push.js';
export { registerSign } from './sign.js';
export { registerVerify } from './verify.js';
export { registerDoctor } from './doctor.js';
export { registerInspect } from './inspect.js';
export { registerLs } from './ls.js';
export { registerTrust } from './trust.js';
export { registerGithubIntegration } from './github.js';
export { configureHelp } from './help.js';
