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
    expect(m.expected).toBe('^(?:^https://github\\.com/octo/tools/\\.github/workflows/release\\.yml@refs/.+$)$');
  });
});
