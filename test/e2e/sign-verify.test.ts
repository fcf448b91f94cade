// sign and verify end to end (issue 3): the built CLI, real cosign 2.5 and 3.x, a local Sigstore
// stack. Each generation signs (token piped in; cosign runs through a recording stand-in, and a /proc
// scan watches the rest of the machine); each bundle must then be accepted by sigstore-js together
// with either generation's cosign.
// Rejections: verify-rejects.test.ts; token sources and bad tokens: sign-verify-token.test.ts.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  filesContainingString,
  freshCliDirs,
  listFilesRecursive,
  type CliDirs,
  type CliResult,
} from '../support/cli.js';
import { leaksIn, leaksInText } from '../support/leaks.js';
import { startLeakScanner, type ScanReport } from '../support/proc-scanner.js';
import { recordingStandIn, subcommand, type StandIn } from '../support/stand-in.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import {
  EXIT,
  GENS,
  GITHUB_ISSUER,
  RELEASE,
  RELEASE_SAN,
  WORKFLOW,
  byWorkflow,
  exactly,
  expectRefusal,
  fileSha256Hex,
  sign,
  verify,
  type Gen,
  cosignPath,
} from '../support/kit.js';

let stack: SigstoreStack;
let dirs: CliDirs;
let tmp: string; // the CLI's TMPDIR: where the token FIFO lives while cosign runs
let file: string;
let token: string;
let scan: ScanReport;
let window: { from: number; to: number };
const standIns = new Map<Gen, StandIn>();
const signed = new Map<Gen, { run: CliResult; bundle: string }>();
// cosign 3 writes the default FILE.sigstore.json; cosign 2 is given --bundle.
const bundleFor = (gen: Gen) => (gen === 3 ? `${file}.sigstore.json` : join(dirs.cwd, 'bundles', 'by-cosign-2.json'));
const bundleOf = (gen: Gen) => signed.get(gen)!.bundle;

beforeAll(async () => {
  stack = await startSigstoreStack();
  dirs = freshCliDirs();
  tmp = join(dirs.cwd, '..', 'tmp');
  mkdirSync(tmp, { mode: 0o700 });
  mkdirSync(join(dirs.cwd, 'bundles'));
  file = join(dirs.cwd, 'report.json');
  writeFileSync(file, '{"report":"all green"}\n');
  token = await stack.mintToken(RELEASE);
  // Both generations sign at once with the same token, each cosign through a recording stand-in,
  // while a scanner reads every /proc/*/cmdline and /proc/*/environ looking for it. cosign 2's run
  // is the `echo $TOKEN |` form (one trailing newline), with --bundle and --debug (which shows the
  // commands run).
  for (const gen of GENS) standIns.set(gen, recordingStandIn('cosign', cosignPath(gen)));
  const scanner = await startLeakScanner(token);
  const from = Date.now();
  const runs = await Promise.all(
    GENS.map((gen) => {
      const env = { TMPDIR: tmp, GHCR_BLOB_COSIGN: standIns.get(gen)!.path };
      return gen === 3
        ? sign(file, { gen, stack, token, dirs, env })
        : sign(file, { gen, stack, token: `${token}\n`, bundle: bundleFor(gen), dirs, env, extra: ['--debug'] });
    }),
  );
  window = { from, to: Date.now() };
  scan = await scanner.stop();
  GENS.forEach((gen, i) => signed.set(gen, { run: runs[i]!, bundle: bundleFor(gen) }));
});
afterAll(async () => stack?.close());

describe.each(GENS)('cosign %i signs through the CLI', (gen) => {
  it("writes a v0.3 bundle for the file's sha256, naming the signer", () => {
    const { run, bundle } = signed.get(gen)!;
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(`with cosign ${gen}`);
    const out = JSON.parse(run.stdout);
    expect(out).toEqual({
      schemaVersion: 1,
      bundlePath: bundle,
      sha256: fileSha256Hex(file),
      identity: RELEASE_SAN,
      issuer: GITHUB_ISSUER,
      rekorLogIndex: expect.any(Number),
    });
    const json = JSON.parse(readFileSync(bundle, 'utf8'));
    expect(json.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(Buffer.from(json.messageSignature.messageDigest.digest, 'base64').toString('hex')).toBe(fileSha256Hex(file));
    expect(String(out.rekorLogIndex)).toBe(json.verificationMaterial.tlogEntries[0].logIndex);
  });
});

it.each(GENS)(
  'cosign %i gets the identity token through a FIFO only: never argv, environment or an open file',
  (gen) => {
    const runs = standIns.get(gen)!.invocations();
    // Every cosign run is on record: the generation check, then the signing.
    expect(runs.map(subcommand)).toEqual(['sign-blob', 'sign-blob']);
    expect(runs[0]!.args).toContain('--help');
    const signing = runs[1]!;
    const path = signing.args[signing.args.indexOf('--identity-token') + 1]!;
    expect(path.startsWith(`${tmp}/`), path).toBe(true); // a path in the private TMPDIR: the FIFO
    expect(leaksIn(runs, { secrets: [token], forbiddenDirs: [dirs.home, dirs.dockerConfig] })).toEqual([]);
    for (const i of runs) expect(i.fds[0]).toMatch(/^(pipe|socket):\[\d+\]$|^\/dev\/null$/);
  },
);

it('never lets the identity token into output, a file, or anywhere else in /proc', () => {
  expect(signed.get(2)!.run.stderr).toContain('sign-blob'); // --debug did show the cosign command…
  expect(scan.sightings).toEqual([]);
  for (const { run } of signed.values()) expect(leaksInText(run.stdout + run.stderr, { secrets: [token] })).toEqual([]); // …but not the token
  for (const dir of [dirs.home, dirs.dockerConfig, dirs.cwd, tmp])
    expect(filesContainingString(dir, token)).toEqual([]);
  expect(readdirSync(tmp)).toEqual([]); // the FIFO and its private folder are gone
  expect(readdirSync(dirs.cwd).sort()).toEqual(['bundles', 'report.json', 'report.json.sigstore.json']); // no staging left
  expect(listFilesRecursive(dirs.home)).toEqual([]);
});

describe.concurrent('verify: sigstore-js and cosign must both accept', () => {
  const matrix = GENS.flatMap((signer) => GENS.map((verifier) => [signer, verifier] as const));

  it.each(matrix)('a cosign %i bundle, verified with cosign %i (--github-workflow @ref)', async (signer, verifier) => {
    const r = await verify(file, bundleOf(signer), byWorkflow(`${WORKFLOW}@${RELEASE.ref}`), {
      root: stack.trustedRootPath,
      gen: verifier,
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      schemaVersion: 1,
      verified: true,
      evidence: 'message-signature',
      identity: RELEASE_SAN,
      issuer: GITHUB_ISSUER,
      signingKey: 'ECDSA P-256',
      digest: `sha256:${fileSha256Hex(file)}`,
      chain: [
        { link: 'signed digest', digest: `sha256:${fileSha256Hex(file)}`, checkedBy: 'the verified signature' },
        { link: 'file', digest: `sha256:${fileSha256Hex(file)}`, checkedBy: 'ghcr-blob: sha256 of the file as read' },
      ],
      rekorLogIndex: JSON.parse(signed.get(signer)!.run.stdout).rekorLogIndex,
      rekorEntryKind: 'hashedrekord',
      rekorEntryVersion: '0.0.1',
      integratedTime: expect.any(String),
      signedTimestamps: [expect.any(String)],
      githubWorkflow: RELEASE_SAN,
      repository: 'https://github.com/octo/tools',
      ref: RELEASE.ref,
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      runnerEnvironment: 'github-hosted',
      verifiers: ['sigstore-js', `cosign ${verifier}`],
      // The flags make one accepted signer.
      signer: { index: 1, policy: `identity "${RELEASE_SAN}", issuer "${GITHUB_ISSUER}"` },
      // `sign FILE` signs the bytes; a local file names no repository.
      name: { bound: false, note: 'not bound to a repository name' },
    });
    // Whole seconds, so allow the second the signing started in.
    for (const t of [out.integratedTime, ...out.signedTimestamps]) {
      expect(Date.parse(t)).toBeGreaterThanOrEqual(Math.floor(window.from / 1000) * 1000);
      expect(Date.parse(t)).toBeLessThanOrEqual(window.to);
    }
    expect(r.stderr).toContain(`Verified: signed by ${RELEASE_SAN}`);
  });

  it.each([
    ['exact identity and issuer', exactly(RELEASE_SAN), 2],
    ['--github-workflow without @ref (any ref of that file)', byWorkflow(WORKFLOW), 3],
    [
      'anchored identity and issuer regexps',
      [
        '--certificate-identity-regexp',
        '^https://github\\.com/octo/tools/\\.github/workflows/release\\.yml@refs/tags/v1\\.[0-9]+\\.[0-9]+$',
        '--certificate-oidc-issuer-regexp',
        '^https://token\\.actions\\.githubusercontent\\.com$',
      ],
      2,
    ],
  ] as const)('accepts %s', async (_name, policy, gen) => {
    const r = await verify(file, bundleOf(gen === 2 ? 3 : 2), [...policy], { root: stack.trustedRootPath, gen });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(JSON.parse(r.stdout)).toMatchObject({
      verified: true,
      identity: RELEASE_SAN,
      verifiers: ['sigstore-js', `cosign ${gen}`],
    });
  });
});

describe.concurrent('--engine and a missing cosign', () => {
  const nowhere = () => join(dirs.cwd, 'no-such-cosign');

  it.each(GENS)(
    '--engine sigstore verifies a cosign %i bundle in-process alone, without any cosign, and says so',
    async (gen) => {
      const r = await verify(file, bundleOf(gen), byWorkflow(`${WORKFLOW}@${RELEASE.ref}`), {
        root: stack.trustedRootPath,
        cosign: nowhere(),
        extra: ['--engine', 'sigstore'],
      });
      expect(r.exitCode, r.stderr).toBe(EXIT.OK);
      expect(r.stderr).toMatch(/in-process verifier only \(--engine sigstore\)/);
      expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, identity: RELEASE_SAN, verifiers: ['sigstore-js'] });
    },
  );

  it('--engine both (the default) with GHCR_BLOB_COSIGN pointing nowhere: tool missing', async () => {
    const r = await verify(file, bundleOf(3), byWorkflow(WORKFLOW), { root: stack.trustedRootPath, cosign: nowhere() });
    expectRefusal(r, EXIT.TOOL_MISSING, /GHCR_BLOB_COSIGN .*no-such-cosign: not an executable file/);
    expect(r.stderr).toMatch(/^hint: install cosign/m);
  });

  it('--engine both with no cosign on PATH: tool missing', async () => {
    const emptyBin = freshCliDirs().cwd;
    const r = await verify(file, bundleOf(2), byWorkflow(WORKFLOW), {
      root: stack.trustedRootPath,
      cosign: null,
      env: { PATH: emptyBin },
      extra: ['--engine', 'both'],
    });
    expectRefusal(r, EXIT.TOOL_MISSING, /cosign not found on PATH/);
  });
});

describe.concurrent('sign refuses a bundle path it cannot safely write, before any signing', () => {
  const rows: Array<[string, (cwd: string) => string[], RegExp]> = [
    // Spelled differently on purpose: the check must compare resolved paths, not strings.
    [
      'the signed file itself (--bundle bundles/../report.json --force)',
      (cwd) => ['--bundle', join(cwd, 'bundles', '..', 'report.json'), '--force'],
      /report\.json/,
    ],
    ['a folder that does not exist', (cwd) => ['--bundle', join(cwd, 'no-such-folder', 'b.json')], /no-such-folder/],
  ];
  it.each(rows)('%s: usage error, file untouched, nothing written', async (_name, bundleArgs, names) => {
    const w = freshCliDirs();
    mkdirSync(join(w.cwd, 'bundles'));
    const precious = join(w.cwd, 'report.json');
    writeFileSync(precious, 'precious bytes\n');
    const requests = stack.requests.length;
    const r = await sign(precious, { gen: 3, stack, token, dirs: w, extra: bundleArgs(w.cwd) });
    expect(readFileSync(precious, 'utf8')).toBe('precious bytes\n');
    expectRefusal(r, EXIT.USAGE, names, [token]);
    expect(readdirSync(w.cwd).sort()).toEqual(['bundles', 'report.json']);
    expect(stack.requests.length).toBe(requests); // cosign never reached Fulcio
  });
});

it('refuses to replace an existing bundle without --force, before reading any token', async () => {
  const before = readFileSync(bundleOf(3));
  const requests = stack.requests.length;
  const r = await sign(file, { gen: 3, stack, token, dirs });
  expectRefusal(r, EXIT.USAGE, /report\.json\.sigstore\.json already exists/, [token]);
  expect(r.stderr).toMatch(/^hint: pass --force/m);
  expect(readFileSync(bundleOf(3))).toEqual(before);
  expect(stack.requests.length).toBe(requests);
});
