import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { githubWorkflowIdentity, parseGitHubWorkflow } from '../../../src/verify/github-workflow.js';

describe('parseGitHubWorkflow', () => {
  it('splits owner, repo, file and ref', () => {
    expect(parseGitHubWorkflow('octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0')).toEqual({
      owner: 'octo',
      repo: 'tools',
      file: 'release.yml',
      ref: 'refs/tags/v1.2.0',
    });
    expect(parseGitHubWorkflow('my-org/my.repo_x/.github/workflows/ci.yaml')).toEqual({
      owner: 'my-org',
      repo: 'my.repo_x',
      file: 'ci.yaml',
    });
    expect(parseGitHubWorkflow(`o/r/.github/workflows/w.yml@${'a'.repeat(40)}`).ref).toBe('a'.repeat(40));
  });

  const bad: Array<[string, RegExp]> = [
    ['octo/tools/release.yml', /expected OWNER\/REPO/],
    ['octo/tools/.github/workflows/sub/release.yml', /expected OWNER\/REPO/],
    ['octo/tools/.github/actions/release.yml', /expected OWNER\/REPO/],
    ['https://github.com/octo/tools/.github/workflows/release.yml', /expected OWNER\/REPO/],
    ['-octo/tools/.github/workflows/release.yml', /owner/],
    ['oc--to/tools/.github/workflows/release.yml', /owner/],
    ['octo/../.github/workflows/release.yml', /repository/],
    ['octo/to ols/.github/workflows/release.yml', /repository/],
    ['octo/tools/.github/workflows/release.txt', /workflow file/],
    ['octo/tools/.github/workflows/release.yml@main', /full git ref/],
    ['octo/tools/.github/workflows/release.yml@', /full git ref/],
    ['octo/tools/.github/workflows/release.yml@refs/heads/a b', /full git ref/],
    ['octo/tools/.github/workflows/release.yml@refs/heads/../x', /full git ref/],
  ];
  it.each(bad)('refuses %s', (spec, why) => {
    try {
      parseGitHubWorkflow(spec);
      expect.unreachable();
    } catch (e) {
      expect((e as GhcrBlobError).code).toBe('USAGE');
      expect((e as GhcrBlobError).message).toMatch(why);
      expect((e as GhcrBlobError).recommendation).toContain('OWNER/REPO/.github/workflows/FILE');
    }
  });
});

describe('githubWorkflowIdentity', () => {
  it('is exact with a ref', () => {
    const m = githubWorkflowIdentity('octo/tools/.github/workflows/release.yml@refs/heads/main');
    expect(m.kind).toBe('exact');
    expect(m.expected).toBe('https://github.com/octo/tools/.github/workflows/release.yml@refs/heads/main');
  });
  it('is an escaped, anchored pattern without one', () => {
    const m = githubWorkflowIdentity('octo/tools/.github/workflows/release.yml');
    expect(m.kind).toBe('regexp');
    expect(m.expected).toBe(
      '^(?:^https://github\\.com/octo/tools/\\.github/workflows/release\\.yml@(?:refs/.+|[0-9a-f]{40})$)$',
    );
  });

  // A reusable workflow called by commit (`uses: octo/tools/.github/workflows/attest.yml@<sha>`) runs at
  // that sha; Fulcio writes it as the SAN's ref. The shorthand accepts it, and nothing near it.
  const SHA = '09b495c3f2a1a4e3b0d9e8c7b6a5f4e3d2c1b0a9';
  const BASE = 'https://github.com/octo/tools/.github/workflows/attest.yml';
  const anyRef = githubWorkflowIdentity('octo/tools/.github/workflows/attest.yml');
  it.each([
    [`${BASE}@${SHA}`, true],
    [`${BASE}@refs/heads/main`, true],
    [`${BASE}@refs/tags/v1`, true],
    [`${BASE}@${SHA}0`, false], // 41 hex digits
    [`${BASE}@${SHA.slice(0, 39)}`, false], // 39
    [`${BASE}@${SHA.toUpperCase()}`, false], // GitHub writes lower case
    [`${BASE}@${SHA}\n`, false],
    [`${BASE}@${SHA}/refs/heads/evil`, false],
    [`${BASE}.evil@${SHA}`, false], // evil suffix on the file
    [`https://github.com/octo/tools-evil/.github/workflows/attest.yml@${SHA}`, false], // evil prefix
    [`https://github.com/octo/tools/.github/workflows/attestXyml@${SHA}`, false], // '.' is literal
    [`https://evil.example/?${BASE}@${SHA}`, false], // anchored at the start
    [`${BASE}@`, false],
  ])('any-ref shorthand against %s: %s', (san, accepted) => {
    expect(anyRef.test(san)).toBe(accepted);
  });

  it('pins a commit sha exactly when given as @REF', () => {
    const m = githubWorkflowIdentity(`octo/tools/.github/workflows/attest.yml@${SHA}`);
    expect(m.kind).toBe('exact');
    expect(m.test(`${BASE}@${SHA}`)).toBe(true);
    expect(m.test(`${BASE}@${SHA.replace(/.$/, 'f')}`)).toBe(false);
  });
});
