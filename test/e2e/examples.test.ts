// Every ghcr-blob command README and --help show runs here, exactly as written, against the built
// CLI: its flags parse and pass every check made before any tool runs (policy, references, files,
// stdin). oras and cosign are pointed at paths that do not exist, so an accepted command ends at the
// first tool it needs (6) or at the network (7: the public-good trusted root), never at a usage
// error (2); `--version` succeeds. The push and pull examples that need no signature also run for
// real against a local registry.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCliDirs, runCli } from '../support/cli.js';
import { type ExampleCommand, helpCommands, readmeCommands } from '../support/example-commands.js';
import { startRegistry, type Registry } from '../support/registry.js';
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
const COMMANDS = ['push', 'pull', 'sign', 'verify', 'doctor'];

/** A folder holding the files the examples name. */
function exampleFolder(command?: string): string {
  const { cwd } = freshCliDirs();
  writeFileSync(join(cwd, 'report.json'), '{"report":"all green"}\n');
  // `sign` would refuse to overwrite the bundle; `verify` needs it.
  const bundles = command === 'sign' ? ['b.json'] : ['report.json.sigstore.json', 'b.json'];
  for (const name of bundles) writeFileSync(join(cwd, name), '{}');
  writeFileSync(join(cwd, 'token.jwt'), 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln');
  writeFileSync(join(cwd, 'github-output'), '');
  return cwd;
}

function run(cmd: ExampleCommand, cwd: string, env: Record<string, string>, replace = (a: string) => a) {
  return runCli(
    cmd.argv.map((a) => replace(a.replace('sha256:…', PLACEHOLDER_DIGEST))),
    {
      cwd,
      stdin: cmd.stdinFile ? readFileSync(join(cwd, cmd.stdinFile)) : (cmd.stdin ?? ''),
      env: { GITHUB_OUTPUT: join(cwd, 'github-output'), ...env, ...cmd.env },
    },
  );
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
  expect(names(readme)).toEqual(new Set([...COMMANDS, '--version']));
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
  if (example.argv[0] === '--version') expect(r.exitCode, r.stderr).toBe(0);
  else expect([6, 7], `${example.where}: ${example.text}\n${r.stderr}`).toContain(r.exitCode);
}

describe('each is accepted as written: it ends at a missing tool or the network, never at a usage error', () => {
  it.each(readme)('$where: $text', expectAccepted);

  it('and every --help example', async () => {
    expect(help.length).toBeGreaterThan(8);
    for (const example of help) await expectAccepted(example);
  });
});

describe('the push and pull examples, for real against a local registry', () => {
  let reg: Registry;
  let cwd: string;
  beforeAll(async () => {
    reg = await startRegistry({ generation: 'sid' });
    cwd = exampleFolder();
  });
  afterAll(async () => reg?.stop());

  it('every push, then every pull that needs no signature, from README and --help', async () => {
    const plain = [...readme, ...help].filter(
      (c) =>
        ['push', 'pull'].includes(c.argv[0]!) &&
        !c.argv.some((a) => ['--sign', '--verify'].includes(a)) &&
        c.argv[1]!.startsWith('ghcr.io/'),
    );
    const ordered = [...plain.filter((c) => c.argv[0] === 'push'), ...plain.filter((c) => c.argv[0] === 'pull')];
    expect(ordered.length).toBeGreaterThanOrEqual(4);
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
  });
});
