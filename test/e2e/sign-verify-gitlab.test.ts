// Keyless signing from GitLab CI (issue 16): the job's token in SIGSTORE_ID_TOKEN, read by
// ghcr-blob in-process and handed to cosign only through the FIFO; certificates shaped as real
// Fulcio makes them for GitLab (SAN https://gitlab.com/GROUP/PROJECT//PATH@REF, issuer
// https://gitlab.com); --gitlab-pipeline and URL --source-repository policies, and their near misses.
// Real cosign 2 and 3 against the local Sigstore stack.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContainingString, freshCliDirs, runCli } from '../support/cli.js';
import { leaksIn, leaksInText } from '../support/leaks.js';
import { recordingStandIn, type StandIn } from '../support/stand-in.js';
import { startSigstoreStack, type GitLabTokenClaims, type SigstoreStack } from '../support/sigstore/index.js';
import { EXIT, GENS, cosignPath, expectRefusal, verify, type Gen } from '../support/kit.js';

const JOB: GitLabTokenClaims = { projectPath: 'octo/platform/tools', ref: 'refs/tags/v1.2.0' };
const PIPELINE = 'octo/platform/tools//.gitlab-ci.yml@refs/tags/v1.2.0';
/** Written out, not derived: what real Fulcio gives this job (https:// + ci_config_ref_uri). */
const SAN = 'https://gitlab.com/octo/platform/tools//.gitlab-ci.yml@refs/tags/v1.2.0';
const ISSUER = 'https://gitlab.com';

let stack: SigstoreStack;

beforeAll(async () => {
  stack = await startSigstoreStack();
});
afterAll(async () => {
  await stack?.close();
});

/** `ghcr-blob sign FILE` with the token in SIGSTORE_ID_TOKEN, as a GitLab job has it. */
async function signAsGitLab(gen: Gen, claims: GitLabTokenClaims, o: { cosign?: string; extra?: string[] } = {}) {
  const dirs = freshCliDirs();
  const file = join(dirs.cwd, 'report.json');
  writeFileSync(file, `{"built by":${JSON.stringify(claims.projectPath)}}\n`);
  const token = await stack.mintGitLabToken(claims);
  const r = await runCli(
    [
      'sign',
      file,
      ...(o.extra ?? ['--signing-config', stack.signingConfigPath]),
      '--trusted-root',
      stack.trustedRootPath,
      '--json',
      '--debug',
    ],
    { ...dirs, env: { GHCR_BLOB_COSIGN: o.cosign ?? cosignPath(gen), SIGSTORE_ID_TOKEN: token } },
  );
  return { r, file, bundle: `${file}.sigstore.json`, token, dirs };
}

describe.each(GENS)('cosign %i: a GitLab job signs with SIGSTORE_ID_TOKEN', (gen) => {
  let signed: Awaited<ReturnType<typeof signAsGitLab>>;
  let cosign: StandIn;

  beforeAll(async () => {
    cosign = recordingStandIn('cosign', cosignPath(gen));
    signed = await signAsGitLab(gen, JOB, { cosign: cosign.path });
  });

  it('signs; the token reached cosign only through the FIFO (never argv, env, output or a file)', () => {
    expect(signed.r.exitCode, signed.r.stderr).toBe(EXIT.OK);
    expect(JSON.parse(signed.r.stdout)).toMatchObject({ identity: SAN, issuer: ISSUER });
    const signing = cosign.invocations().filter((i) => i.args[0] === 'sign-blob' && i.args.includes('--bundle'));
    expect(signing).toHaveLength(1);
    expect(signing[0]?.args[signing[0].args.indexOf('--identity-token') + 1]).toMatch(/^\/.*\/token$/);
    const check = { secrets: [signed.token], forbiddenDirs: [signed.dirs.home, signed.dirs.dockerConfig] };
    expect(leaksIn(cosign.invocations(), check)).toEqual([]);
    expect(cosign.invocations().every((i) => !('SIGSTORE_ID_TOKEN' in i.env))).toBe(true);
    expect(leaksInText(signed.r.stdout + signed.r.stderr, check)).toEqual([]);
    for (const dir of Object.values(signed.dirs)) expect(filesContainingString(dir, signed.token)).toEqual([]);
  });

  it('--gitlab-pipeline verifies it with both verifiers', async () => {
    const r = await verify(signed.file, signed.bundle, ['--gitlab-pipeline', PIPELINE], {
      root: stack.trustedRootPath,
      gen,
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(JSON.parse(r.stdout)).toMatchObject({
      identity: SAN,
      issuer: ISSUER,
      repository: 'https://gitlab.com/octo/platform/tools',
      ref: 'refs/tags/v1.2.0',
      runnerEnvironment: 'gitlab-hosted',
      verifiers: ['sigstore-js', `cosign ${gen}`],
    });
  });

  it('--source-repository as a URL (nested groups), --source-ref and --deny-self-hosted-runners add to it', async () => {
    const policy = [
      '--gitlab-pipeline',
      PIPELINE,
      '--source-repository',
      'https://gitlab.com/octo/platform/tools',
      '--source-ref',
      'refs/tags/v1.2.0',
      '--deny-self-hosted-runners',
    ];
    const r = await verify(signed.file, signed.bundle, policy, { root: stack.trustedRootPath, gen });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
  });

  it('exact --certificate-identity + --certificate-oidc-issuer work as for any provider', async () => {
    const policy = ['--certificate-identity', SAN, '--certificate-oidc-issuer', ISSUER];
    const r = await verify(signed.file, signed.bundle, policy, { root: stack.trustedRootPath, gen });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
  });
});

describe.concurrent('near misses are refused (exit 3), by both verifiers', () => {
  const rows: Array<[string, GitLabTokenClaims, string[], RegExp]> = [
    [
      'another project',
      { ...JOB, projectPath: 'octo/platform/tools-evil' },
      ['--gitlab-pipeline', PIPELINE],
      /identity \(SAN\)/,
    ],
    [
      'a SAN without the `//`',
      { ...JOB, ciConfigRefUri: 'gitlab.com/octo/platform/tools/.gitlab-ci.yml@refs/tags/v1.2.0' },
      ['--gitlab-pipeline', PIPELINE],
      /identity \(SAN\)/,
    ],
    ['another ref', { ...JOB, ref: 'refs/heads/main' }, ['--gitlab-pipeline', PIPELINE], /identity \(SAN\)/],
    [
      'gitlab.com.evil',
      { ...JOB, host: 'gitlab.com.evil' },
      ['--gitlab-pipeline', PIPELINE],
      /identity \(SAN\) and OIDC issuer/,
    ],
    [
      'a self-hosted runner',
      { ...JOB, runnerEnvironment: 'self-hosted' },
      ['--gitlab-pipeline', PIPELINE, '--deny-self-hosted-runners'],
      /runner environment[^]*expected runner environment: "gitlab-hosted"/,
    ],
    [
      'another repository URL',
      JOB,
      ['--gitlab-pipeline', PIPELINE, '--source-repository', 'https://gitlab.com/octo/platform/tool'],
      /source repository/,
    ],
  ];
  it.each(rows)('%s', async (_name, claims, policy, check) => {
    const s = await signAsGitLab(3, claims);
    expect(s.r.exitCode, s.r.stderr).toBe(EXIT.OK);
    const r = await verify(s.file, s.bundle, policy, { root: stack.trustedRootPath, gen: 3 });
    expectRefusal(r, EXIT.VERIFICATION_FAILED, check);
  });

  it('a policy without the `//` is a usage error before anything is read', async () => {
    const s = await signAsGitLab(3, JOB);
    const r = await verify(
      s.file,
      s.bundle,
      ['--gitlab-pipeline', 'octo/platform/tools/.gitlab-ci.yml@refs/tags/v1.2.0'],
      { root: stack.trustedRootPath, gen: 3 },
    );
    expectRefusal(r, EXIT.USAGE, /--gitlab-pipeline .*no `\/\/` between the project and its CI config file/);
  });
});

describe('a private GitLab project', () => {
  it('is refused for the public-good log (exit 2, nothing contacted, no bundle), as a private GitHub repository is', async () => {
    const before = stack.requests.length;
    const s = await signAsGitLab(3, { ...JOB, projectVisibility: 'private' }, { extra: [] });
    expectRefusal(
      s.r,
      EXIT.USAGE,
      /refusing to sign from private repository octo\/platform\/tools to the public transparency log/,
      [s.token],
    );
    expect(s.r.stderr).toMatch(/^hint: pass --allow-public-log/m);
    expect(stack.requests.length).toBe(before);
    expect(readdirSync(s.dirs.cwd)).toEqual(['report.json']);
  });

  it('signs to a private Sigstore (--signing-config names another log)', async () => {
    const s = await signAsGitLab(3, { ...JOB, projectVisibility: 'private' });
    expect(s.r.exitCode, s.r.stderr).toBe(EXIT.OK);
  });
});
