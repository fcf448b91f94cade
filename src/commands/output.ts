/**
 * Prints what a command's presenter (present/) decided: messages to stderr, then the --json
 * document or the data lines to stdout, then the step outputs and job summary. `--json` is read
 * here once, before the command runs, for the command and for cli.ts (errors as JSON too).
 */
import type { Command } from 'commander';
import { outputOptionsSchema } from '../options/output.js';
import { parseOptions } from '../options/parse.js';
import { forStdout } from './actions-log.js';
import type { Deps } from './deps.js';
import { reportToGithub } from './github.js';
import { type Presentation, SCHEMA_VERSION } from './present/presentation.js';

/** How the running command prints, settled before its action runs. */
export interface OutputMode {
  command: string;
  json: boolean;
  /** A result was printed (doctor prints its checks, then fails): no second document on stdout. */
  shown?: boolean;
}

export function settleOutput(program: Command, deps: Deps): void {
  program.hook('preAction', (_program, action) => {
    const { json } = parseOptions(outputOptionsSchema.partial(), { json: action.opts().json });
    deps.output = { command: action.name(), json: json ?? false };
  });
}

/** Warnings said this run (tool advisories) travel with the --json result too. */
const warnings = (deps: Deps) => (deps.warnings?.length ? { warnings: [...deps.warnings] } : {});

/** A result whose --json document is the result itself and whose data lines are given (ls, inspect, trust). */
export function showResult(deps: Deps, result: object, lines: readonly string[]): void {
  show(deps, { messages: [], lines, json: result, outputs: [] });
}

export function show(deps: Deps, p: Presentation): void {
  for (const message of p.messages) deps.log.info(message);
  const json = deps.output?.json ?? false;
  const text = json
    ? `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...p.json, ...warnings(deps) }, null, 2)}\n`
    : p.lines.map((l) => `${l}\n`).join('');
  deps.writeOut(forStdout(deps.env, text, json));
  if (deps.output) deps.output.shown = true;
  reportToGithub(deps, p.outputs);
}
