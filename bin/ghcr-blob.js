#!/usr/bin/env node
import { main } from '../dist/cli.js';

const code = await main(process.argv);
process.exitCode = code;
// A request given up on at its deadline may still hold a socket open: once stdout is flushed,
// exit rather than wait for it.
process.stdout.write('', () => process.exit(code));
