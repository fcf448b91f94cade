// action.yml (issue 11): the composite action run step by step with the runner's environment files
// simulated, against the real registry and the local Sigstore stack; and what it must never do.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTokenService, type TokenService, workflowCommands } from '../support/actions.js';
import { freshCliDirs } from '../support/cli.js';
import { loadAction, runCompositeAction } from '../support/composite-action.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { REPO_ROOT, toolsFor } from '../support/tools.js';
import { GITHUB_ISSUER, RELEASE, RELEASE_SAN as SAN } from '../support/kit.js';

const action = loadAction(join(REPO_ROOT, 'action.yml'));
const REQUEST_TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
let reg: Registry;
let stack: SigstoreStack;
let tokens: TokenService;
let servedToken = '';

beforeAll(async () => {
  [reg, stack] = await Promise.all([startRegistry(), startSigstoreStack()]);
  servedToken = await stack.mintToken(RELEASE);
  tokens = await startTokenService(REQUEST_TOKEN, () => servedToken);
});
afterAll(async () => Promise.all([reg?.stop(), stack?.close(), tokens?.close()]));

/** RUNNER_TEMP and GITHUB_PATH, which the runner gives every step. */
function runnerFolders(): { RUNNER_TEMP: string; GITHUB_PATH: string } {
  const runnerTemp = freshCliDirs().cwd;
  writeFileSync(join(runnerTemp, 'github-path'), '');
  return { RUNNER_TEMP: runnerTemp, GITHUB_PATH: join(runnerTemp, 'github-path') };
}

const runAction = (inputs: Record<string, string>, cwd = freshCliDirs().cwd) =>
  runCompositeAction(action, {
    actionPath: REPO_ROOT,
    cwd,
    inputs: { username: reg.username, ...inputs },
    github: { token: reg.password }, // what `${{ github.token }}` gives
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: freshCliDirs().home,
      GHCR_BLOB_ORAS: toolsFor('sid').oras,
      GHCR_BLOB_COSIGN: toolsFor('sid').cosign,
      ACTIONS_ID_TOKEN_REQUEST_URL: tokens.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
      ...runnerFolders(),
    },
  });

describe('action.yml', () => {
  it('never puts an expression in a shell script: every value arrives through env', () => {
    for (const step of action.runs.steps) expect(step.run).not.toContain('${{');
    expect(action.inputs.token?.default).toBe('${{ github.token }}');
    expect(action.runs.steps.find((s) => s.id === 'run')?.env.GHCR_TOKEN).toBe('${{ inputs.token }}');
  });

  it('push (signed) then pull (verified): outputs, summary, masks', async () => {
    const cwd = freshCliDirs().cwd;
    writeFileSync(join(cwd, 'report.json'), '{"from":"the action"}\n');
    const ref = `${reg.host}/octo/tools/report.json:action`;
    const trust = { 'signing-config': stack.signingConfigPath, 'trusted-root': stack.trustedRootPath };
    const push = await runAction({ command: 'push', reference: ref, file: 'report.json', sign: 'true', ...trust }, cwd);
    expect(push.exitCode, push.stderr).toBe(0);
    expect(push.outputs).toEqual({
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      'pinned-reference': `${reg.host}/octo/tools/report.json@${push.outputs.digest}`,
      path: '',
      identity: SAN,
      issuer: GITHUB_ISSUER,
    });
    expect(readFileSync(push.files.summary, 'utf8')).toMatch(/^### ghcr-blob push\n/);
    const masks = workflowCommands(push.stderr)
      .filter((c) => c.command === 'add-mask')
      .map((c) => c.data);
    expect(new Set(masks)).toEqual(new Set([reg.password, servedToken, REQUEST_TOKEN]));

    const pull = await runAction({
      command: 'pull',
      reference: ref,
      output: 'in',
      verify: 'true',
      'github-workflow': 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0',
      'trusted-root': stack.trustedRootPath,
    });
    expect(pull.exitCode, pull.stderr).toBe(0);
    expect(pull.outputs).toMatchObject({ digest: push.outputs.digest, identity: SAN, issuer: GITHUB_ISSUER });
    expect(readFileSync(pull.outputs.path!, 'utf8')).toBe('{"from":"the action"}\n');
  });

  it('input values are data, never shell code; a failure fails the step with an annotation', async () => {
    const cwd = freshCliDirs().cwd;
    const evil = `octo/x/.github/workflows/a.yml"; touch pwned1; echo "$(touch pwned2)\`touch pwned3\``;
    const r = await runAction(
      { command: 'pull', reference: `${reg.host}/octo/tools/none:v1`, verify: 'true', 'github-workflow': evil },
      cwd,
    );
    expect(r.exitCode).toBe(2); // the policy is refused as a usage error, before any download
    for (const f of ['pwned1', 'pwned2', 'pwned3']) expect(existsSync(join(cwd, f))).toBe(false);
    expect(workflowCommands(r.stderr).map((c) => c.command)).toContain('error');
    expect(r.outputs.digest).toBe('');
  });

  it('no command: only puts ghcr-blob on PATH, so later steps run it with any flag (the pinned way to get it)', async () => {
    const cwd = freshCliDirs().cwd;
    const runner = runnerFolders();
    const r = await runCompositeAction(action, {
      actionPath: REPO_ROOT,
      cwd,
      inputs: {},
      github: { token: '' },
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: freshCliDirs().home,
        ...runner,
      },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.outputs.digest).toBe('');
    const added = readFileSync(runner.GITHUB_PATH, 'utf8').trim().split('\n');
    expect(added).toHaveLength(1);
    expect(added[0]!.startsWith(runner.RUNNER_TEMP)).toBe(true);
    // A later step: the runner puts GITHUB_PATH's lines first on PATH.
    const later = await execa('ghcr-blob', ['pull', '--help'], {
      env: { PATH: `${added[0]}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      extendEnv: false,
    });
    expect(later.stdout).toMatch(/--verify/);
  });

  it('an unknown command: the step fails with exit 2 and an annotation', async () => {
    const r = await runAction({ command: 'rm -rf /' });
    expect(r.exitCode).toBe(2);
    expect(workflowCommands(r.stderr)).toEqual([
      { command: 'error', data: 'input command must be push, pull, sign or verify' },
    ]);
  });
});
