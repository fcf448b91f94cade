/** --json: one JSON document on stdout, shape documented in README. */
import { Option, type Command } from 'commander';
import type { Deps } from '../deps.js';

export function addOutputOptions(cmd: Command): Command {
  return cmd.addOption(new Option('--json', 'print the result as JSON on stdout'));
}

/** Prints either the JSON document or the human lines (data only: a digest, a path). */
export function printResult(
  deps: Deps,
  json: boolean | undefined,
  result: unknown,
  humanLines: readonly string[],
): void {
  deps.writeOut(json ? `${JSON.stringify(result, null, 2)}\n` : humanLines.map((l) => `${l}\n`).join(''));
}
