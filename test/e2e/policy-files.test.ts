// Policies people keep (issue 19): `--policy FILE` (YAML or JSON) and GHCR_BLOB_POLICY name several
// accepted signers, any one of whom may sign, optionally per repository. Real oras and cosign (both
// generations), a real registry, the local Sigstore stack: the second signer matching is accepted and
// named; none matching is exit 3 with nothing landed or left; flags and the environment compose as
// README says.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cosignPath,
  EXIT,
  expectCleanFailure,
  freshCliDirs,
  GITHUB_ISSUER,
  RELEASE,
  RELEASE_SAN,
  runCli,
  signingFlags,
  useKit,
  workflowSpec,
} from '../support/kit.js';
import { GENERATIONS, type Generation } from '../support/tools.js';

const OTHER = 'octo/other/.github/workflows/release.yml@refs/tags/v1.2.0';

/** Two signers; the second is the release job that signs in these tests. */
const TWO_YAML = `# who may sign our releases
signers:
  - githubWorkflow: ${OTHER}
  - githubWorkflow: ${workflowSpec(RELEASE)}
    sourceRef: ${RELEASE.ref}
`;
const TWO_JSON = JSON.stringify({
  signers: [{ githubWorkflow: OTHER }, { githubWorkflow: workflowSpec(RELEASE), sourceRef: RELEASE.ref }],
});
/** Nobody who signed: another workflow, and the right SAN from the wrong issuer. */
const NONE_YAML = `signers:
  - githubWorkflow: ${OTHER}
  - certificateIdentity: ${RELEASE_SAN}
    certificateOidcIssuer: https://gitlab.com
`;

function policyFile(text: string, name = 'policy.yaml'): string {
  const path = join(freshCliDirs().cwd, name);
  writeFileSync(path, text);
  return path;
}

describe.each(GENERATIONS)('policy files with oras and cosign from %s', (gen: Generation) => {
  const kit = useKit({ gen, sigstore: true });
  let ref: string;
  let file: string;

  beforeAll(async () => {
    ref = kit.ref('v1');
    const pushed = await kit.push(ref, kit.file('{"release":"v1.2.0"}\n'), { sign: true });
    expect(pushed.exitCode, pushed.stderr).toBe(EXIT.OK);
    file = kit.file('{"local":"report"}\n');
    const signed = await kit.sign(file);
    expect(signed.exitCode, signed.stderr).toBe(EXIT.OK);
  });

  it('pull --verify --policy YAML: the second signer matches, the file lands, and the result names that signer', async () => {
    const path = policyFile(TWO_YAML);
    const r = await kit.pull(ref, { verify: ['--policy', path], json: true });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(r.landed).toEqual(['report.json']);
    expect(r.left).toEqual([]);
    expect(r.json.verification.identity).toBe(RELEASE_SAN);
    expect(r.json.verification.signer).toEqual({
      index: 2,
      entry: 'signers[1]',
      policyFile: path,
      policy: `identity "${RELEASE_SAN}", issuer "${GITHUB_ISSUER}", source ref "${RELEASE.ref}"`,
    });
    expect(r.stderr).toContain(`accepted as signers[1] of ${path}`);
  });

  it('verify REF --policy JSON: the same policy, the same signer', async () => {
    const path = policyFile(TWO_JSON, 'policy.json');
    const r = await kit.verify(ref, { policy: ['--policy', path], json: true });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(r.json.verification.signer).toMatchObject({ index: 2, entry: 'signers[1]', policyFile: path });
  });

  it('GHCR_BLOB_POLICY names the policy when the command line names no signer (a local file and its bundle)', async () => {
    const path = policyFile(TWO_YAML);
    const r = await kit.verify(file, { policy: [], json: true, env: { GHCR_BLOB_POLICY: path } });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(r.json.signer).toMatchObject({ index: 2, policyFile: path });
  });

  it('no signer matches: exit 3, each signer and why, nothing landed or left', async () => {
    const path = policyFile(NONE_YAML);
    const r = await kit.pull(ref, { verify: ['--policy', path] });
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, kit.secrets());
    expect(r.landed).toBeNull();
    expect(r.left).toEqual([]);
    expect(r.stderr).toMatch(/none matches the policy \(any of 2 signers of .*policy\.yaml\)/);
    expect(r.stderr).toMatch(
      /signer 1 \(signers\[0\] of .*\): the certificate's identity is https:\/\/github\.com\/octo\/tools\//,
    );
    expect(r.stderr).toMatch(/signer 2 \(signers\[1\] of .*\): the certificate's issuer is https:\/\/token\.actions/);
  });

  it('signer flags replace GHCR_BLOB_POLICY whole: a policy that would accept is not consulted', async () => {
    const r = await kit.pull(ref, {
      verify: ['--github-workflow', OTHER],
      env: { GHCR_BLOB_POLICY: policyFile(TWO_YAML) },
    });
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, kit.secrets());
    expect(r.landed).toBeNull();
    expect(r.stderr).toContain('GHCR_BLOB_POLICY is not used: the command line names the signer');
  });

  it('--policy beside a signer flag: exit 2 before anything is fetched', async () => {
    const r = await kit.pull(ref, { verify: ['--policy', policyFile(TWO_YAML), '--source-ref', RELEASE.ref] });
    expectCleanFailure(r, EXIT.USAGE, kit.secrets());
    expect(r.stderr).toMatch(/--policy and --source-ref conflict/);
    expect(r.landed).toBeNull();
  });

  it('per repository: the matching rule accepts; a repository no rule names is exit 3, nothing landed', async () => {
    const host = kit.reg.host;
    const rules = (match: string) =>
      `repositories:\n  - match: ${match}\n    signers:\n      - githubWorkflow: ${workflowSpec(RELEASE)}\n`;
    const ok = await kit.pull(ref, { verify: ['--policy', policyFile(rules(`${host}/octo/*`))] });
    expect(ok.exitCode, ok.stderr).toBe(EXIT.OK);
    expect(ok.landed).toEqual(['report.json']);
    const other = await kit.pull(ref, { verify: ['--policy', policyFile(rules(`${host}/octo/app-*`))] });
    expectCleanFailure(other, EXIT.VERIFICATION_FAILED, kit.secrets());
    expect(other.stderr).toMatch(/accepts no signer for localhost:\d+\/octo\/app/);
    expect(other.landed).toBeNull();
    expect(other.left).toEqual([]);
  });
});

describe('a key signer in a policy file (cosign 3)', () => {
  const kit = useKit({ gen: 'sid', sigstore: true, registry: false });
  const password = `pw-${randomBytes(8).toString('hex')}`;
  let keyDir: string;
  let file: string;

  beforeAll(async () => {
    keyDir = freshCliDirs().cwd;
    // The test's own setup: cosign takes a new key's password from COSIGN_PASSWORD.
    await execa(cosignPath(3), ['generate-key-pair', '--output-key-prefix', 'release'], {
      cwd: keyDir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: keyDir, COSIGN_PASSWORD: password },
      extendEnv: false,
    });
    file = kit.file('{"signed with":"a key"}\n');
    const signed = await runCli(
      ['sign', file, '--key', join(keyDir, 'release.key'), '--key-password-stdin', ...signingFlags(kit.stack)],
      { stdin: `${password}\n`, env: kit.env() },
    );
    expect(signed.exitCode, signed.stderr).toBe(EXIT.OK);
  });

  it("`key: ./release.pub` is the policy file's neighbour: the key signer after an identity signer accepts", async () => {
    const path = join(keyDir, 'policy.yaml');
    writeFileSync(path, `signers:\n  - githubWorkflow: ${workflowSpec(RELEASE)}\n  - key: ./release.pub\n`);
    // Run elsewhere: ./release.pub is found next to the policy file, not in the working directory.
    const r = await kit.verify(file, { policy: ['--policy', path], json: true });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(r.json.publicKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.json.signer).toMatchObject({ index: 2, entry: 'signers[1]', policyFile: path });
    expect(r.json.verifiers).toEqual(['sigstore-js', 'cosign 3']);
  });

  it('identity signers only: a key signature is refused (exit 3), each signer with its reason', async () => {
    const path = join(keyDir, 'identities.yaml');
    writeFileSync(path, TWO_YAML);
    const r = await kit.verify(file, { policy: ['--policy', path] });
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [password]);
    expect(r.stderr).toMatch(/an identity signer, and the bundle is signed with a key/);
  });
});
