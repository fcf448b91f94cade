/**
 * `help [command|topic]`: a command's help, or a topic that belongs to no one command. An unknown
 * topic is a usage error that lists what exists. Replaces commander's own `help [command]`.
 */
import type { Command } from 'commander';
import { EXIT_CODES, type ErrorCode, usageError } from '../core/errors.js';
import type { Deps } from './deps.js';
import { ENVIRONMENT } from './help.js';

const MEANINGS: Readonly<Record<ErrorCode, string>> = {
  INTERNAL: 'anything else (unexpected)',
  USAGE: 'usage: flags, references, files, missing or unsafe policy, output exists',
  VERIFICATION_FAILED: 'verification failed: signature, identity, issuer, digest pin, shape',
  AUTH_FAILED: 'authentication failed: registry, token service, Fulcio or a key refused',
  NOT_FOUND: 'not found: repository, tag, digest',
  TOOL_MISSING: 'oras or cosign missing, or of an unsupported version',
  REGISTRY_UNREACHABLE: 'unreachable or stalled: connection, DNS, TLS, no progress in --timeout',
  OUTPUT_FAILED: 'stdout (pull -o -) closed by its reader, or not read in --timeout',
};

const exitCodes = (): string =>
  [
    'Exit codes:',
    '  0  ok',
    ...Object.entries(EXIT_CODES)
      .sort((a, b) => a[1] - b[1])
      .map(([code, n]) => `  ${n}  ${MEANINGS[code as ErrorCode]}`),
    '',
    'Under --json a failure is also printed on stdout as',
    '  {"schemaVersion":1,"error":{"code","exitCode","message","hints"}}',
  ].join('\n');

const JSON_TOPIC = `Scripting: --json and stdout
  stdout carries data only; people's messages and progress go to stderr.
  --json prints one JSON document on stdout, with "schemaVersion": 1.
  A failure under --json is JSON too, with the exit code it exits with:
    {"schemaVersion":1,"error":{"code":"NOT_FOUND","exitCode":5,
     "message":"…","hints":["…"]}}
  verify --json that fails adds "verified": false and "reasons".
  pull -o - writes the file to stdout, only once it is checked (and with
  --verify, verified); it does not go with --json.
  ghcr-blob --version --json names ghcr-blob, Node, oras and cosign.`;

const CREDENTIALS = `Credentials
  Registry token: piped with --password-stdin, else GHCR_TOKEN, else
  GITHUB_TOKEN; user name -u, else GITHUB_ACTOR. Never a flag value: there is
  no --password or --token (a flag is readable in /proc and shell history).
  Identity token (keyless signing): --identity-token-stdin, SIGSTORE_ID_TOKEN,
  or the GitHub Actions token service (permissions: id-token: write).
  A cosign key's password: --key-password-stdin.
  The registry token reaches oras only through ghcr-blob's loopback relay,
  never in oras's argv, environment or files.`;

/** Topics that belong to no one command. */
export const TOPICS: Readonly<Record<string, () => string>> = {
  'exit-codes': exitCodes,
  environment: () => `Environment:${ENVIRONMENT}`,
  json: () => JSON_TOPIC,
  credentials: () => CREDENTIALS,
};

/** Everything `help` takes: the commands, then the topics (completion offers the same). */
export const helpWords = (program: Command): string[] => [
  ...program.commands.map((c) => c.name()).filter((n) => n !== 'help'),
  ...Object.keys(TOPICS),
];

export function register(program: Command, deps: Deps): Command {
  program.helpCommand(false);
  return program
    .command('help')
    .description('help for a command, or a topic: exit-codes, environment, json, credentials')
    .argument('[topic]', 'a command (push, pull, …) or a topic')
    .action((topic: string | undefined) => {
      if (topic === undefined) return program.outputHelp();
      const cmd = program.commands.find((c) => c.name() === topic && c.name() !== 'help');
      if (cmd) return cmd.outputHelp();
      const text = TOPICS[topic];
      if (text) return deps.writeOut(`${text()}\n`);
      throw usageError(`no such topic: ${topic}`, `topics: ${helpWords(program).join(', ')}`);
    });
}
