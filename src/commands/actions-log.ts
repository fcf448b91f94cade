/**
 * What cli.ts needs of the GitHub Actions handling before anything else loads: the error as an
 * `::error::` annotation, and people's messages with other people's text unable to start a
 * workflow command. Light on purpose (no zod, no commander): it is imported at start-up.
 */
import { isActions, neutralizeWorkflowCommands, workflowCommand } from '../core/actions.js';
import type { GhcrBlobError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

/** The error, once more as an annotation on the run's summary page. */
export function annotateError(err: GhcrBlobError, env: NodeJS.ProcessEnv): void {
  if (!isActions(env)) return;
  const text = [err.message, ...err.details, ...(err.recommendation ? [`hint: ${err.recommendation}`] : [])];
  process.stderr.write(`${workflowCommand('error', { title: 'ghcr-blob' }, text.join('\n'))}\n`);
}

/** Messages for people, with other people's text unable to start a workflow command under Actions. */
export const forLog = (env: NodeJS.ProcessEnv, text: string): string =>
  isActions(env) ? neutralizeWorkflowCommands(text) : text;

export function actionsLogger(env: NodeJS.ProcessEnv, opts: { debug?: boolean; quiet?: boolean }): Logger {
  const write = (text: string) => process.stderr.write(`${forLog(env, text)}\n`);
  return {
    info: (message) => !opts.quiet && write(message),
    debug: (message) => opts.debug && write(`debug: ${message}`),
    warn: (message) =>
      process.stderr.write(
        `${workflowCommand('warning', { title: 'ghcr-blob' }, message.replace(/^warning: /, ''))}\n`,
      ),
  };
}

/**
 * stdout under Actions. JSON keeps its meaning: `##[` can only sit inside a JSON string, where
 * `##\u005b` decodes to the same text; a JSON line never starts with `::`.
 */
export const forStdout = (env: NodeJS.ProcessEnv, text: string, json: boolean): string =>
  !isActions(env) ? text : json ? text.replace(/##\[/g, '##\\u005b') : neutralizeWorkflowCommands(text);
