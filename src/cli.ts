/**
 * The program: builds dependencies once, registers the commands, and is the ONLY place that
 * turns an error into an exit status and a message (see EXIT_CODES in core/errors.ts).
 */
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { resolveDeadlines, TIMEOUT_ENV } from './core/deadlines.js';
import { EXIT_CODES, GhcrBlobError, isGhcrBlobError, usageError } from './core/errors.js';
import { removeLiveTempDirsSync } from './core/fs.js';
import { createLogger } from './core/log.js';
import type { Deps } from './commands/deps.js';
import { readAllStdin } from './secrets/stdin.js';
import { detectionCache } from './tools/detection-cache.js';
import { createRunner } from './tools/exec.js';
import { actionsLogger, annotateError, forLog, forStdout } from './commands/actions-log.js';
import { asksForJson, errorDocument } from './commands/present/error.js';
import { isActions } from './core/actions.js';
import { honourProxyEnvironment } from './core/proxy.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Flags users reach for out of habit; each would put a secret where others can read it. */
const SECRET_FLAGS = ['--password', '--token', '--identity-token'];

function refuseSecretFlags(args: readonly string[]): void {
  for (const arg of args) {
    if (arg === '--') return;
    const flag = SECRET_FLAGS.find((f) => arg === f || arg.startsWith(`${f}=`));
    if (flag) {
      throw usageError(
        `ghcr-blob has no ${flag} flag: a secret on the command line is readable by every process on the machine (/proc/PID/cmdline) and stays in shell history`,
        flag === '--identity-token'
          ? 'pipe it in with --identity-token-stdin'
          : 'pipe it in with --password-stdin, or set GHCR_TOKEN',
      );
    }
  }
}

/** Commander echoes unknown options; never echo what follows an `=` (it may be a secret). */
const scrubCommanderText = (text: string): string => text.replace(/(-[\w-]*)=[^\s']*/g, '$1=…');

function report(err: GhcrBlobError, debug: boolean, env: NodeJS.ProcessEnv): void {
  annotateError(err, env);
  const lines = [`error: ${err.message}`, ...err.details.map((d) => `  ${d}`)];
  if (err.recommendation) lines.push(`hint: ${err.recommendation}`);
  if (debug && err.stack) lines.push(err.stack);
  process.stderr.write(`${forLog(env, lines.join('\n'))}\n`);
}

/** Under --json the failure is also a JSON document on stdout (present/error.ts). */
function reportJson(err: GhcrBlobError, deps: Deps): void {
  const text = `${JSON.stringify(errorDocument(err, deps.output?.command), null, 2)}\n`;
  deps.writeOut(forStdout(deps.env, text, true));
}

/**
 * Commander and the commands (with their zod option schemas) are loaded here, not at the top:
 * `--version` needs neither, and each is a few tens of milliseconds to evaluate.
 */
export async function buildProgram(deps: Deps): Promise<Command> {
  const { Command, Option, COMMANDS, registerGithubIntegration, settleOutput, configureHelp } = await import(
    './commands/all.js'
  );
  const program = new Command('ghcr-blob')
    .description(
      'Store single files in GitHub Container Registry (or any OCI registry), signed keyless with Sigstore and verified before use.',
    )
    .version(version, '-V, --version')
    .addOption(new Option('--debug', 'show the commands run and full errors (secrets redacted)'))
    .addOption(new Option('-q, --quiet', 'print only results (no progress or status lines)'))
    .addOption(
      new Option(
        '--timeout <duration>',
        `stop any step that makes no progress for this long, e.g. 90s, 5m (default 60s; env ${TIMEOUT_ENV})`,
      ),
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(scrubCommanderText(text)) })
    .showHelpAfterError('(run with --help for usage)');
  // The deadlines are known once the options are: filled into the one Deadlines object the runner
  // (built once, with deps) already holds, so every child and request gets them.
  program.hook('preAction', () => {
    Object.assign(deps.deadlines, resolveDeadlines(program.opts<{ timeout?: string }>().timeout, deps.env));
  });
  for (const entry of COMMANDS) {
    entry.module.register(program, deps);
    const cmd = program.commands.find((c) => c.name() === entry.name);
    if (!cmd) throw new Error(`the table's ${entry.name} registered no command of that name`);
    cmd.summary(entry.summary);
  }
  registerGithubIntegration(
    program,
    deps,
    COMMANDS.filter((c) => c.reportsResult).map((c) => c.name),
  );
  settleOutput(program, deps);
  configureHelp(program);
  for (const cmd of program.commands)
    cmd.exitOverride().configureOutput({ writeErr: (text) => process.stderr.write(scrubCommanderText(text)) });
  return program;
}

/**
 * An interrupted pull must not leave its private folder (with a partial file), nor the output
 * folder it created, behind. Children are stopped by execa's own exit cleanup (and, after a
 * kill -9 of ghcr-blob, by the kernel: see tools/exec.ts).
 */
function cleanUpOnSignals(): void {
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes)) {
    process.once(signal, () => {
      removeLiveTempDirsSync();
      process.stderr.write(`error: interrupted by ${signal}\n`);
      process.exit(code);
    });
  }
}

/** The run failed because stdout's reader went away or stopped reading: do not wait to flush it. */
export const stdoutAbandoned = (code: number): boolean => code === EXIT_CODES.OUTPUT_FAILED;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  cleanUpOnSignals();
  const args = argv.slice(2);
  const debug = args.includes('--debug');
  const quiet = args.includes('--quiet') || args.includes('-q');
  const log = isActions(env) ? actionsLogger(env, { debug, quiet }) : createLogger({ debug, quiet });
  const deadlines = resolveDeadlines(undefined, {});
  const deps: Deps = {
    env,
    log,
    deadlines,
    run: createRunner(log, env, deadlines),
    toolCache: detectionCache(env, version),
    readStdin: () => {
      // A terminal on stdin: say what it waits for instead of sitting silent.
      if (process.stdin.isTTY)
        log.info('Reading the token from stdin (a terminal): type or paste it, then Enter and Ctrl-D');
      return readAllStdin();
    },
    writeOut: (text) => process.stdout.write(text),
    pipeOut: async (path) => {
      // Loaded when used (pull -o -): --version loads nothing it does not print.
      const { streamFileTo } = await import('./core/stream-out.js');
      await streamFileTo(path, process.stdout, deps.deadlines.stallMs);
    },
  };
  // What commander would print for exactly these arguments, without loading it.
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const json = () => (deps.output ? deps.output.json && !deps.output.shown : asksForJson(args));
  try {
    if (args.length === 2 && args.includes('--json') && (args.includes('--version') || args.includes('-V'))) {
      const { versionReport } = await import('./commands/version-run.js');
      deps.writeOut(forStdout(env, `${JSON.stringify(await versionReport(version, deps), null, 2)}\n`, true));
      return 0;
    }
    refuseSecretFlags(args);
    await honourProxyEnvironment(env);
    await (await buildProgram(deps)).parseAsync(argv);
    return 0;
  } catch (err) {
    const { CommanderError } = await import('./commands/all.js');
    if (err instanceof CommanderError) {
      // Help and --version end here too; commander has printed them already (errors to stderr).
      if (err.exitCode === 0) return 0;
      if (json()) reportJson(usageError(scrubCommanderText(err.message.replace(/^error: /, ''))), deps);
      return EXIT_CODES.USAGE;
    }
    const known = isGhcrBlobError(err)
      ? err
      : new GhcrBlobError('INTERNAL', `unexpected error: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    report(known, debug, env);
    if (json()) reportJson(known, deps);
    return EXIT_CODES[known.code];
  }
}
