import { describe, expect, it } from 'vitest';
import { gitlabPipelineIdentity, parseGitLabHost, parseGitLabPipeline } from '../../../src/verify/gitlab-pipeline.js';

describe('parseGitLabPipeline', () => {
  it.each<[string, string | undefined, { san: string; issuer: string }]>([
    [
      'octo/tools//.gitlab-ci.yml@refs/tags/v1.2.0',
      undefined,
      { san: 'https://gitlab.com/octo/tools//.gitlab-ci.yml@refs/tags/v1.2.0', issuer: 'https://gitlab.com' },
    ],
    [
      'octo/platform/sub/tools//ci/release.yml@refs/heads/main',
      undefined,
      {
        san: 'https://gitlab.com/octo/platform/sub/tools//ci/release.yml@refs/heads/main',
        issuer: 'https://gitlab.com',
      },
    ],
    [
      'octo/tools//.gitlab-ci.yml@refs/heads/main',
      'gitlab.example.com',
      {
        san: 'https://gitlab.example.com/octo/tools//.gitlab-ci.yml@refs/heads/main',
        issuer: 'https://gitlab.example.com',
      },
    ],
    [
      'https://GitLab.Example.com:8443/octo/tools//.gitlab-ci.yml@refs/heads/main',
      undefined,
      {
        san: 'https://gitlab.example.com:8443/octo/tools//.gitlab-ci.yml@refs/heads/main',
        issuer: 'https://gitlab.example.com:8443',
      },
    ],
  ])('%s (host %s)', (spec, host, expected) => {
    expect(gitlabPipelineIdentity(parseGitLabPipeline(spec, host))).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['octo/tools/.gitlab-ci.yml@refs/heads/main', /no `\/\/`/],
    ['octo/tools//.gitlab-ci.yml', /no @REF/],
    ['octo/tools//.gitlab-ci.yml@main', /full git ref/],
    ['octo/tools//.gitlab-ci.yml@refs/heads/a b', /full git ref/],
    ['octo/tools//.gitlab-ci.yml@refs/heads/../x', /full git ref/],
    ['tools//.gitlab-ci.yml@refs/heads/main', /not a GitLab project path/],
    ['octo/-tools//.gitlab-ci.yml@refs/heads/main', /not a GitLab project path/],
    ['octo//tools//.gitlab-ci.yml@refs/heads/main', /CI config file path|project path/],
    ['octo/tools//../x.yml@refs/heads/main', /CI config file path/],
    ['http://gitlab.com/octo/tools//.gitlab-ci.yml@refs/heads/main', /https:\/\//],
  ])('refuses %s', (spec, why) => {
    expect(() => parseGitLabPipeline(spec)).toThrow(why);
  });
});

describe('parseGitLabHost', () => {
  it.each([
    ['gitlab.example.com', 'gitlab.example.com'],
    ['https://gitlab.example.com', 'gitlab.example.com'],
    ['gitlab.example.com:8443', 'gitlab.example.com:8443'],
  ])('%s → %s', (spec, host) => expect(parseGitLabHost(spec)).toBe(host));

  it.each([
    'http://gitlab.example.com',
    'https://gitlab.example.com/sub',
    'https://u:p@gitlab.example.com',
    'gitlab',
    'https://gitlab.example.com/',
  ])('refuses %s', (spec) => expect(() => parseGitLabHost(spec)).toThrow(/is not a GitLab instance/));
});
