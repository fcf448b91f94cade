// Trust that works offline and in locked-down runners (issue 19): `trust fetch` against a TUF
// repository on loopback (the public one is out of reach here, so --tuf-mirror/--tuf-root), a TUF
// cache that cannot be written, and the advisories of the tools in use.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, env, freshCliDirs, run, shQuote, trustFlags, useKit, writeScript } from '../support/kit.js';
import { REPO_ROOT } from '../support/tools.js';
import { startTufRepo, type TufRepo } from '../support/tuf-repo.js';

const TRUSTED_ROOT = readFileSync(
  join(REPO_ROOT, 'test/unit/verify/fixtures/github-staging-trusted-root.json'),
  'utf8',
);

const ANY_SIGNER = [
  '--certificate-identity',
  'https://example.com/me',
  '--certificate-oidc-issuer',
  'https://example.com',
];

const kit = useKit({ sigstore: true });
let repo: TufRepo;
let other: TufRepo;
beforeAll(async () => {
  [repo, other] = await Promise.all([
    startTufRepo({ 'trusted_root.json': TRUSTED_ROOT }),
    startTufRepo({ 'trusted_root.json': TRUSTED_ROOT }),
  ]);
});
afterAll(async () => {
  await Promise.all([repo?.close(), other?.close()]);
});

/** A folder with the initial root of `r` in it, and where the output and cache go. */
function workspace(r: TufRepo) {
  const dirs = freshCliDirs();
  const rootPath = join(dirs.cwd, 'root.json');
  writeFileSync(rootPath, r.rootJson);
  return { dirs, rootPath, out: join(dirs.cwd, 'trusted_root.json'), cache: join(dirs.cwd, 'tuf-cache') };
}

const fetchArgs = (w: ReturnType<typeof workspace>, mirror: string) => [
  'trust',
  'fetch',
  '-o',
  w.out,
  '--tuf-mirror',
  mirror,
  '--tuf-root',
  w.rootPath,
  '--tuf-cache',
  w.cache,
];

describe('trust fetch', () => {
  it('writes the trusted root the TUF repository signed (0644, --json), and refreshes it in place', async () => {
    const w = workspace(repo);
    const r = await run([...fetchArgs(w, repo.url), '--json'], { cwd: w.dirs.cwd, home: w.dirs.home });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(readFileSync(w.out, 'utf8')).toBe(TRUSTED_ROOT);
    expect(statSync(w.out).mode & 0o777).toBe(0o644);
    expect(r.json).toMatchObject({ path: w.out, mirror: repo.url, certificateAuthorities: expect.any(Number) });
    expect(repo.requests).toEqual(expect.arrayContaining(['/timestamp.json', '/targets/trusted_root.json']));
    expect(r.left).toEqual([]);
    // The cache went where --tuf-cache said, not under HOME.
    expect(existsSync(join(w.cache, 'sigstore-js'))).toBe(true);

    writeFileSync(w.out, 'stale');
    const again = await run(fetchArgs(w, repo.url), { cwd: w.dirs.cwd, home: w.dirs.home });
    expect(again.exitCode, again.stderr).toBe(EXIT.OK);
    expect(readFileSync(w.out, 'utf8')).toBe(TRUSTED_ROOT);
    expect(again.stdout).toMatch(/^Wrote .*trusted_root\.json/);
  });

  it('the written file serves as --trusted-root (doctor accepts it)', async () => {
    const w = workspace(repo);
    const r = await run(fetchArgs(w, repo.url), { cwd: w.dirs.cwd, home: w.dirs.home });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    const d = await run(['doctor', '--trusted-root', w.out], { env: env({ gen: 'sid' }) });
    expect(d.stdout).toMatch(/^✓ sigstore-trust: trusted root .* is valid/m);
  });

  it('metadata signed by another key than --tuf-root: exit 3, nothing written', async () => {
    const w = workspace(other); // the root of another repository
    const r = await run(fetchArgs(w, repo.url), { cwd: w.dirs.cwd, home: w.dirs.home });
    expect(r.exitCode, r.stderr).toBe(EXIT.VERIFICATION_FAILED);
    expect(r.stderr).toMatch(/^error: the TUF metadata from .* did not verify/m);
    expect(existsSync(w.out)).toBe(false);
    expect(r.left).toEqual([]);
  });

  it('a mirror nobody answers at: exit 7 with a network hint, nothing written', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const w = workspace(repo);
    const r = await run(fetchArgs(w, `http://127.0.0.1:${closed}`), { cwd: w.dirs.cwd, home: w.dirs.home });
    expect(r.exitCode, r.stderr).toBe(EXIT.REGISTRY_UNREACHABLE);
    expect(r.stderr).toMatch(/^hint: check network access to http:\/\/127\.0\.0\.1:\d+/m);
    expect(existsSync(w.out)).toBe(false);
  });

  it('a private mirror without --tuf-root (and nothing cached): exit 2 naming --tuf-root', async () => {
    const w = workspace(repo);
    const r = await run(['trust', 'fetch', '-o', w.out, '--tuf-mirror', repo.url, '--tuf-cache', w.cache], {
      cwd: w.dirs.cwd,
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/^hint: pass --tuf-root FILE/m);
    expect(existsSync(w.out)).toBe(false);
  });
});

describe('--tuf-cache', () => {
  it('puts both clients under one folder: cosign is run with TUF_ROOT=DIR/cosign', async () => {
    const dirs = freshCliDirs();
    const seen = join(dirs.cwd, 'tuf-root-seen');
    // A stand-in cosign that records the TUF_ROOT it was given and passes detection as cosign 3.
    const cosign = writeScript(
      join(dirs.cwd, 'cosign'),
      `printf '%s\\n' "$TUF_ROOT" >> ${shQuote(seen)}\necho '--identity-token --signing-config'`,
    );
    const cache = join(dirs.cwd, 'cache');
    const r = await run(['verify', '/etc/hostname', '--bundle', '/etc/hostname', ...ANY_SIGNER, '--tuf-cache', cache], {
      home: dirs.home,
      env: env({ gen: 'sid', cosign }, { GHCR_BLOB_TIMEOUT: '5s' }),
    });
    // Public-good is out of reach here: the run ends at the network, after cosign was found.
    expect(r.exitCode, r.stderr).toBe(EXIT.REGISTRY_UNREACHABLE);
    expect(readFileSync(seen, 'utf8')).toBe(`${join(cache, 'cosign')}\n`);
    expect(existsSync(join(dirs.home, '.sigstore'))).toBe(false);
  });
});

// Tests may run as root, which write permissions do not stop: a HOME below a regular file cannot
// be written by anyone, and stands for a read-only HOME.
describe('a TUF cache that cannot be written', () => {
  function unwritableHome(): string {
    const dirs = freshCliDirs();
    const file = join(dirs.home, 'not-a-folder');
    writeFileSync(file, '');
    return join(file, 'home');
  }

  it.each([
    ['trust fetch', ['trust', 'fetch', '-o', 'trusted_root.json']],
    ['verify (public-good trust)', ['verify', '/etc/hostname', '--bundle', '/etc/hostname', ...ANY_SIGNER]],
    ['pull --verify', ['pull', 'localhost:1/octo/x:v1', '-o', 'out', '--verify', ...ANY_SIGNER]],
  ])('%s: exit 2 naming the folder, --tuf-cache and GHCR_BLOB_TUF_CACHE; nothing written', async (_name, args) => {
    const home = unwritableHome();
    const r = await run(args, { home, env: env({ gen: 'sid' }) });
    expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/^error: the Sigstore TUF cache folder \S+not-a-folder\/home\/\S+ cannot be written/m);
    expect(r.stderr).toMatch(/^hint: pass --tuf-cache DIR or set GHCR_BLOB_TUF_CACHE=DIR/m);
    expect(r.stderr).not.toMatch(/EACCES|\n {4}at /);
    expect(r.left).toEqual([]);
    expect(existsSync(join(r.cwd, 'trusted_root.json'))).toBe(false);
  });

  it('GHCR_BLOB_TUF_CACHE below a file: the error names the variable', async () => {
    const dirs = freshCliDirs();
    writeFileSync(join(dirs.cwd, 'file'), '');
    const r = await run(['trust', 'fetch', '-o', 'tr.json'], {
      cwd: dirs.cwd,
      env: { GHCR_BLOB_TUF_CACHE: join(dirs.cwd, 'file', 'cache') },
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/cannot be written .*file is not a folder/);
    expect(r.stderr).toMatch(/\(from GHCR_BLOB_TUF_CACHE\)/);
  });
});

describe('advisories of the tools in use', () => {
  it('doctor with trixie tools (oras 1.2.0, cosign 2.5): a ! line per tool naming the fix, never a failure', async () => {
    const r = await run(['doctor', ...trustFlags(kit.stack), '--json'], { env: env({ gen: 'trixie' }) });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    const checks = r.json.checks as { name: string; ok: boolean; warning?: boolean; fix?: string; notes?: string[] }[];
    const oras = checks.find((c) => c.name === 'oras-advisories');
    expect(oras).toMatchObject({ ok: true, warning: true, fix: 'upgrade oras to 1.3.4 or later' });
    expect(oras?.notes?.join('\n')).toContain('GHSA-xf85-363p-868w');
    const cosign = checks.find((c) => c.name === 'cosign-advisories');
    expect(cosign).toMatchObject({ ok: true, warning: true, fix: 'upgrade cosign to 3.1.3 or later' });
    expect(cosign?.notes?.join('\n')).toMatch(/GHSA-fx35-mq7g-6g98 .*neutralised/);
    expect(r.json.warnings).toEqual([
      expect.stringMatching(/^warning: oras 1\.2\.0 is affected by \d+ published advisories .*upgrade oras to 1\.3\.4/),
      expect.stringMatching(/^warning: cosign 2 \(version not reported\) is affected by 1 published advisory/),
    ]);
    expect(r.stderr).toMatch(/^warning: oras 1\.2\.0 /m);

    const human = await run(['doctor', ...trustFlags(kit.stack)], { env: env({ gen: 'trixie' }) });
    expect(human.stdout).toMatch(/^! oras-advisories: oras 1\.2\.0 is affected by/m);
    expect(human.stdout).toMatch(/^ {4}fix: upgrade oras to 1\.3\.4 or later$/m);
  });

  it('under GitHub Actions the warning is a ::warning:: annotation', async () => {
    const r = await run(['doctor', ...trustFlags(kit.stack)], {
      env: env({ gen: 'trixie' }, { GITHUB_ACTIONS: 'true' }),
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(r.stderr).toMatch(/^::warning title=ghcr-blob::oras 1\.2\.0 is affected by/m);
  });

  it('a command reading without credentials with oras 1.2.0 warns once; with credentials it does not', async () => {
    const ref = `${kit.reg.host}/octo/advisory:v1`;
    const anonymous = await run(['pull', ref, '-o', 'out'], { env: env({ gen: 'trixie' }) });
    expect(anonymous.exitCode).not.toBe(EXIT.OK); // the registry wants credentials: 401
    expect(anonymous.stderr.match(/GHSA-xf85-363p-868w/g)).toHaveLength(1);
    expect(anonymous.stderr).toMatch(/^warning: oras 1\.2\.0 has .*fixed in oras 1\.3\.3$/m);

    const withToken = await run(['pull', ref, '-o', 'out', '-u', kit.reg.username], {
      env: env({ gen: 'trixie', token: kit.reg.password }),
    });
    expect(withToken.stderr).not.toContain('GHSA-');
  });
});
