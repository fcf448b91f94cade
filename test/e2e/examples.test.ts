// Every ghcr-blob command README and --help show runs here, exactly as written, against the built
// CLI: its flags parse and pass every check made before any tool runs (policy, references, files,
// stdin). oras and cosign are pointed at paths that do not exist, so an accepted command ends at the
// first tool it needs (6) or at the network (7: the public-good trusted root), never at a usage
// error (2); `--version` succeeds. Then for real, the registry host made a local one: every push,
// plain pull, ls and inspect; every verify, pull --verify and inspect --verify (with the local
// stack's --trusted-root added) over artifacts and bundles signed by the signer the example's policy
// names; every sign (with the stack's signing config and a token on stdin added).
import { createHash, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCliDirs, runCli } from '../support/cli.js';
import { type ExampleCommand, helpCommands, readmeCommands } from '../support/example-commands.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { useKit } from '../support/kit.js';
import { tagManifest } from '../support/registry-api.js';
import type { MintTokenClaims } from '../support/sigstore/index.js';
import { REPO_ROOT, toolsFor } from '../support/tools.js';

const VARS = {
  GITHUB_TOKEN: 'ghp_exampletoken',
  VERSION: 'v1.2.0',
  TAG: 'v1.2.0',
  REPOSITORY: 'Octo/Tools',
  REF: 'ghcr.io/octo/tools/report.json:v1',
  WORKFLOW: 'octo/tools/.github/workflows/release.yml',
};
const PLACEHOLDER_DIGEST = `sha256:${'a'.repeat(64)}`;
const COMMANDS = ['push', 'pull', 'sign', 'verify', 'doctor', 'ls', 'inspect', 'trust'];
/** Commands that need neither oras, cosign nor the network: an accepted one exits 0. */
const OFFLINE = ['--version', 'completion', 'help'];

/** README's policy file (its "Policy files" block, first line `# policy.yaml…`), as written. */
const POLICY_FILE = /^```yaml\n(# policy\.yaml[\s\S]*?)^```$/m.exec(
  readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'),
)?.[1];
/** The key its `key: ./release.pub` signer names: any P-256 public key will do. */
const RELEASE_PUB = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
  type: 'spki',
  format: 'pem',
});

/** A folder holding the files the examples name. */
function exampleFolder(command?: string): string {
  const { cwd } = freshCliDirs();
  writeFileSync(join(cwd, 'report.json'), '{"report":"all green"}\n');
  if (!POLICY_FILE) throw new Error('README shows no policy file');
  writeFileSync(join(cwd, 'policy.yaml'), POLICY_FILE);
  writeFileSync(join(cwd, 'release.pub'), RELEASE_PUB);
  // `sign` would refuse to overwrite the bundle; `verify` needs it.
  const bundles = command === 'sign' ? ['b.json'] : ['report.json.sigstore.json', 'b.json'];
  for (const name of bundles) writeFileSync(join(cwd, name), '{}');
  writeFileSync(join(cwd, 'token.jwt'), 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln');
  writeFileSync(join(cwd, 'github-output'), '');
  return cwd;
}

/** The example's argv, placeholders filled in, then `replace` (e.g. ghcr.io → the local registry). */
const argsOf = (cmd: ExampleCommand, replace = (a: string) => a) =>
  cmd.argv.map((a) => replace(a.replace('sha256:…', PLACEHOLDER_DIGEST)));

/** Its stdin (bytes, or the file it redirects from) and environment, run in `cwd`. */
const optionsOf = (cmd: ExampleCommand, cwd: string, env: Record<string, string>) => ({
  cwd,
  stdin: cmd.stdinFile ? readFileSync(join(cwd, cmd.stdinFile)) : (cmd.stdin ?? ''),
  env: { GITHUB_OUTPUT: join(cwd, 'github-output'), ...env, ...cmd.env },
});

function run(cmd: ExampleCommand, cwd: string, env: Record<string, string>, replace = (a: string) => a) {
  return runCli(argsOf(cmd, replace), optionsOf(cmd, cwd, env));
}

const readme = readmeCommands(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'), VARS);
let help: ExampleCommand[] = [];

beforeAll(async () => {
  const texts = await Promise.all(
    [[], ...COMMANDS.map((c) => [c])].map(async (args) => {
      const r = await runCli([...args, '--help']);
      expect(r.exitCode, r.stderr).toBe(0);
      return helpCommands(`${['ghcr-blob', ...args].join(' ')} --help`, r.stdout, VARS);
    }),
  );
  help = texts.flat();
});

it('finds the examples: README shows each command, and so does every --help', () => {
  const names = (list: ExampleCommand[]) => new Set(list.map((c) => c.argv[0]));
  expect(names(readme)).toEqual(new Set([...COMMANDS, ...OFFLINE]));
  expect(names(help)).toEqual(new Set(COMMANDS));
  expect(readme.length).toBeGreaterThan(15);
});

const NO_TOOLS = {
  GHCR_BLOB_ORAS: '/nonexistent/oras',
  GHCR_BLOB_COSIGN: '/nonexistent/cosign',
  GHCR_BLOB_TIMEOUT: '5s',
};

async function expectAccepted(example: ExampleCommand): Promise<void> {
  const r = await run(example, exampleFolder(example.argv[0]), NO_TOOLS);
  if (OFFLINE.includes(example.argv[0]!)) expect(r.exitCode, r.stderr).toBe(0);
  else expect([6, 7], `${example.where}: ${example.text}\n${r.stderr}`).toContain(r.exitCode);
}

describe('each is accepted as written: it ends at a missing tool or the network, never at a usage error', () => {
  it.each(readme)('$where: $text', expectAccepted);

  it('and every --help example', async () => {
    expect(help.length).toBeGreaterThan(8);
    for (const example of help) await expectAccepted(example);
  }, 180_000); // one after another: a few seconds each on a busy 2-core machine
});

describe('the push and pull examples, for real against a local registry', () => {
  let reg: Registry;
  let cwd: string;
  beforeAll(async () => {
    reg = await startRegistry({ generation: 'sid' });
    cwd = exampleFolder();
  });
  afterAll(async () => reg?.stop());

  it('every push, then every pull, ls and inspect that needs no signature, from README and --help', async () => {
    const plain = [...readme, ...help].filter(
      (c) =>
        ['push', 'pull', 'ls', 'inspect'].includes(c.argv[0]!) &&
        !c.argv.some((a) => ['--sign', '--verify'].includes(a)) &&
        c.argv[1]!.startsWith('ghcr.io/'),
    );
    const ordered = [...plain.filter((c) => c.argv[0] === 'push'), ...plain.filter((c) => c.argv[0] !== 'push')];
    expect(ordered.length).toBeGreaterThanOrEqual(8);
    const fileDigest = `sha256:${createHash('sha256')
      .update(readFileSync(join(cwd, 'report.json')))
      .digest('hex')}`;
    let manifestDigest = '';
    const env = { GHCR_BLOB_ORAS: toolsFor('sid').oras, GITHUB_ACTOR: reg.username, GITHUB_TOKEN: reg.password };
    for (const cmd of ordered) {
      // A push runs where ./report.json is; each pull in a folder of its own (some write to `.`).
      const at = cmd.argv[0] === 'push' ? cwd : freshCliDirs().cwd;
      const stdin = cmd.stdin?.replace(VARS.GITHUB_TOKEN, reg.password);
      const r = await run({ ...cmd, stdin }, at, env, (a) =>
        a
          .replace(/^ghcr\.io\//, `${reg.host}/`)
          .replace(`@${PLACEHOLDER_DIGEST}`, `@${manifestDigest}`)
          .replace(new RegExp(`^${PLACEHOLDER_DIGEST}$`), fileDigest),
      );
      expect(r.exitCode, `${cmd.where}: ${cmd.text}\n${r.stderr}`).toBe(0);
      if (cmd.argv[0] === 'push') manifestDigest = /@(sha256:[0-9a-f]{64})/.exec(r.stdout)![1]!;
    }
  }, 180_000);
});

/**
 * Who must have signed for an example's policy to accept: the claims its flags name, or with a
 * policy file (README's, --policy or GHCR_BLOB_POLICY), the release job its first signer names.
 */
function signerOf({ argv, env }: ExampleCommand): MintTokenClaims {
  if (argv.includes('--policy') || env.GHCR_BLOB_POLICY) {
    expect(POLICY_FILE).toContain('githubWorkflow: octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0');
    return { repository: 'octo/tools', workflowPath: '.github/workflows/release.yml', ref: 'refs/tags/v1.2.0' };
  }
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  const identity =
    flag('--github-workflow') ?? flag('--certificate-identity')?.replace(/^https:\/\/github\.com\//, '') ?? '';
  const m = /^([^/]+\/[^/]+)\/(\.github\/workflows\/[^@]+)(?:@(.+))?$/.exec(identity);
  if (!m) throw new Error(`no signer in ${argv.join(' ')}`);
  const [, repository, workflowPath, ref] = m;
  const caller = flag('--source-repository');
  return caller
    ? // A reusable workflow: the SAN names it; the run was for the caller's repository, at a tag.
      {
        repository: caller,
        workflowPath: '.github/workflows/release.yml',
        ref: 'refs/tags/v1.2.0',
        jobWorkflowRef: identity,
      }
    : { repository: repository!, workflowPath: workflowPath!, ref: ref ?? 'refs/tags/v1.2.0' };
}

describe('the sign and verify examples, for real against a local registry and Sigstore stack', () => {
  const kit = useKit({ gen: 'sid', sigstore: true });
  const signing = () => ['--signing-config', kit.stack.signingConfigPath, '--trusted-root', kit.stack.trustedRootPath];
  const local = (a: string) => a.replace(/^ghcr\.io\//, `${kit.reg.host}/`);
  const all = () => [...readme, ...help];
  const verifying = () =>
    all().filter(
      (c) => c.argv[0] === 'verify' || (['pull', 'inspect'].includes(c.argv[0]!) && c.argv.includes('--verify')),
    );

  it('each verify, pull --verify and inspect --verify, over artifacts and files signed by the signer its policy names', async () => {
    // Every reference the examples name holds one artifact with a signature by each of their signers:
    // the same artifact (a floating tag such as v1 naming the v1.2.0 release), pushed and signed once.
    const refs = [
      ...new Set(
        verifying()
          .map((c) => c.argv[1]!)
          .filter((a) => a.startsWith('ghcr.io/')),
      ),
    ];
    const signers = [...new Set(verifying().map((c) => JSON.stringify(signerOf(c))))].map(
      (j) => JSON.parse(j) as MintTokenClaims,
    );
    expect(refs.length).toBeGreaterThanOrEqual(2);
    const [first, ...others] = refs.map((r) => /^ghcr\.io\/(.+):([^:/]+)$/.exec(r)!);
    const pushed = await kit.push(local(first![0]), kit.file('{"release":"v1.2.0"}\n'));
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    for (const claims of signers) {
      const signed = await kit.sign(local(first![0]), { token: await kit.token(claims) });
      expect(signed.exitCode, signed.stderr).toBe(0);
    }
    for (const [, repo, tag] of others) {
      // Another repository would need the blobs too; the examples name tags of one.
      expect(repo).toBe(first![1]);
      await tagManifest(kit.reg, repo!, first![2]!, tag!);
    }
    // A local file's bundle by each signer, made once (every example folder holds the same
    // report.json) and copied to where each example looks for it.
    const bundles = new Map<string, string>();
    const bundleBy = async (claims: MintTokenClaims) => {
      const key = JSON.stringify(claims);
      if (!bundles.has(key)) {
        const dir = exampleFolder('sign');
        const signed = await kit.sign(join(dir, 'report.json'), {
          token: await kit.token(claims),
          extra: ['--bundle', join(dir, 'b.json'), '--force'],
        });
        expect(signed.exitCode, signed.stderr).toBe(0);
        bundles.set(key, join(dir, 'b.json'));
      }
      return bundles.get(key)!;
    };
    for (const cmd of verifying()) {
      const cwd = exampleFolder();
      const claims = signerOf(cmd);
      if (!cmd.argv[1]!.startsWith('ghcr.io/')) {
        // A local file: its bundle, where the example looks for it, by the signer it names.
        const bundle = cmd.argv.includes('--bundle')
          ? cmd.argv[cmd.argv.indexOf('--bundle') + 1]!
          : 'report.json.sigstore.json';
        copyFileSync(await bundleBy(claims), join(cwd, bundle));
      }
      const r = await runCli(
        [...argsOf(cmd, local), '--trusted-root', kit.stack.trustedRootPath],
        optionsOf(cmd, cwd, kit.env({ GITHUB_ACTOR: kit.reg.username })),
      );
      expect(r.exitCode, `${cmd.where}: ${cmd.text}\n${r.stderr}`).toBe(0);
    }
  }, 300_000);

  it("each sign example (with the local stack's signing config and a token on stdin)", async () => {
    await kit.push(kit.ref('v1', 'octo/tools/report.json'), kit.file('to sign'));
    for (const cmd of all().filter((c) => c.argv[0] === 'sign')) {
      const cwd = exampleFolder('sign');
      const token = await kit.token();
      writeFileSync(join(cwd, 'token.jwt'), token);
      const argv = cmd.argv.map(local);
      if (!argv.includes('--identity-token-stdin')) argv.push('--identity-token-stdin');
      const r = await runCli([...argv, ...signing()], {
        cwd,
        stdin: token,
        env: kit.env({ GITHUB_ACTOR: kit.reg.username, GHCR_TOKEN: kit.reg.password }),
      });
      expect(r.exitCode, `${cmd.where}: ${cmd.text}\n${r.stderr}`).toBe(0);
    }
  }, 120_000);
});
