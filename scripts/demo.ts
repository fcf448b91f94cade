// `npm run demo`: the first thing a newcomer runs. Everything is real and local: a CNCF
// distribution registry with htpasswd auth, a private Sigstore (Fulcio + Rekor + TSA), the real
// oras and cosign, and the BUILT CLI (bin/ghcr-blob.js) run as a subprocess exactly as a user
// would run it. Each command is printed the way you would type it (secrets as `$GHCR_TOKEN` /
// `<token>`, never their values), followed by what it printed. Two sections: push, sign, pull,
// verify as four commands; then the same in two (`push --sign`, `pull --verify`). Each ends by
// showing a wrong signer being refused.
//
//   npm run demo                          # sid tools (oras 1.3 / cosign 3)
//   npm run demo -- --generation trixie   # trixie tools (oras 1.2 / cosign 2.5)
//
// Exit status: 0 when every step behaved as shown (the positive steps succeeded AND the wrong
// workflow was refused, with nothing landing), 1 otherwise, 2 for a bad flag.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startRegistry, type Registry } from '../test/support/registry.js';
import { startSigstoreStack, type SigstoreStack } from '../test/support/sigstore/index.js';
import { onProcessDeath } from '../test/support/on-death.js';
import { GENERATIONS, REPO_ROOT, toolsFor, type Generation, type Tools } from '../test/support/tools.js';
import { parseFlags, runScript, UsageError } from './lib/cli-script.js';

const CLI_BIN = join(REPO_ROOT, 'bin', 'ghcr-blob.js');

/** The workflow that "runs" in this demo, and an impostor whose repository name merely extends it. */
const REPOSITORY = 'octo/tools';
const WORKFLOW_PATH = '.github/workflows/release.yml';
const REF = 'refs/tags/v1.2.0';
// Pinned to the release tag: without @REF a run of the workflow on any branch would be accepted.
const TRUSTED_WORKFLOW = `${REPOSITORY}/${WORKFLOW_PATH}@${REF}`;
const IMPOSTOR_WORKFLOW = `octo/tools-evil/${WORKFLOW_PATH}@${REF}`;
/** Exit code for "verification failed" (README, Exit codes). */
const EXIT_VERIFICATION_FAILED = 3;

// ── presentation ─────────────────────────────────────────────────────────────────────────────
// Colour only on a terminal, so a CI log or `| less` stays clean.
const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string) => (s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');
const cyan = paint('36');

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const indent = (text: string, prefix = '  │ '): string =>
  text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => dim(prefix) + l)
    .join('\n');

// ── one step = one CLI invocation ────────────────────────────────────────────────────────────

/** A secret the step feeds on stdin: its real value, and how the printed command names it. */
interface StdinSecret {
  value: string;
  shownAs: string;
}

interface Step {
  title: string;
  /** Why this step matters, one line. */
  note: string;
  args: string[];
  stdin?: StdinSecret;
  /** Added to the CLI's environment (e.g. GHCR_TOKEN when stdin carries the identity token). */
  env?: Record<string, string>;
  /** 0 for the normal steps; the negative steps expect a specific failure. */
  expectExit: number;
  /** A post-condition checked in the workspace after the command: undefined = holds, else why not. */
  check?: () => string | undefined;
}

interface Context {
  /** Where commands run; every path in a printed command is relative to it. */
  workspace: string;
  env: NodeJS.ProcessEnv;
  /** Every secret in play: if one ever shows up in the CLI's output, the demo fails. */
  secrets: string[];
}

/** Shell-quote only what needs it, so printed commands stay copy-pasteable and readable. */
const shellWord = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

function displayCommand(step: Step): string {
  const cmd = ['ghcr-blob', ...step.args.map(shellWord)].join(' ');
  return step.stdin ? `echo "${step.stdin.shownAs}" | ${cmd}` : cmd;
}

function runCli(ctx: Context, step: Step): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...ctx.env, ...step.env };
    const child = spawn(process.execPath, [CLI_BIN, ...step.args], {
      cwd: ctx.workspace,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : -1), stdout, stderr }));
    // Like `echo "$X" |`: the secret plus a newline, which the CLI trims.
    child.stdin.end(step.stdin ? `${step.stdin.value}\n` : '');
  });
}

/** Runs one step, prints it, and says whether it behaved as expected. */
async function runStep(ctx: Context, n: number, step: Step): Promise<boolean> {
  say();
  say(bold(`${n}. ${step.title}`));
  say(dim(`   ${step.note}`));
  say(cyan(`$ ${displayCommand(step)}`));
  const t0 = performance.now();
  const r = await runCli(ctx, step);
  const took = dim(` (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  // stderr (progress, errors) first, then stdout (the result), as a terminal would show them.
  // The CLI promises never to print a secret; hold it to that here too, and never echo one.
  let output = [r.stderr, r.stdout]
    .map((s) => s.trimEnd())
    .filter(Boolean)
    .join('\n');
  let leaked = false;
  for (const secret of ctx.secrets) {
    if (output.includes(secret)) {
      leaked = true;
      output = output.split(secret).join('<REDACTED BY DEMO>');
    }
  }
  if (output.trim()) say(indent(output));

  const exitOk = r.exitCode === step.expectExit;
  if (step.expectExit === 0) {
    say((exitOk ? green('  ✓ exit 0') : red(`  ✗ exit ${r.exitCode} (expected 0)`)) + took);
  } else {
    say(
      (exitOk
        ? green(`  ✓ rejected as expected (exit ${r.exitCode})`)
        : red(`  ✗ exit ${r.exitCode}, expected a rejection with exit ${step.expectExit}`)) + took,
    );
  }
  const broken = step.check?.();
  if (broken) say(red(`  ✗ ${broken}`));
  if (leaked) say(red('  ✗ a secret appeared in the output'));
  return exitOk && !broken && !leaked;
}

// ── the story ────────────────────────────────────────────────────────────────────────────────

interface Scene {
  registry: Registry;
  /** The workspace, to check what did (not) land. */
  workspace: string;
  /** `localhost:PORT/octo/tools/report.json` (add a tag). */
  repo: string;
  file: string;
  bundle: string;
  trustedRoot: string;
  signingConfig: string;
  registryToken: StdinSecret;
  identityToken: StdinSecret;
}

interface Section {
  title: string;
  steps: Step[];
}

/** push → sign → pull → verify, each its own command, then the wrong-workflow check. */
function separateSteps(s: Scene): Section {
  const ref = `${s.repo}:v1`;
  const outDir = 'downloaded';
  const pulled = join(outDir, s.file);
  return {
    title: 'Step by step: push, sign, pull, verify',
    steps: [
      {
        title: 'Push the file to the registry',
        note: 'The token goes in on stdin: never in argv, never in a docker config file.',
        args: ['push', ref, s.file, '-u', s.registry.username, '--password-stdin'],
        stdin: s.registryToken,
        expectExit: 0,
      },
      {
        title: 'Sign it keyless with Sigstore',
        note: `The OIDC token of ${TRUSTED_WORKFLOW}@${REF} buys a short-lived certificate; the signature is logged in Rekor.`,
        args: [
          'sign',
          s.file,
          '--bundle',
          s.bundle,
          '--identity-token-stdin',
          '--signing-config',
          s.signingConfig,
          '--trusted-root',
          s.trustedRoot,
        ],
        stdin: s.identityToken,
        expectExit: 0,
      },
      {
        title: 'Pull it into a fresh folder',
        note: "Resolves the tag once, checks the artifact's shape and the file's digest, then moves it into place.",
        args: ['pull', ref, '-o', outDir, '-u', s.registry.username, '--password-stdin'],
        stdin: s.registryToken,
        expectExit: 0,
        check: () => (existsSync(join(s.workspace, pulled)) ? undefined : `${pulled} is missing`),
      },
      {
        title: 'Verify what was pulled',
        note: 'Checks the signature, the certificate identity (exact, anchored) AND the OIDC issuer.',
        args: [
          'verify',
          pulled,
          '--bundle',
          s.bundle,
          '--github-workflow',
          TRUSTED_WORKFLOW,
          '--trusted-root',
          s.trustedRoot,
        ],
        expectExit: 0,
      },
      {
        title: 'The protection: the wrong workflow is refused',
        note: `Same file, same valid bundle, but the policy names ${IMPOSTOR_WORKFLOW}: the signer must match exactly.`,
        args: [
          'verify',
          pulled,
          '--bundle',
          s.bundle,
          '--github-workflow',
          IMPOSTOR_WORKFLOW,
          '--trusted-root',
          s.trustedRoot,
        ],
        expectExit: EXIT_VERIFICATION_FAILED,
      },
    ],
  };
}

/** The same story in two commands: the signature travels with the artifact, as a referrer. */
function oneShotSteps(s: Scene): Section {
  const ref = `${s.repo}:v2`;
  const landed = (dir: string) => existsSync(join(s.workspace, dir, s.file));
  return {
    title: 'One shot: push --sign, then pull --verify',
    steps: [
      {
        title: 'Push and sign in one command',
        note: 'stdin carries the identity token here, so the registry token comes from $GHCR_TOKEN in the environment. The bundle is attached to the artifact in the registry.',
        args: [
          'push',
          ref,
          s.file,
          '--sign',
          '-u',
          s.registry.username,
          '--identity-token-stdin',
          '--signing-config',
          s.signingConfig,
          '--trusted-root',
          s.trustedRoot,
        ],
        stdin: s.identityToken,
        env: { GHCR_TOKEN: s.registryToken.value },
        expectExit: 0,
      },
      {
        title: 'Pull, verified before it lands',
        note: 'Finds the attached signature, verifies the pulled bytes against the policy, and only then moves the file into place.',
        args: [
          'pull',
          ref,
          '-o',
          'verified',
          '--verify',
          '--github-workflow',
          TRUSTED_WORKFLOW,
          '--trusted-root',
          s.trustedRoot,
          '-u',
          s.registry.username,
          '--password-stdin',
        ],
        stdin: s.registryToken,
        expectExit: 0,
        check: () => (landed('verified') ? undefined : `verified/${s.file} is missing`),
      },
      {
        title: 'The protection: nothing unverified lands',
        note: `The policy names ${IMPOSTOR_WORKFLOW}: the pull is refused and rejected/ stays empty.`,
        args: [
          'pull',
          ref,
          '-o',
          'rejected',
          '--verify',
          '--github-workflow',
          IMPOSTOR_WORKFLOW,
          '--trusted-root',
          s.trustedRoot,
          '-u',
          s.registry.username,
          '--password-stdin',
        ],
        stdin: s.registryToken,
        expectExit: EXIT_VERIFICATION_FAILED,
        check: () => (landed('rejected') ? `rejected/${s.file} was written although verification failed` : undefined),
      },
    ],
  };
}

function parseGeneration(): Generation {
  const { values } = parseFlags({ options: { generation: { type: 'string', default: 'sid' } }, strict: true });
  const gen = values.generation as Generation;
  if (!GENERATIONS.includes(gen)) throw new UsageError(`--generation must be one of ${GENERATIONS.join(', ')}`);
  return gen;
}

async function main(): Promise<number> {
  const generation = parseGeneration();
  const tools: Tools = toolsFor(generation);
  const started = performance.now();

  // Everything the demo creates, undone in reverse order by cleanup() — also on Ctrl-C, and
  // (through a sidecar that outlives us) even if this process is killed outright.
  const undo: (() => Promise<void> | void)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of undo.splice(0).reverse()) await Promise.resolve(fn()).catch(() => {});
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void cleanup().finally(() => process.exit(130)));
  }

  try {
    const root = mkdtempSync(join(tmpdir(), 'ghcr-blob-demo-'));
    const deathHook = onProcessDeath('rm -rf "$1"', [root]);
    undo.push(() => {
      deathHook.cancel();
      rmSync(root, { recursive: true, force: true });
    });
    const workspace = join(root, 'work');
    const home = join(root, 'home'); // a fresh HOME: proves nothing is read from or written to yours
    for (const d of [workspace, home, join(home, '.docker')]) mkdirSync(d);

    say(
      bold('ghcr-blob demo') +
        dim(`  (Debian ${generation} tools: ${relative(REPO_ROOT, tools.oras)}, ${relative(REPO_ROOT, tools.cosign)})`),
    );
    say();

    // Both services start in parallel (~100 ms each). allSettled, so that if one fails to start
    // the other is still known, and stopped, before we give up.
    const [reg, sig] = await Promise.allSettled([startRegistry({ generation }), startSigstoreStack()]);
    if (reg.status === 'fulfilled') undo.push(() => reg.value.stop());
    if (sig.status === 'fulfilled') undo.push(() => sig.value.close());
    if (reg.status === 'rejected') throw reg.reason;
    if (sig.status === 'rejected') throw sig.reason;
    const registry: Registry = reg.value;
    const stack: SigstoreStack = sig.value;
    say(`• registry        ${registry.host}  (htpasswd user ${registry.username}; its password is $GHCR_TOKEN below)`);
    say(`• Sigstore        ${stack.url}  (local Fulcio + Rekor + timestamp authority)`);

    const claims = { repository: REPOSITORY, workflowPath: WORKFLOW_PATH, ref: REF };
    const identityToken = await stack.mintToken(claims);
    say(`• identity token  a GitHub Actions OIDC token for ${TRUSTED_WORKFLOW}@${REF}  (shown as <token>)`);

    // The stack's public trust files, copied next to the sample so the commands show short paths.
    mkdirSync(join(workspace, 'sigstore'));
    copyFileSync(stack.trustedRootPath, join(workspace, 'sigstore', 'trusted-root.json'));
    copyFileSync(stack.signingConfigPath, join(workspace, 'sigstore', 'signing-config.json'));
    const file = 'report.json';
    writeFileSync(
      join(workspace, file),
      `${JSON.stringify({ build: 42, status: 'green', tests: { passed: 128, failed: 0 } }, null, 2)}\n`,
    );
    say(`• sample file     ${file}  (in ${workspace})`);
    say(
      dim(
        `  export GHCR_BLOB_ORAS=${relative(REPO_ROOT, tools.oras)} GHCR_BLOB_COSIGN=${relative(REPO_ROOT, tools.cosign)}`,
      ),
    );

    const ctx: Context = {
      workspace,
      // A sealed environment: no GHCR_TOKEN/GITHUB_TOKEN or docker credentials from your shell.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        DOCKER_CONFIG: join(home, '.docker'),
        GHCR_BLOB_ORAS: tools.oras,
        GHCR_BLOB_COSIGN: tools.cosign,
      },
      secrets: [registry.password, identityToken],
    };
    const scene: Scene = {
      registry,
      workspace,
      repo: `${registry.host}/${REPOSITORY}/${file}`,
      file,
      bundle: `${file}.sigstore.json`,
      trustedRoot: 'sigstore/trusted-root.json',
      signingConfig: 'sigstore/signing-config.json',
      registryToken: { value: registry.password, shownAs: '$GHCR_TOKEN' },
      identityToken: { value: identityToken, shownAs: '<token>' },
    };

    const sections = [separateSteps(scene), oneShotSteps(scene)];
    let n = 0;
    let failed = 0;
    for (const section of sections) {
      say();
      say(bold(`── ${section.title} ${'─'.repeat(Math.max(0, 72 - section.title.length))}`));
      for (const step of section.steps) {
        if (!(await runStep(ctx, ++n, step))) failed++;
      }
    }

    say();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (failed === 0) {
      say(green(bold(`All ${n} steps behaved as shown (${seconds} s).`)));
      say(dim('The registry, the Sigstore stack and every temporary file are removed now.'));
      return 0;
    }
    say(red(bold(`${failed} of ${n} steps did not behave as expected (${seconds} s).`)));
    return 1;
  } finally {
    await cleanup();
  }
}

runScript('demo', main);
