#!/usr/bin/env node
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before the CLI's modules load: `--version` costs what Node's own start costs.
  process.stdout.write(`${createRequire(import.meta.url)('../package.json').version}\n`);
} else {
  const { main, stdoutAbandoned } = await import('../dist/cli.js');
  const code = await main(process.argv);
  process.exitCode = code;
  // stdout's reader went away or stopped reading (pull -o -): nothing queued for it will go.
  if (stdoutAbandoned(code)) process.exit(code);
  // A request given up on at its deadline may still hold a socket open: once stdout is flushed,
  // exit rather than wait for it.
  process.stdout.write('', () => process.exit(code));
}
