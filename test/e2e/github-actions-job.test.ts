// A simulated GitHub Actions job (issue 11): GITHUB_ACTIONS=true, the runner's environment files,
// the job's ambient OIDC token fetched through an HTTP proxy, push --sign then pull --verify against
// the real registry and the local Sigstore stack. Checks step outputs, the job summary, masks
// (printed before anything else) and error annotations.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsFiles,
  readOutputs,
  startTokenService,
  type TokenService,
  workflowCommands,
} from '../support/actions.js';
import {
  env,
  freshCliDirs,
  GITHUB_ISSUER,
  RELEASE,
  RELEASE_SAN as SAN,
  run,
  signingFlags,
  trustFlags,
  useKit,
} from '../support/kit.js';
import { startCountingProxy, type CountingProxy } from '../support/proxy.js';
import type { Registry } from '../support/registry.js';
import type { SigstoreStack } from '../support/sigstore/index.js';

const REQUEST_TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const kit = useKit({ sigstore: true });
let reg: Registry;
let stack: SigstoreStack;
let proxy: CountingProxy;
let tokenService: TokenService;
let tokenUrl: string;
let servedToken: string;

beforeAll(async () => {
  [reg, stack] = [kit.reg, kit.stack];
  proxy = await startCountingProxy({ tunnel: true });
  servedToken = await stack.mintToken(RELEASE);
  tokenService = await startTokenService(REQUEST_TOKEN, () => servedToken);
  tokenUrl = tokenService.url;
});
afterAll(async () => {
  await Promise.all([proxy?.close(), tokenService?.close()]);
});

/** sid's oras and cosign, no registry token: each run adds what its step would have. */
const tools = () => env({ gen: 'sid' });
const trust = () => signingFlags(stack);
const stderrLines = (text: string) => text.split('\n').filter(Boolean);

describe('a simulated Actions job: push --sign, then pull --verify', () => {
  it('writes outputs and a summary, masks every secret first, and fetches the token through the proxy', async () => {
    const file = join(freshCliDirs().cwd, 'report.json');
    writeFileSync(file, '{"release":"v1.2.0"}\n');
    const ref = `${reg.host}/octo/tools/report.json:v1`;
    const runner = actionsFiles();
    const before = proxy.seen.length;
    const push = await run(
      ['push', ref, file, '-u', reg.username, '--sign', ...trust(), '--github-output', '--github-summary'],
      {
        env: {
          ...tools(),
          ...runner.env,
          GHCR_TOKEN: reg.password,
          ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
          HTTP_PROXY: proxy.url,
          HTTPS_PROXY: proxy.url,
        },
      },
    );
    expect(push.exitCode, push.stderr).toBe(0);
    const pushed = readOutputs(runner);
    expect(pushed).toEqual({
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      'pinned-reference': `${reg.host}/octo/tools/report.json@${pushed.digest}`,
      'signature-digest': expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      identity: SAN,
      issuer: GITHUB_ISSUER,
    });
    // stdout is data only: the pinned reference, no workflow command.
    expect(push.stdout).toBe(pushed['pinned-reference']);
    // Every secret is masked, and the masks come before any other line.
    const lines = stderrLines(push.stderr);
    const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'));
    const masks = workflowCommands(lines.slice(0, firstOther).join('\n')).map((c) => c.data);
    expect(new Set(masks)).toEqual(new Set([reg.password, servedToken, REQUEST_TOKEN]));
    expect(workflowCommands(lines.slice(firstOther).join('\n'))).toEqual([]);
    const summary = readFileSync(runner.summary, 'utf8');
    expect(summary).toMatch(/^### ghcr-blob push\n/);
    expect(summary).toContain(`| Digest | sha256:${pushed.digest!.slice(7)} |`);
    expect(summary).toContain(`| Signed by | ${SAN} |`);
    // The token request went through the proxy (Node's own fetch would have ignored it).
    expect(proxy.seen.slice(before)).toEqual([{ method: 'CONNECT', target: `127.0.0.1:${tokenService.port}` }]);

    const out = freshCliDirs().cwd;
    const pullRunner = actionsFiles();
    const pull = await run(
      [
        'pull',
        ref,
        '-u',
        reg.username,
        '-o',
        out,
        '--verify',
        '--github-workflow',
        'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0',
        '--trusted-root',
        stack.trustedRootPath,
        '--github-output',
        '--github-summary',
        '--json',
      ],
      { env: { ...tools(), ...pullRunner.env, GHCR_TOKEN: reg.password } },
    );
    expect(pull.exitCode, pull.stderr).toBe(0);
    expect(JSON.parse(pull.stdout)).toMatchObject({ digest: pushed.digest }); // --json stays parseable
    expect(readOutputs(pullRunner)).toEqual({
      digest: pushed.digest,
      'pinned-reference': pushed['pinned-reference'],
      path: join(out, 'report.json'),
      identity: SAN,
      issuer: GITHUB_ISSUER,
    });
    expect(workflowCommands(stderrLines(pull.stderr)[0]!)).toEqual([{ command: 'add-mask', data: reg.password }]);
    expect(readFileSync(pullRunner.summary, 'utf8')).toMatch(/^### ghcr-blob pull\n[^]*\| File \| /);
    expect(push.stdout + push.stderr + pull.stdout + pull.stderr).not.toMatch(
      new RegExp(`(?<!::add-mask::)(${reg.password}|${servedToken}|${REQUEST_TOKEN})`),
    );
  });

  it('a failure: exit code, an ::error:: annotation, no outputs, nothing landed', async () => {
    const runner = actionsFiles();
    const out = freshCliDirs().cwd;
    const r = await run(
      [
        'pull',
        `${reg.host}/octo/tools/missing:v9`,
        '-u',
        reg.username,
        '-o',
        out,
        '--github-output',
        '--github-summary',
      ],
      { env: { ...tools(), ...runner.env, GHCR_TOKEN: reg.password } },
    );
    expect(r.exitCode).toBe(5);
    const commands = workflowCommands(r.stderr);
    expect(commands.map((c) => c.command)).toEqual(['add-mask', 'error']);
    expect(commands[1]!.data).toMatch(/not found/);
    expect(r.stderr).toMatch(/^::error title=ghcr-blob::/m);
    expect(readFileSync(runner.output, 'utf8')).toBe('');
    expect(readFileSync(runner.summary, 'utf8')).toBe('');
    expect(readdirSync(out)).toEqual([]);
  });

  it('--github-output outside Actions (no GITHUB_OUTPUT): usage error before anything is done', async () => {
    const r = await run(['pull', `${reg.host}/octo/tools/report.json:v1`, '--github-output'], {
      env: { ...tools(), GHCR_TOKEN: reg.password },
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--github-output: GITHUB_OUTPUT is not set/);
    expect(r.stderr).not.toContain('::');
  });
});

describe('text a registry controls cannot become a workflow command', () => {
  it('a registry whose error message forges commands: only our mask and our annotation are commands', async () => {
    const forged = 'nope\n::set-output name=digest::sha256:forged\n##[add-mask]x ::error::fake';
    const evil = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: forged }] }));
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const runner = actionsFiles();
      const port = (evil.address() as AddressInfo).port;
      const r = await run(['pull', `localhost:${port}/octo/x:v1`, '--github-output', '--debug'], {
        env: { ...tools(), ...runner.env, GHCR_TOKEN: 'registry-token-value' },
      });
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toContain('forged'); // the text is shown…
      expect(workflowCommands(r.stderr + r.stdout).map((c) => c.command)).toEqual(['add-mask', 'error']); // …inert
      expect(readFileSync(runner.output, 'utf8')).toBe('');
    } finally {
      await new Promise((resolve) => evil.close(resolve));
    }
  });
});

describe('signing from a private repository', () => {
  it('is refused for the public-good log (nothing contacted), and allowed with a private --signing-config', async () => {
    const file = join(freshCliDirs().cwd, 'report.json');
    writeFileSync(file, 'private bytes\n');
    const token = await stack.mintToken({ ...RELEASE, extraClaims: { repository_visibility: 'private' } });
    const before = stack.requests.length;
    const refused = await run(['sign', file, '--identity-token-stdin', ...trustFlags(stack)], {
      stdin: token,
      env: tools(),
    });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(
      /refusing to sign from private repository octo\/tools to the public transparency log: the repository's name, workflow, ref and commit would become public/,
    );
    expect(refused.stderr).toMatch(/^hint: pass --allow-public-log/m);
    expect(stack.requests.length).toBe(before);
    expect(readdirSync(join(file, '..'))).toEqual(['report.json']);

    const own = await run(['sign', file, '--identity-token-stdin', ...trust(), '--json'], {
      stdin: token,
      env: tools(),
    });
    expect(own.exitCode, own.stderr).toBe(0);
  });
});

describe('HTTPS_PROXY / NO_PROXY', () => {
  it('the public-good trusted root is fetched through HTTPS_PROXY (here it refuses: exit 7, nothing verified)', async () => {
    const refusing = await startCountingProxy();
    try {
      const cwd = freshCliDirs().cwd;
      writeFileSync(join(cwd, 'a.txt'), 'a');
      const r = await run(
        [
          'verify',
          'a.txt',
          '--bundle',
          'a.txt.sigstore.json',
          '--github-workflow',
          'octo/tools/.github/workflows/x.yml',
        ],
        { cwd, env: { ...tools(), HTTPS_PROXY: refusing.url } },
      );
      expect(r.exitCode).toBe(7);
      expect(r.stderr).toMatch(/cannot get the Sigstore public-good trusted root/);
      expect(refusing.seen).toContainEqual({ method: 'CONNECT', target: 'tuf-repo-cdn.sigstore.dev:443' });
    } finally {
      await refusing.close();
    }
  });

  it('NO_PROXY bypasses the proxy for the token request', async () => {
    const file = join(freshCliDirs().cwd, 'report.json');
    writeFileSync(file, 'direct\n');
    const before = proxy.seen.length;
    const r = await run(['sign', file, ...trust()], {
      env: {
        ...tools(),
        ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
        HTTPS_PROXY: proxy.url,
        HTTP_PROXY: proxy.url,
        NO_PROXY: '127.0.0.1',
      },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(proxy.seen.length).toBe(before);
  });
});
