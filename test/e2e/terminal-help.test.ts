// For people at a terminal (issue 11): help that fits 80 columns and tells what the environment,
// exit codes and first commands are; `verify FILE` finding the bundle `sign` wrote next to it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SigstoreStack } from '../support/sigstore/index.js';
import {
  cosignPath,
  freshCliDirs,
  policyFor,
  RELEASE,
  RELEASE_SAN as SAN,
  run,
  signedFixture,
  trustFlags,
  useKit,
} from '../support/kit.js';

describe('help', () => {
  it.each(['', 'push', 'pull', 'sign', 'verify', 'doctor', 'ls', 'inspect', 'trust', 'completion', 'help'])(
    '%s --help: every line fits 80 columns',
    async (cmd) => {
      const r = await run([...(cmd ? [cmd] : []), '--help']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.split('\n').filter((l) => [...l].length > 80)).toEqual([]);
    },
  );

  it('the top level lists environment variables, exit codes and examples', async () => {
    const r = await run(['--help']);
    expect(r.stdout).toMatch(/^Environment:\n {2}GHCR_TOKEN, GITHUB_TOKEN /m);
    expect(r.stdout).toMatch(/^Exit codes:\n {2}0 ok {3}1 internal error {3}2 usage {3}3 verification failed/m);
    expect(r.stdout).toMatch(/^Examples:\n {2}ghcr-blob doctor$/m);
    expect(r.stdout).toMatch(/^ {2}doctor \[options\] \[ref\]/m);
  });
});

describe('verify FILE without --bundle', () => {
  const kit = useKit({ registry: false, sigstore: true });
  let stack: SigstoreStack;
  beforeAll(() => {
    stack = kit.stack;
  });
  const policy = () => [...policyFor(RELEASE), ...trustFlags(stack)];

  it('uses FILE.sigstore.json, where sign writes by default', async () => {
    const { file } = await signedFixture(stack, 3, 'next to it\n');
    const r = await run(['verify', 'report.json', ...policy(), '--json'], {
      cwd: join(file, '..'),
      env: { GHCR_BLOB_COSIGN: cosignPath(3) },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, identity: SAN });
  });

  it('a local file with no bundle next to it: usage error naming the bundle it looked for', async () => {
    const cwd = freshCliDirs().cwd;
    writeFileSync(join(cwd, 'report.json'), 'unsigned\n');
    const r = await run(['verify', 'report.json', ...policy()], { cwd, env: { GHCR_BLOB_COSIGN: cosignPath(3) } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^error: report\.json is a local file and report\.json\.sigstore\.json does not exist\nhint: pass its bundle with --bundle PATH/m,
    );
    expect(r.stdout).toBe('');
  });
});
