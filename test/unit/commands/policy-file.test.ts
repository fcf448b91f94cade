// Policy files end to end in-process: read (YAML or JSON, bounded), checked, every signer built
// through the flags' own checks (match-anything refused, key XOR identity, relative key paths next
// to the file), and how --policy, the signer flags and GHCR_BLOB_POLICY compose.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/commands/deps.js';
import { readPolicyFile, signersFromFile } from '../../../src/commands/policy-file.js';
import { prepareSigners } from '../../../src/commands/prepare.js';
import { EXIT_CODES, GhcrBlobError } from '../../../src/core/errors.js';
import { policyOptionsSchema } from '../../../src/options/policy.js';

const WORKFLOW = 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0';
const SAN = `https://github.com/${WORKFLOW}`;
const GITHUB = 'https://token.actions.githubusercontent.com';
const YAML = `# who may sign our releases
signers:
  - githubWorkflow: ${WORKFLOW}
    sourceRef: refs/tags/v1.2.0
  - certificateIdentity: https://gitlab.com/octo/tools//.gitlab-ci.yml@refs/heads/main
    certificateOidcIssuer: https://gitlab.com
`;
const JSON_POLICY = JSON.stringify({
  signers: [
    { githubWorkflow: WORKFLOW, sourceRef: 'refs/tags/v1.2.0' },
    {
      certificateIdentity: 'https://gitlab.com/octo/tools//.gitlab-ci.yml@refs/heads/main',
      certificateOidcIssuer: 'https://gitlab.com',
    },
  ],
});

const folder = () => mkdtempSync(join(tmpdir(), 'policy-file-'));
function write(text: string, name = 'policy.yaml', dir = folder()): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const publicKeyPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' });

/** What a failing step throws, with the exit status cli.ts gives it. */
async function refusal(p: Promise<unknown>): Promise<{ exitCode: number; message: string }> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
  if (!(e instanceof GhcrBlobError)) throw e;
  return { exitCode: EXIT_CODES[e.code], message: e.message };
}

async function load(text: string, name = 'policy.yaml', repository?: string) {
  const path = write(text, name);
  return signersFromFile(await readPolicyFile(path, '--policy'), path, repository, () => {});
}

describe('reading a policy file', () => {
  it('YAML and JSON of the same shape give the same signers, each built as its flags would be', async () => {
    const [yaml, json] = await Promise.all([load(YAML), load(JSON_POLICY, 'policy.json')]);
    for (const signers of [yaml, json]) {
      expect(signers.map((s) => s.from?.at)).toEqual(['signers[0]', 'signers[1]']);
      expect(signers[0]!.policy.describe()).toBe(
        `identity "${SAN}", issuer "${GITHUB}", source ref "refs/tags/v1.2.0"`,
      );
      expect(signers[1]!.policy.describe()).toMatch(
        /^identity "https:\/\/gitlab\.com\/octo\/tools\/\/\.gitlab-ci\.yml@refs\/heads\/main", issuer "https:\/\/gitlab\.com"$/,
      );
      expect(signers[0]!.predicateType).toBe('https://slsa.dev/provenance/v1');
    }
  });

  it.each<[string, () => string, RegExp]>([
    [
      'a missing file, with its path and who named it',
      () => join(folder(), 'nothere.yaml'),
      /^cannot read policy file .*nothere\.yaml: no such file \(named by --policy\)$/,
    ],
    ['a folder', () => folder(), /^policy file .* is not a regular file/],
    [
      'a file over 64 KiB',
      () => write(`# ${'x'.repeat(70_000)}\n${YAML}`),
      /^policy file .* is 70\d{3} bytes; a policy file is a few kB/,
    ],
    ['invalid YAML, with the line', () => write('signers: [\n'), /is not valid YAML: .* at line 2, column 1$/],
    [
      'a key given twice',
      () => write('signers:\n  - key: a.pub\n    key: b.pub\n'),
      /is not valid YAML: Map keys must be unique at line 3/,
    ],
    ['invalid JSON', () => write('{"signers": [', 'p.json'), /p\.json \(--policy\) is not valid JSON/],
    [
      'an unknown key, by its path',
      () => write(YAML.replace('sourceRef', 'sourceRf')),
      /is not a ghcr-blob policy: signers\[0\]\.sourceRf: unknown key/,
    ],
  ])('refuses %s (exit 2)', async (_name, path, message) => {
    expect(await refusal(readPolicyFile(path(), '--policy'))).toEqual({
      exitCode: 2,
      message: expect.stringMatching(message),
    });
  });

  it.each<[string, string, RegExp]>([
    [
      'an identity regexp that matches anything',
      `signers:\n  - certificateIdentityRegexp: '^.*$'\n    certificateOidcIssuer: ${GITHUB}\n`,
      /signers\[0\]: certificateIdentityRegexp "\^\.\*\$" accepts any value/,
    ],
    [
      'an issuer regexp that matches anything',
      `signers:\n  - certificateIdentity: ${SAN}\n    certificateOidcIssuerRegexp: '^.+$'\n`,
      /signers\[0\]: certificateOidcIssuerRegexp "\^\.\+\$" accepts any value/,
    ],
    [
      'an unanchored regexp',
      `signers:\n  - certificateIdentityRegexp: 'https://github\\.com/octo/.*'\n    certificateOidcIssuer: ${GITHUB}\n`,
      /signers\[0\]: certificateIdentityRegexp .* is not anchored/,
    ],
    [
      'an identity with no issuer',
      `signers:\n  - githubWorkflow: ${WORKFLOW}\n  - certificateIdentity: ${SAN}\n`,
      /signers\[1\]: verifying needs the OIDC issuer: pass certificateOidcIssuer/,
    ],
    [
      'an issuer with no identity',
      `signers:\n  - certificateOidcIssuer: ${GITHUB}\n`,
      /signers\[0\]: verifying needs the signer's identity/,
    ],
    [
      'a key beside an identity',
      `signers:\n  - key: k.pub\n    githubWorkflow: ${WORKFLOW}\n`,
      /signers\[0\]: key and githubWorkflow conflict/,
    ],
    [
      'a broken signer of another repository too',
      `signers:\n  - githubWorkflow: ${WORKFLOW}\nrepositories:\n  - match: ghcr.io/other/*\n    signers:\n      - certificateIdentity: ${SAN}\n`,
      /repositories\[0\]\.signers\[0\]: verifying needs the OIDC issuer/,
    ],
  ])('refuses %s, as the flags are refused (exit 2)', async (_name, text, message) => {
    expect(await refusal(load(text, 'policy.yaml', 'ghcr.io/octo/tools'))).toEqual({
      exitCode: 2,
      message: expect.stringMatching(message),
    });
  });

  it("a relative key path is the policy file's neighbour, wherever the command runs", async () => {
    const dir = folder();
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'release.pub'), publicKeyPem());
    const path = write('signers:\n  - key: ./keys/release.pub\n', 'policy.yaml', dir);
    const [signer] = await signersFromFile(await readPolicyFile(path, '--policy'), path, undefined, () => {});
    expect(signer!.policy).toMatchObject({ kind: 'key', path: join(dir, 'keys', 'release.pub'), tlog: true });
    // The same name from the working directory would not be found: the file's folder is what counts.
    expect(process.cwd()).not.toBe(dir);
  });

  it('per repository: the matching rule applies; none matching and no top-level signers is exit 3', async () => {
    const text = `repositories:\n  - match: ghcr.io/octo/*\n    signers:\n      - githubWorkflow: ${WORKFLOW}\n`;
    const signers = await load(text, 'policy.yaml', 'ghcr.io/octo/tools');
    expect(signers.map((s) => s.from)).toEqual([
      {
        file: expect.stringMatching(/policy\.yaml$/),
        at: 'repositories[0].signers[0]',
        repositories: 'ghcr.io/octo/*',
      },
    ]);
    expect(await refusal(load(text, 'policy.yaml', 'ghcr.io/octo-evil/tools'))).toEqual({
      exitCode: 3,
      message: expect.stringMatching(/accepts no signer for ghcr\.io\/octo-evil\/tools/),
    });
    expect(await refusal(load(text, 'policy.yaml', undefined))).toMatchObject({ exitCode: 3 });
  });

  it("a signer's warnings are said with where it is", async () => {
    const path = write('signers:\n  - githubWorkflow: octo/tools/.github/workflows/release.yml\n');
    const said: string[] = [];
    await signersFromFile(await readPolicyFile(path, '--policy'), path, undefined, (w) => said.push(w));
    expect(said).toEqual([expect.stringMatching(/policy\.yaml signers\[0\]: warning: .* has no @REF/)]);
  });
});

describe('--policy, the signer flags and GHCR_BLOB_POLICY', () => {
  const lines: string[] = [];
  const deps = (env: Record<string, string> = {}) =>
    ({ env, log: { info: (m: string) => lines.push(m), debug: () => {} } }) as unknown as Deps;
  const opts = (o: Record<string, unknown>) => policyOptionsSchema.parse(o);
  const twoSigners = () => write(YAML);
  const oneSigner = () => write(`signers:\n  - certificateIdentity: ${SAN}\n    certificateOidcIssuer: ${GITHUB}\n`);

  it('--policy: the file names the signers', async () => {
    const signers = await prepareSigners(opts({ policy: twoSigners() }), deps(), 'ghcr.io/octo/tools');
    expect(signers).toHaveLength(2);
  });

  it('--policy beside a signer flag is a usage error: no silent merging', async () => {
    const r = await refusal(
      prepareSigners(opts({ policy: twoSigners(), sourceRef: 'refs/tags/v1' }), deps(), undefined),
    );
    expect(r).toEqual({ exitCode: 2, message: expect.stringMatching(/^--policy and --source-ref conflict/) });
    const k = await refusal(prepareSigners(opts({ policy: twoSigners(), key: 'k.pub' }), deps(), undefined));
    expect(k.message).toMatch(/^--policy and --key conflict/);
  });

  it('--policy wins over GHCR_BLOB_POLICY', async () => {
    const signers = await prepareSigners(
      opts({ policy: oneSigner() }),
      deps({ GHCR_BLOB_POLICY: twoSigners() }),
      undefined,
    );
    expect(signers).toHaveLength(1);
  });

  it('GHCR_BLOB_POLICY applies when the command line names no signer', async () => {
    const path = twoSigners();
    const signers = await prepareSigners(opts({ engine: 'sigstore' }), deps({ GHCR_BLOB_POLICY: path }), undefined);
    expect(signers.map((s) => s.from?.file)).toEqual([path, path]);
  });

  it('signer flags replace GHCR_BLOB_POLICY whole, and say so', async () => {
    lines.length = 0;
    const signers = await prepareSigners(
      opts({ githubWorkflow: WORKFLOW }),
      deps({ GHCR_BLOB_POLICY: twoSigners() }),
      undefined,
    );
    expect(signers).toEqual([
      { policy: expect.objectContaining({ kind: 'identity' }), predicateType: 'https://slsa.dev/provenance/v1' },
    ]);
    expect(signers[0]!.policy.describe()).toBe(`identity "${SAN}", issuer "${GITHUB}"`);
    expect(lines).toContain('GHCR_BLOB_POLICY is not used: the command line names the signer');
  });

  it('an empty GHCR_BLOB_POLICY is unset; nothing at all names the ways to give a policy', async () => {
    const r = await refusal(prepareSigners(opts({}), deps({ GHCR_BLOB_POLICY: '' }), undefined));
    expect(r).toEqual({
      exitCode: 2,
      message: expect.stringMatching(/^verifying needs the signer's identity: .*--policy FILE or GHCR_BLOB_POLICY/),
    });
  });

  it('GHCR_BLOB_POLICY naming a missing file is exit 2, naming the variable', async () => {
    const r = await refusal(prepareSigners(opts({}), deps({ GHCR_BLOB_POLICY: '/nonexistent/p.yaml' }), undefined));
    expect(r).toEqual({
      exitCode: 2,
      message: expect.stringMatching(/\/nonexistent\/p\.yaml: no such file \(named by GHCR_BLOB_POLICY\)/),
    });
  });
});

describe('a hostile policy file', () => {
  it('a YAML alias bomb is refused as a usage error, not expanded', async () => {
    // Each level doubles nine times: 9^10 signers if expanded, a few hundred bytes as written.
    const levels = Array.from({ length: 10 }, (_, i) =>
      i === 0
        ? 'a0: &a0 [x, x, x, x, x, x, x, x, x]'
        : `a${i}: &a${i} [${Array(9)
            .fill(`*a${i - 1}`)
            .join(', ')}]`,
    );
    const bomb = `${levels.join('\n')}\nsigners: *a9\n`;
    const r = await refusal(readPolicyFile(write(bomb), '--policy'));
    expect(r.exitCode).toBe(EXIT_CODES.USAGE);
    expect(r.message).toMatch(/not valid YAML: .*alias/i);
  });

  it('a policy file past 64 KiB is refused before it is parsed', async () => {
    const r = await refusal(readPolicyFile(write(`# ${'x'.repeat(70 * 1024)}\n${YAML}`), '--policy'));
    expect(r.exitCode).toBe(EXIT_CODES.USAGE);
    expect(r.message).toMatch(/bytes/);
  });
});
