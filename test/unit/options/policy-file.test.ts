// The policy file's shape (strict: an unknown key is named by its path) and its repository
// patterns: anchored, `*` within one component, `**` across, never a prefix or a neighbour.
import { describe, expect, it } from 'vitest';
import { describeZodError } from '../../../src/core/json-input.js';
import { policyFileSchema, repositoryMatches, signersFor } from '../../../src/options/policy-file.js';

const WORKFLOW = 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0';
const problem = (value: unknown): string => {
  const r = policyFileSchema.safeParse(value);
  if (r.success) throw new Error('expected the policy to be refused');
  return describeZodError(r.error);
};

describe('policy file schema', () => {
  it('takes the example of the issue: three signers spelled with the flags camelCase names', () => {
    const file = {
      signers: [
        { githubWorkflow: WORKFLOW, sourceRef: 'refs/tags/v1.2.0' },
        {
          certificateIdentity: 'https://gitlab.com/octo/tools//.gitlab-ci.yml@refs/heads/main',
          certificateOidcIssuer: 'https://gitlab.com',
        },
        { key: './release.pub' },
      ],
    };
    expect(policyFileSchema.parse(file)).toEqual(file);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a misspelled signer key, by its path',
      { signers: [{ githubWorkflow: WORKFLOW, sourceRf: 'x' }] },
      /^signers\[0\]\.sourceRf: unknown key$/,
    ],
    [
      'a key the command line keeps (--trusted-root)',
      { signers: [{ githubWorkflow: WORKFLOW, trustedRoot: 'r.json' }] },
      /^signers\[0\]\.trustedRoot: unknown key$/,
    ],
    ['an unknown top-level key', { signers: [{ githubWorkflow: WORKFLOW }], version: 2 }, /^version: unknown key$/],
    [
      'an unknown key in a repository rule',
      { repositories: [{ match: 'ghcr.io/o/x', signers: [{ key: 'k' }], mach: 1 }] },
      /^repositories\[0\]\.mach: unknown key$/,
    ],
    ['an empty signer list', { signers: [] }, /^signers: name at least one signer/],
    ['no signers at all', {}, /name signers, repositories, or both/],
    ['a number where a string belongs', { signers: [{ sourceDigest: 1234 }] }, /^signers\[0\]\.sourceDigest: /],
    [
      'a pattern with a tag',
      { repositories: [{ match: 'ghcr.io/octo/x:v1', signers: [{ key: 'k' }] }] },
      /^repositories\[0\]\.match: must be HOST\/PATH/,
    ],
    [
      'a pattern with a digest',
      { repositories: [{ match: 'ghcr.io/octo/x@sha256:00', signers: [{ key: 'k' }] }] },
      /match: must be HOST\/PATH/,
    ],
    [
      'a pattern with no path',
      { repositories: [{ match: 'ghcr.io', signers: [{ key: 'k' }] }] },
      /match: must be HOST\/PATH/,
    ],
    [
      'a pattern in upper case',
      { repositories: [{ match: 'ghcr.io/Octo/x', signers: [{ key: 'k' }] }] },
      /match: must be HOST\/PATH/,
    ],
    ['a pattern with ***', { repositories: [{ match: 'ghcr.io/***', signers: [{ key: 'k' }] }] }, /match: has \*\*\*/],
  ])('refuses %s', (_name, value, message) => {
    expect(problem(value)).toMatch(message);
  });
});

describe('repository patterns', () => {
  it.each<[string, string, boolean]>([
    ['ghcr.io/octo/tools', 'ghcr.io/octo/tools', true],
    // The evil neighbours an unanchored or prefix match would let through.
    ['ghcr.io/octo/tools', 'ghcr.io/octo/tools-evil', false],
    ['ghcr.io/octo/tools', 'ghcr.io/octo/tools/sub', false],
    ['ghcr.io/octo/tools', 'evil.io/ghcr.io/octo/tools', false],
    ['ghcr.io/octo/tools', 'ghcr.io/octo/toolsx', false],
    ['ghcr.io/octo/tools', 'ghcrxio/octo/tools', false], // `.` is a dot, not any character
    ['ghcr.io/octo/*', 'ghcr.io/octo/tools', true],
    ['ghcr.io/octo/*', 'ghcr.io/octo/tools/report.json', false], // `*` stays within a component
    ['ghcr.io/octo/*', 'ghcr.io/octopus/tools', false],
    ['ghcr.io/octo/**', 'ghcr.io/octo/tools/report.json', true],
    ['ghcr.io/octo/**', 'ghcr.io/octo-evil/tools', false],
    ['ghcr.io/octo/tools-*', 'ghcr.io/octo/tools-cli', true],
    ['localhost:5000/octo/*', 'localhost:5000/octo/app', true],
    ['localhost:5000/octo/*', 'localhost:5001/octo/app', false],
    ['ghcr.io/octo/tools', 'GHCR.IO/octo/tools', true], // a host name is case-insensitive
    // https's own port names the same registry: `:443` must not step around a rule.
    ['ghcr.io/octo/tools', 'ghcr.io:443/octo/tools', true],
    ['ghcr.io:443/octo/tools', 'ghcr.io/octo/tools', true],
    ['ghcr.io/octo/*', 'GHCR.IO:443/octo/tools', true],
    ['ghcr.io/octo/tools', 'ghcr.io:4430/octo/tools', false],
    ['ghcr.io/octo/tools', 'ghcr.io:44/octo/tools', false],
  ])('%s vs %s → %s', (pattern, repository, expected) => {
    expect(repositoryMatches(pattern, repository)).toBe(expected);
  });
});

describe('which signers apply', () => {
  const file = policyFileSchema.parse({
    signers: [{ githubWorkflow: WORKFLOW }],
    repositories: [
      { match: 'ghcr.io/octo/tools', signers: [{ key: 'tools.pub' }] },
      { match: 'ghcr.io/octo/*', signers: [{ key: 'octo.pub' }] },
    ],
  });

  it('the first matching rule, in file order; else the top-level signers; a local file gets those', () => {
    expect(signersFor(file, 'ghcr.io/octo/tools')).toMatchObject({
      at: 'repositories[0].signers',
      match: 'ghcr.io/octo/tools',
      signers: [{ key: 'tools.pub' }],
    });
    expect(signersFor(file, 'ghcr.io/octo/app')?.at).toBe('repositories[1].signers');
    // The same registry spelled with its port is still under the rule, not the top-level signers.
    expect(signersFor(file, 'ghcr.io:443/octo/tools')?.at).toBe('repositories[0].signers');
    expect(signersFor(file, 'ghcr.io/other/app')).toEqual({ at: 'signers', signers: [{ githubWorkflow: WORKFLOW }] });
    expect(signersFor(file, undefined)?.at).toBe('signers');
  });

  it('nothing, when no rule matches and there are no top-level signers', () => {
    const only = policyFileSchema.parse({ repositories: [{ match: 'ghcr.io/octo/*', signers: [{ key: 'k' }] }] });
    expect(signersFor(only, 'ghcr.io/evil/app')).toBeUndefined();
    expect(signersFor(only, undefined)).toBeUndefined();
  });
});
