// What a script relies on (issue 19): every --json document carries schemaVersion, a failure under
// --json is JSON on stdout too (with the exit code it exits with), `verify --json` says
// verified:false, `--version --json` names the tools; `pull -o -` puts the file's bytes on stdout
// only once they are checked and verified, and `--output-file` names the file itself.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXIT,
  freshCliDirs,
  listFilesRecursive,
  release,
  policyFor,
  run,
  useKit,
  env as toolEnv,
} from '../support/kit.js';

/** Every byte value, and more than one pipe buffer's worth. */
const BYTES = Buffer.concat(Array.from({ length: 300 }, () => Buffer.from(Array.from({ length: 256 }, (_, i) => i))));

describe('pull -o - and --output-file', () => {
  const kit = useKit({ gen: 'sid', sigstore: true });
  let ref: string;
  beforeAll(async () => {
    ref = kit.ref('bin');
    const pushed = await kit.push(ref, kit.file(BYTES, 'data.bin'), { sign: true });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
  });

  it('-o - --verify: the exact bytes on stdout, messages on stderr, nothing in cwd or TMPDIR', async () => {
    const r = await kit.pull(ref, { out: '-', verify: true, binaryStdout: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdoutBytes!.equals(BYTES)).toBe(true);
    expect(r.stderr).toMatch(/^Verified: signed by /m);
    expect(r.stderr).toMatch(/→ stdout$/m);
    expect(readdirSync(r.cwd)).toEqual([]);
    expect(r.landed).toBeNull();
    expect(r.left).toEqual([]);
  });

  it('-o - with a failing verification: not one byte on stdout, exit 3, nothing left', async () => {
    const other = policyFor(release({ repository: 'octo/other' }));
    const r = await kit.pull(ref, { out: '-', verify: other, binaryStdout: true });
    expect(r.exitCode, r.stderr).toBe(EXIT.VERIFICATION_FAILED);
    expect(r.stdoutBytes!.length).toBe(0);
    expect(r.stderr).toMatch(/^error: /m);
    expect(readdirSync(r.cwd)).toEqual([]);
    expect(r.left).toEqual([]);
  });

  it('-o - with --json is a usage error (both would be stdout), as JSON, before any download', async () => {
    const r = await kit.pull(ref, { out: '-', json: true });
    expect(r.exitCode).toBe(EXIT.USAGE);
    expect(r.json).toMatchObject({ schemaVersion: 1, error: { code: 'USAGE', exitCode: 2 } });
    expect(r.json.error.message).toMatch(/--json and -o - would both write to stdout/);
    expect(readdirSync(r.cwd)).toEqual([]);
  });

  it('--output-file names the file itself (folders made), and refuses to replace one without --force', async () => {
    const { cwd } = freshCliDirs();
    const target = join(cwd, 'sub', 'mine.bin');
    const first = await kit.pull(ref, { out: cwd, verify: true, extra: ['--output-file', target, '--json'] });
    // kit.pull always passes -o; --output-file with -o is refused, saying which to give.
    expect(first.exitCode).toBe(EXIT.USAGE);
    expect(first.json.error.message).toMatch(/--output-file .* does not go with -o/);
    expect(listFilesRecursive(cwd)).toEqual([]);

    const pull = (extra: string[] = []) =>
      run(['pull', ref, '--output-file', target, '-u', kit.reg.username, '--json', ...extra], { env: kit.env() });
    const ok = await pull();
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(readFileSync(target).equals(BYTES)).toBe(true);
    expect(ok.json).toMatchObject({ schemaVersion: 1, file: { path: target, name: 'mine.bin' } });
    expect(listFilesRecursive(cwd)).toEqual(['sub/mine.bin']);

    writeFileSync(target, 'mine, not yours');
    const again = await pull();
    expect(again.exitCode).toBe(EXIT.USAGE);
    expect(again.json.error).toMatchObject({ code: 'USAGE', hints: ['pass --force to replace it'] });
    expect(readFileSync(target, 'utf8')).toBe('mine, not yours');
    expect(listFilesRecursive(cwd)).toEqual(['sub/mine.bin']);
    const forced = await pull(['--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(target).equals(BYTES)).toBe(true);
  });

  it('a failure under --json is one JSON document on stdout with the exit code it exits with', async () => {
    const r = await kit.pull(kit.ref('no-such-tag'), { json: true });
    expect(r.exitCode).toBe(EXIT.NOT_FOUND);
    expect(r.json).toMatchObject({ schemaVersion: 1, error: { code: 'NOT_FOUND', exitCode: EXIT.NOT_FOUND } });
    expect(typeof r.json.error.message).toBe('string');
    expect(Array.isArray(r.json.error.hints)).toBe(true);
    expect(r.stderr).toMatch(/^error: /m); // and the human error still on stderr
    expect(r.landed).toBeNull();
  });

  it('verify --json that fails says verified:false with the reasons, and exits 3', async () => {
    const r = await kit.verify(ref, { json: true, policy: policyFor(release({ ref: 'refs/tags/v9' })) });
    expect(r.exitCode).toBe(EXIT.VERIFICATION_FAILED);
    expect(r.json).toMatchObject({
      schemaVersion: 1,
      verified: false,
      error: { code: 'VERIFICATION_FAILED', exitCode: EXIT.VERIFICATION_FAILED },
    });
    expect(r.json.reasons.length).toBeGreaterThan(0);
    expect(r.json.reasons[0]).toBe(r.json.error.message);
  });

  it('every successful --json document carries schemaVersion 1', async () => {
    const r = await kit.verify(ref, { json: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ schemaVersion: 1, verification: { verified: true } });
  });
});

describe('errors under --json without a registry', () => {
  it('an unknown flag: USAGE as JSON, exit 2', async () => {
    const r = await run(['push', '--no-such-flag', '--json']);
    expect(r.exitCode).toBe(EXIT.USAGE);
    expect(r.json).toEqual({
      schemaVersion: 1,
      error: { code: 'USAGE', exitCode: 2, message: "unknown option '--no-such-flag'", hints: [] },
    });
  });

  it('doctor --json that fails prints its checks once (one document), and exits non-zero', async () => {
    const r = await run(['doctor', '--json'], {
      env: { GHCR_BLOB_ORAS: '/nonexistent/oras', GHCR_BLOB_COSIGN: '/nonexistent/cosign' },
    });
    expect(r.exitCode).toBe(EXIT.TOOL_MISSING);
    expect(r.json).toMatchObject({ schemaVersion: 1, ok: false });
  });
});

describe('--version --json', () => {
  it('names ghcr-blob, Node, and the oras and cosign found', async () => {
    const r = await run(['--version', '--json'], { env: toolEnv({ gen: 'sid' }) });
    expect(r.exitCode, r.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(r.json).toMatchObject({
      schemaVersion: 1,
      ghcrBlob: pkg.version,
      node: process.versions.node,
      oras: { version: expect.stringMatching(/^\d+\.\d+\.\d+$/), generation: '1.3' },
      cosign: { generation: 3 },
    });
  });

  it('a missing tool is null with the reason, and still exit 0', async () => {
    const r = await run(['--version', '--json'], {
      env: { GHCR_BLOB_ORAS: '/nonexistent/oras', GHCR_BLOB_COSIGN: '/nonexistent/cosign' },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json.oras).toEqual({ version: null, reason: expect.stringContaining('/nonexistent/oras') });
    expect(r.json.cosign.version).toBeNull();
  });

  it('plain --version is still the bare version', async () => {
    const r = await run(['--version']);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+$/); // execa drops the final newline
  });
});
