/**
 * ghcr-blob inside a GitHub Actions step: masks for every secret it holds, errors as `::error::`
 * annotations, other people's text kept inert, and (on request) step outputs and a job summary.
 * Workflow commands go to stderr (the runner reads both streams), so stdout stays pure data.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { isActions, workflowCommand } from '../core/actions.js';
import { usageError } from '../core/errors.js';
import { printableLine } from '../core/printable.js';
import { addGithubOptions, githubOptionsSchema } from '../options/github.js';
import { parseOptions } from '../options/parse.js';
import type { Deps } from './deps.js';

/** Where this run's outputs and summary go, opened before the command runs. */
export interface GithubReporting {
  command: string;
  outputFile?: OpenedFile;
  summaryFile?: OpenedFile;
}

interface OpenedFile {
  path: string;
  fd: number;
}

const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;

/**
 * Opened before anything lands, so a file that cannot be written is refused first (exit 2).
 * Non-blocking: a FIFO nobody reads is refused at once instead of blocking the process (where
 * not even SIGTERM's handler could run).
 */
function openForAppend(path: string, flag: string): OpenedFile {
  try {
    return { path, fd: openSync(path, OPEN_FLAGS, 0o666) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const why =
      code === 'ENXIO' ? 'a FIFO nobody reads' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code;
    throw usageError(
      `${flag}: cannot write ${printableLine(path, 300)} (${why})`,
      'check the file the variable names',
      e,
    );
  }
}

function appendTo(file: OpenedFile, text: string): void {
  try {
    writeSync(file.fd, text);
  } finally {
    closeSync(file.fd);
  }
}

const masked = new Set<string>();

/** `::add-mask::` for each secret, once, before anything that could show it is printed. */
export function maskSecrets(env: NodeJS.ProcessEnv, secrets: Iterable<string | undefined>): void {
  if (!isActions(env)) return;
  for (const secret of secrets) {
    if (!secret || masked.has(secret)) continue;
    masked.add(secret);
    process.stderr.write(`${workflowCommand('add-mask', {}, secret)}\n`);
  }
}

function requireEnvFile(env: NodeJS.ProcessEnv, name: string, flag: string): string {
  const path = env[name];
  if (!path)
    throw usageError(`${flag}: ${name} is not set`, `${flag} works inside a GitHub Actions step, which sets ${name}`);
  return path;
}

/** Adds --github-output/--github-summary to the commands that produce a result, and checks them first. */
export function registerGithubIntegration(program: Command, deps: Deps, commands: readonly string[]): void {
  const reporting = (cmd: Command) => commands.includes(cmd.name());
  for (const cmd of program.commands) if (reporting(cmd)) addGithubOptions(cmd);
  program.hook('preAction', (_program, action) => {
    if (!reporting(action)) return;
    const opts = parseOptions(githubOptionsSchema, action.opts());
    deps.github = {
      command: action.name(),
      outputFile: opts.githubOutput
        ? openForAppend(requireEnvFile(deps.env, 'GITHUB_OUTPUT', '--github-output'), '--github-output')
        : undefined,
      summaryFile: opts.githubSummary
        ? openForAppend(requireEnvFile(deps.env, 'GITHUB_STEP_SUMMARY', '--github-summary'), '--github-summary')
        : undefined,
    };
  });
}

/** `name<<DELIM` … `DELIM`: safe for any value, newlines included, with a delimiter no one can guess. */
export function formatOutputs(entries: ReadonlyArray<readonly [string, string]>): string {
  return entries
    .map(([name, value]) => {
      const delimiter = `ghadelimiter_${randomUUID()}`;
      if (value.includes(delimiter)) throw new Error('an output value contains its delimiter');
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}

/** A table cell: one line, and every character Markdown or HTML gives meaning to as an entity. */
const cell = (text: string): string =>
  printableLine(text, 300).replace(/[\\`*_[\]<>|&#!~()]/g, (c) => `&#${c.charCodeAt(0)};`);

const LABELS: Record<string, string> = {
  digest: 'Digest',
  'pinned-reference': 'Pinned reference',
  path: 'File',
  'bundle-path': 'Bundle',
  'signature-digest': 'Signature',
  identity: 'Signed by',
  issuer: 'OIDC issuer',
};

export function formatSummary(command: string, entries: ReadonlyArray<readonly [string, string]>): string {
  const rows = entries.map(([name, value]) => `| ${LABELS[name] ?? name} | ${cell(value)} |`);
  return [`### ghcr-blob ${command}`, '', '| | |', '| --- | --- |', ...rows, '', ''].join('\n');
}

/** Called with each command's step outputs (its presenter's), after it succeeded. */
export function reportToGithub(deps: Deps, entries: ReadonlyArray<readonly [string, string]>): void {
  const github = deps.github;
  if (!github || (!github.outputFile && !github.summaryFile)) return;
  if (github.outputFile) appendTo(github.outputFile, formatOutputs(entries));
  if (github.summaryFile) appendTo(github.summaryFile, formatSummary(github.command, entries));
}
