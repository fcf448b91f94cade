// Where `sign` gets its identity token (issue 3): GitHub Actions' token service (ghcr-blob asks it
// itself, so neither credential reaches cosign's argv or environment), stdin, never argv; and what
// a refused token leaves behind (nothing). Real cosign 2 and 3 against a local Sigstore stack.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContainingString, freshCliDirs, listFilesRecursive, runCli, type CliDirs } from '../support/cli.js';
import { leaksIn, leaksInText } from '../support/leaks.js';
import { isNodeOwnEnvironment, startLeakScanner } from '../support/proc-scanner.js';
import { recordingStandIn, subcommand } from '../support/stand-in.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { EXIT, GITHUB_ISSUER, RELEASE, SAN, cosignPath, expectRefusal, sign, type Gen } from './sign-verify.shared.js';

const REQUEST_TOKEN = `ghs_${randomBytes(18).toString('hex')}`; // what GitHub puts in ACTIONS_ID_TOKEN_REQUEST_TOKEN
const SERVED_CLAIMS = { ...RELEASE, ref: 'refs/heads/main' }; // distinct, to prove the served token was the one used

interface TokenRequest {
  authorization: string | undefined;
  audience: string | null;
  apiVersion: string | null;
}

let stack: SigstoreStack;
let actions: Server;
let actionsUrl: string;
let servedToken: string;
const tokenRequests: TokenRequest[] = [];

/** GitHub's token service: `GET URL&audience=A` with `Authorization: bearer REQUEST_TOKEN` → `{value}`. */
async function startActionsTokenService(): Promise<void> {
  actions = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const seen = {
      authorization: req.headers.authorization,
      audience: url.searchParams.get('audience'),
      apiVersion: url.searchParams.get('api-version'),
    };
    tokenRequests.push(seen);
    const [scheme, credential] = (seen.authorization ?? '').split(' ');
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (scheme?.toLowerCase() !== 'bearer' || credential !== REQUEST_TOKEN)
      return reply(401, { message: 'bad request token' });
    if (seen.audience !== 'sigstore') return reply(400, { message: 'wrong audience' });
    reply(200, { count: 1, value: servedToken });
  });
  await new Promise<void>((resolve) => actions.listen(0, '127.0.0.1', resolve));
  // Shaped like the real one, which already carries a query.
  actionsUrl = `http://127.0.0.1:${(actions.address() as AddressInfo).port}/_apis/distributedtask/hubs/build/plans/p/jobs/j/idtoken?api-version=2.0`;
}

const signingArgs = (file: string) => [
  'sign',
  file,
  '--signing-config',
  stack.signingConfigPath,
  '--trusted-root',
  stack.trustedRootPath,
  '--json',
];
function workDir(): CliDirs & { file: string } {
  const dirs = freshCliDirs();
  const file = join(dirs.cwd, 'report.json');
  writeFileSync(file, '{"report":"all green"}\n');
  return { ...dirs, file };
}

beforeAll(async () => {
  stack = await startSigstoreStack();
  servedToken = await stack.mintToken(SERVED_CLAIMS);
  await startActionsTokenService();
});
afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => actions?.close(resolve));
});

describe('GitHub Actions ambient token (no --identity-token-stdin)', () => {
  it("fetches the job's token itself (bearer request token, audience sigstore) and signs; neither credential leaks", async () => {
    // cosign runs through a recording stand-in (then the real cosign): a deterministic check of the
    // argv and environment it was really given. The /proc scan watches every other process.
    const cosign = recordingStandIn('cosign', cosignPath(2));
    const w = workDir();
    const scanner = await startLeakScanner(REQUEST_TOKEN);
    const r = await runCli([...signingArgs(w.file), '--debug'], {
      ...w,
      env: {
        GHCR_BLOB_COSIGN: cosign.path,
        ACTIONS_ID_TOKEN_REQUEST_URL: actionsUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
      },
    });
    const scan = await scanner.stop();
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(JSON.parse(r.stdout)).toMatchObject({
      bundlePath: `${w.file}.sigstore.json`,
      identity: SAN.replace(RELEASE.ref, SERVED_CLAIMS.ref),
      issuer: GITHUB_ISSUER,
    });
    expect(tokenRequests).toEqual([
      { authorization: expect.stringMatching(/^bearer /i), audience: 'sigstore', apiVersion: '2.0' },
    ]);
    // The signing really went through the stand-in, and cosign saw neither credential.
    const runs = cosign.invocations();
    expect(runs.map(subcommand)).toEqual(['sign-blob', 'sign-blob']);
    expect(runs[1]!.args).toContain('--identity-token');
    const check = { secrets: [REQUEST_TOKEN, servedToken], forbiddenDirs: [w.home, w.dockerConfig] };
    expect(leaksIn(runs, check)).toEqual([]);
    for (const i of runs) expect(Object.keys(i.env).filter((k) => k.startsWith('ACTIONS_'))).toEqual([]);
    expect(leaksInText(r.stdout + r.stderr, check)).toEqual([]);
    for (const secret of [REQUEST_TOKEN, servedToken])
      for (const dir of [w.home, w.dockerConfig, w.cwd]) expect(filesContainingString(dir, secret)).toEqual([]);
    // Only ghcr-blob's own environment holds the request token (where the job put it).
    expect(scan.sightings.filter((s) => !isNodeOwnEnvironment(s))).toEqual([]);
  });

  it('a request token the service refuses: auth failed, nothing signed, no credential in output', async () => {
    const w = workDir();
    const wrong = `ghs_${randomBytes(18).toString('hex')}`;
    const before = { token: tokenRequests.length, stack: stack.requests.length };
    const r = await runCli([...signingArgs(w.file), '--debug'], {
      ...w,
      env: {
        GHCR_BLOB_COSIGN: cosignPath(3),
        ACTIONS_ID_TOKEN_REQUEST_URL: actionsUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: wrong,
      },
    });
    expectRefusal(r, EXIT.AUTH_FAILED, /could not get an identity token from GitHub Actions \(HTTP 401\)/, [
      wrong,
      REQUEST_TOKEN,
      servedToken,
    ]);
    expect(r.stderr).toMatch(/^hint: .*id-token: write/m);
    expect(tokenRequests.length).toBe(before.token + 1); // it did ask…
    expect(stack.requests.length).toBe(before.stack); // …and never went on to Fulcio
    expect(readdirSync(w.cwd)).toEqual(['report.json']);
  });

  it('no token from anywhere: usage error naming both ways', async () => {
    const w = workDir();
    const r = await runCli(signingArgs(w.file), { ...w, env: { GHCR_BLOB_COSIGN: cosignPath(3) } });
    expectRefusal(r, EXIT.USAGE, /no identity token for keyless signing/);
    expect(r.stderr).toMatch(/^hint: .*id-token: write.*--identity-token-stdin/m);
    expect(readdirSync(w.cwd)).toEqual(['report.json']);
  });
});

describe.concurrent('a token on the command line, or not a token on stdin: refused, not echoed', () => {
  const rows: Array<[string, (token: string) => string[], RegExp]> = [
    [
      '--identity-token TOKEN',
      (t) => ['--identity-token', t],
      /ghcr-blob has no --identity-token flag[^]*^hint: pipe it in with --identity-token-stdin/m,
    ],
    ['--identity-token=TOKEN', (t) => [`--identity-token=${t}`], /ghcr-blob has no --identity-token flag/],
    [
      '--identity-token-stdin=TOKEN',
      (t) => [`--identity-token-stdin=${t}`],
      /unknown option '--identity-token-stdin=…'/,
    ],
  ];
  it.each(rows)('%s', async (_name, flag, message) => {
    const w = workDir();
    const token = await stack.mintToken(RELEASE);
    const r = await runCli([...signingArgs(w.file), ...flag(token)], {
      ...w,
      env: { GHCR_BLOB_COSIGN: cosignPath(3) },
    });
    expectRefusal(r, EXIT.USAGE, message, [token]);
    expect(readdirSync(w.cwd)).toEqual(['report.json']);
  });

  it('stdin holding something other than a JWT (say, a PAT piped by mistake)', async () => {
    const w = workDir();
    const pat = `ghp_${randomBytes(18).toString('hex')}`;
    const r = await runCli([...signingArgs(w.file), '--identity-token-stdin'], {
      ...w,
      stdin: `${pat}\n`,
      env: { GHCR_BLOB_COSIGN: cosignPath(3) },
    });
    expectRefusal(r, EXIT.USAGE, /stdin does not hold an OIDC identity token/, [pat]);
    expect(readdirSync(w.cwd)).toEqual(['report.json']);
  });
});

describe.concurrent('a token Fulcio refuses: exit 4 (auth), no bundle, nothing left behind, token not shown', () => {
  const rows: Array<[Gen, string, object, RegExp]> = [];
  for (const gen of [2, 3] as const) {
    rows.push([gen, 'expired', { expiresInSeconds: -300 }, /"exp" claim timestamp check failed/]);
    rows.push([gen, 'signed by an untrusted key', { wrongKey: true }, /signature verification failed/]);
  }

  it.each(rows)('cosign %i, token %s', async (gen, _kind, bad, refusal) => {
    const w = workDir();
    const tmp = join(w.cwd, '..', 'tmp');
    mkdirSync(tmp, { mode: 0o700 });
    const token = await stack.mintToken({ ...RELEASE, ...bad });
    const r = await sign(w.file, { gen, stack, token, dirs: w, env: { TMPDIR: tmp } });
    expectRefusal(r, EXIT.AUTH_FAILED, /^error: cosign sign-blob failed: .*401/m, [token]);
    expect(readdirSync(w.cwd)).toEqual(['report.json']); // no bundle, no staging folder
    expect(readdirSync(tmp)).toEqual([]); // the token FIFO is gone
    expect(filesContainingString(w.home, token)).toEqual([]);
    expect(listFilesRecursive(w.home)).toEqual([]);
    // It failed for the right reason: the stack refused this very token.
    const path = gen === 2 ? '/api/v1/signingCert' : '/api/v2/signingCert';
    expect(stack.requests).toContainEqual({ method: 'POST', path, status: 401, error: expect.stringMatching(refusal) });
  });
});
