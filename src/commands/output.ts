/** What a command prints on stdout: the --json document, or its human lines (data only). */
import type { Deps } from './deps.js';
import { forStdout, reportToGithub } from './github.js';

export function printResult(
  deps: Deps,
  json: boolean | undefined,
  result: unknown,
  humanLines: readonly string[],
): void {
  // Warnings said this run (tool advisories) travel with the --json result too.
  const document =
    deps.warnings?.length && typeof result === 'object' && result !== null && !Array.isArray(result)
      ? { ...result, warnings: [...deps.warnings] }
      : result;
  const text = json ? `${JSON.stringify(document, null, 2)}\n` : humanLines.map((l) => `${l}\n`).join('');
  deps.writeOut(forStdout(deps.env, text, Boolean(json)));
  reportToGithub(deps, result);
}
