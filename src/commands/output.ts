/** What a command prints on stdout: the --json document, or its human lines (data only). */
import type { Deps } from './deps.js';
import { forStdout, reportToGithub } from './github.js';

export function printResult(
  deps: Deps,
  json: boolean | undefined,
  result: unknown,
  humanLines: readonly string[],
): void {
  const text = json ? `${JSON.stringify(result, null, 2)}\n` : humanLines.map((l) => `${l}\n`).join('');
  deps.writeOut(forStdout(deps.env, text, Boolean(json)));
  reportToGithub(deps, result);
}
