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
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Registry } from '../test/support/registry.js';
import { REPO_ROOT } from '../test/support/tools.js';
import { parseFlags, runScript } from './lib/cli-script.js';
import { parseGeneration, SIGNER, withSandbox, type Sandbox } from './lib/sandbox.js';

/**
 * The workflow that "runs" in this demo (the sandbox's signer), pinned to its release tag (without
 * @REF a run of the workflow on any branch would be accepted), and an impostor whose repository
 * name merely extends it.
 */
const TRUSTED_WORKFLOW = `${SIGNER.repository}/${SIGNER.workflowPath}@${SIGNER.ref}`;
const IMPOSTOR_WORKFLOW = `octo/tools-evil/${SIGNER.workflowPath}@${SIGNER.ref}`;
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
  sandbox: Sandbox;
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
    const child = ctx.sandbox.spawn(process.execPath, [ctx.sandbox.cliBin, ...step.args], {
      cwd: ctx.workspace,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : -1), stdout, stderr }));
    // Like `echo "$X" |`: the secret plus a newline, which the CLI trims.
    child.stdin?.end(step.stdin ? `${step.stdin.value}\n` : '');
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
        note: `The OIDC token of ${TRUSTED_WORKFLOW} buys a short-lived certificate; the signature is logged in Rekor.`,
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

function parseOptions(): { generation: ReturnType<typeof parseGeneration> } {
  const { values } = parseFlags({ options: { generation: { type: 'string', default: 'sid' } }, strict: true });
  return { generation: parseGeneration(values.generation) };
}

/** The sample file, the stack's trust files with short paths, and what every step needs. */
function setScene(sb: Sandbox): { ctx: Context; scene: Scene } {
  const workspace = join(sb.root, 'work');
  // The stack's public trust files, copied next to the sample so the commands show short paths.
  mkdirSync(join(workspace, 'sigstore'), { recursive: true });
  copyFileSync(sb.stack.trustedRootPath, join(workspace, 'sigstore', 'trusted-root.json'));
  copyFileSync(sb.stack.signingConfigPath, join(workspace, 'sigstore', 'signing-config.json'));
  const file = 'report.json';
  writeFileSync(
    join(workspace, file),
    `${JSON.stringify({ build: 42, status: 'green', tests: { passed: 128, failed: 0 } }, null, 2)}\n`,
  );
  const ctx: Context = {
    sandbox: sb,
    workspace,
    env: sb.cliEnv,
    secrets: [sb.registry.password, sb.identityToken],
  };
  const scene: Scene = {
    registry: sb.registry,
    workspace,
    repo: `${sb.registry.host}/${SIGNER.repository}/${file}`,
    file,
    bundle: `${file}.sigstore.json`,
    trustedRoot: 'sigstore/trusted-root.json',
    signingConfig: 'sigstore/signing-config.json',
    registryToken: { value: sb.registry.password, shownAs: '$GHCR_TOKEN' },
    identityToken: { value: sb.identityToken, shownAs: '<token>' },
  };
  return { ctx, scene };
}

function introduce(sb: Sandbox, scene: Scene): void {
  const oras = relative(REPO_ROOT, sb.tools.oras);
  const cosign = relative(REPO_ROOT, sb.tools.cosign);
  say(bold('ghcr-blob demo') + dim(`  (Debian ${sb.generation} tools: ${oras}, ${cosign})`));
  say();
  say(
    `• registry        ${sb.registry.host}  (htpasswd user ${sb.registry.username}; its password is $GHCR_TOKEN below)`,
  );
  say(`• Sigstore        ${sb.stack.url}  (local Fulcio + Rekor + timestamp authority)`);
  say(`• identity token  a GitHub Actions OIDC token for ${TRUSTED_WORKFLOW}  (shown as <token>)`);
  say(`• sample file     ${scene.file}  (in ${scene.workspace})`);
  say(dim(`  export GHCR_BLOB_ORAS=${oras} GHCR_BLOB_COSIGN=${cosign}`));
}

async function main(): Promise<number> {
  const { generation } = parseOptions();
  const started = performance.now();
  // The sandbox's HOME is fresh and its environment sealed: nothing is read from or written to
  // yours, and no GHCR_TOKEN/GITHUB_TOKEN or docker credentials from your shell get in.
  return withSandbox({ name: 'demo', generation }, async (sb) => {
    const { ctx, scene } = setScene(sb);
    introduce(sb, scene);
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
  });
}

runScript('demo', main);
