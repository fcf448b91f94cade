// Deps for building the program in a unit test: no processes, no stdin, stdout collected.
import type { Deps } from '../../../../src/commands/deps.js';
import { resolveDeadlines } from '../../../../src/core/deadlines.js';
import { silentLogger } from '../../../../src/core/log.js';

export function quietDeps(out: string[] = []): Deps {
  return {
    env: {},
    log: silentLogger,
    deadlines: resolveDeadlines(undefined, {}),
    run: () => Promise.reject(new Error('no processes in unit tests')),
    readStdin: () => Promise.resolve(''),
    pipeOut: () => Promise.reject(new Error('no files to stdout in unit tests')),
    writeOut: (text: string) => {
      out.push(text);
    },
  } as unknown as Deps;
}
