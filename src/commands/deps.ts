/** Everything a command needs from the outside world, built once in cli.ts. */
import type { Deadlines } from '../core/deadlines.js';
import type { Logger } from '../core/log.js';
import type { DetectionCache } from '../tools/detection-cache.js';
import type { Runner } from '../tools/exec.js';
import type { GithubReporting } from './github.js';
import type { OutputMode } from './output.js';

export interface Deps {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Every wait's limit (--timeout / GHCR_BLOB_TIMEOUT); `run` already applies them to children. */
  deadlines: Deadlines;
  run: Runner;
  /** Where tool detection is remembered (tools/detection-cache.ts); absent: detect every time. */
  toolCache?: DetectionCache;
  readStdin(): Promise<string>;
  /** Data for scripts (stdout). People's messages go through `log` (stderr). */
  writeOut(text: string): void;
  /** A file's bytes to stdout (pull -o -), resolved once all were handed over. */
  pipeOut(path: string): Promise<void>;
  /** --github-output / --github-summary, settled before the command runs (commands/github.ts). */
  github?: GithubReporting;
  /** Warnings said once this run (tool advisories); `--json` results carry them as `warnings`. */
  warnings?: string[];
  /** The running command and whether it prints --json, settled before it runs (commands/output.ts). */
  output?: OutputMode;
}
