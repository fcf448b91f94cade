import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { GITHUB_ACTIONS_ISSUER } from '../../../src/verify/github-workflow.js';
import { buildIdentityPolicy, type IdentityPolicyOptions } from '../../../src/verify/policy.js';

const WF = 'https://github.com/octo/tools/.github/workflows/release.yml';
const GOOD = `${WF}@refs/tags/v1.2.0`;
const GH = GITHUB_ACTIONS_ISSUER;

type Row = [name: string, opts: IdentityPolicyOptions, san: string, issuer: string, ok: boolean];

const anyRef: IdentityPolicyOptions = { githubWorkflow: 'octo/tools/.github/workflows/release.yml' };
const pinned: IdentityPolicyOptions = { githubWorkflow: 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0' };
const exact: IdentityPolicyOptions = { certificateIdentity: GOOD, certificateOidcIssuer: GH };
const regexp: IdentityPolicyOptions = {
  certificateIdentityRegexp: '^https://github\\.com/octo/tools/\\.github/workflows/release\\.yml@refs/tags/v.+$',
  certificateOidcIssuerRegexp: '^https://token\\.actions\\.githubusercontent\\.com$',
};

const rows: Row[] = [
  ['workflow, any ref: a tag', anyRef, GOOD, GH, true],
  ['workflow, any ref: a branch', anyRef, `${WF}@refs/heads/main`, GH, true],
  [
    'workflow, any ref: evil sibling repo',
    anyRef,
    'https://github.com/octo/tools-evil/.github/workflows/release.yml@refs/tags/v1',
    GH,
    false,
  ],
  [
    'workflow, any ref: other owner',
    anyRef,
    'https://github.com/evil/tools/.github/workflows/release.yml@refs/tags/v1',
    GH,
    false,
  ],
  [
    'workflow, any ref: other workflow file',
    anyRef,
    'https://github.com/octo/tools/.github/workflows/other.yml@refs/tags/v1',
    GH,
    false,
  ],
  ['workflow, any ref: file suffix', anyRef, `${WF}.evil@refs/tags/v1`, GH, false],
  [
    'workflow, any ref: dot is literal (file)',
    anyRef,
    'https://github.com/octo/tools/.github/workflows/releaseXyml@refs/tags/v1',
    GH,
    false,
  ],
  [
    'workflow, any ref: dot is literal (host)',
    anyRef,
    'https://githubXcom/octo/tools/.github/workflows/release.yml@refs/tags/v1',
    GH,
    false,
  ],
  ['workflow, any ref: prefix', anyRef, `https://evil.example/${GOOD}`, GH, false],
  ['workflow, any ref: no ref', anyRef, WF, GH, false],
  ['workflow, any ref: ref not under refs/', anyRef, `${WF}@main`, GH, false],
  ['workflow, any ref: case differs', anyRef, GOOD.replace('octo', 'Octo'), GH, false],
  ['workflow, any ref: issuer suffix', anyRef, GOOD, `${GH}.evil`, false],
  ['workflow, any ref: issuer trailing slash', anyRef, GOOD, `${GH}/`, false],
  ['workflow, any ref: issuer prefix', anyRef, GOOD, GH.slice(0, -1), false],
  ['workflow, pinned: exact', pinned, GOOD, GH, true],
  ['workflow, pinned: other ref', pinned, `${WF}@refs/tags/v1.2.1`, GH, false],
  ['workflow, pinned: ref suffix', pinned, `${GOOD}-evil`, GH, false],
  ['workflow, pinned: branch', pinned, `${WF}@refs/heads/main`, GH, false],
  ['exact: equal', exact, GOOD, GH, true],
  ['exact: prefix of expected', exact, GOOD.slice(0, -1), GH, false],
  ['exact: expected plus suffix', exact, `${GOOD}0`, GH, false],
  ['exact: evil repo', exact, GOOD.replace('tools', 'tools-evil'), GH, false],
  ['exact: other issuer', exact, GOOD, 'https://accounts.google.com', false],
  ['regexp: tag', regexp, GOOD, GH, true],
  ['regexp: evil repo', regexp, GOOD.replace('tools', 'tools-evil'), GH, false],
  ['regexp: prefix', regexp, `x${GOOD}`, GH, false],
  ['regexp: branch', regexp, `${WF}@refs/heads/v1`, GH, false],
  ['regexp: issuer suffix', regexp, GOOD, `${GH}.evil`, false],
  ['regexp: issuer prefix', regexp, GOOD, `https://evil.example/${GH}`, false],
  [
    'dotted repo: literal dot',
    { githubWorkflow: 'octo/my.repo/.github/workflows/ci.yaml' },
    'https://github.com/octo/myXrepo/.github/workflows/ci.yaml@refs/heads/main',
    GH,
    false,
  ],
  [
    'dotted repo: exact name',
    { githubWorkflow: 'octo/my.repo/.github/workflows/ci.yaml' },
    'https://github.com/octo/my.repo/.github/workflows/ci.yaml@refs/heads/main',
    GH,
    true,
  ],
  ['the implied issuer, also given explicitly', { ...pinned, certificateOidcIssuer: GH }, GOOD, GH, true],
];

describe('buildIdentityPolicy: who is accepted', () => {
  it.each(rows)('%s', (_name, opts, san, issuer, ok) => {
    const policy = buildIdentityPolicy(opts);
    expect(policy.matches(san, issuer).ok).toBe(ok);
    // cosign searches its -regexp patterns anywhere in the value: the pattern we hand it must
    // give the same verdict under search semantics as ours does under whole-string semantics.
    const [flag, value] = policy.cosignFlags();
    if (flag === '--certificate-identity-regexp')
      expect(RE2JS.compile(value!).test(san)).toBe(policy.identity.test(san));
  });

  it('reports every failed check with expected and actual', () => {
    const result = buildIdentityPolicy(pinned).matches(`${WF}@refs/heads/main`, `${GH}.evil`);
    expect(result).toEqual({
      ok: false,
      mismatches: [
        { check: 'identity', expected: JSON.stringify(GOOD), actual: `${WF}@refs/heads/main` },
        { check: 'issuer', expected: JSON.stringify(GH), actual: `${GH}.evil` },
      ],
    });
  });

  it('rejects a certificate without SAN or issuer', () => {
    expect(buildIdentityPolicy(exact).matches(undefined, undefined)).toMatchObject({ ok: false, mismatches: [{}, {}] });
  });
});

describe('buildIdentityPolicy: cosign flags', () => {
  it('passes an exact identity as --certificate-identity', () => {
    expect(buildIdentityPolicy(pinned).cosignFlags()).toEqual([
      '--certificate-identity',
      GOOD,
      '--certificate-oidc-issuer',
      GH,
    ]);
  });
  it('passes a workflow without ref as an escaped, anchored regexp', () => {
    expect(buildIdentityPolicy(anyRef).cosignFlags()).toEqual([
      '--certificate-identity-regexp',
      '^(?:^https://github\\.com/octo/tools/\\.github/workflows/release\\.yml@(?:refs/.+|[0-9a-f]{40})$)$',
      '--certificate-oidc-issuer',
      GH,
    ]);
  });
  it('wraps user regexps in ^(?:…)$ for both sides', () => {
    const flags = buildIdentityPolicy(regexp).cosignFlags();
    expect(flags[0]).toBe('--certificate-identity-regexp');
    expect(flags[1]).toBe(`^(?:${regexp.certificateIdentityRegexp})$`);
    expect(flags.slice(2)).toEqual(['--certificate-oidc-issuer-regexp', `^(?:${regexp.certificateOidcIssuerRegexp})$`]);
  });
  it('describes itself for messages', () => {
    expect(buildIdentityPolicy(pinned).describe()).toBe(`identity "${GOOD}", issuer "${GH}"`);
  });
});

const usage: Array<[name: string, opts: IdentityPolicyOptions, message: RegExp]> = [
  ['no identity', { certificateOidcIssuer: GH }, /needs the signer's identity/],
  ['two identities', { certificateIdentity: GOOD, githubWorkflow: anyRef.githubWorkflow }, /conflict/],
  [
    'identity and regexp',
    { certificateIdentity: GOOD, certificateIdentityRegexp: '^a$', certificateOidcIssuer: GH },
    /conflict/,
  ],
  [
    'two issuers',
    { certificateIdentity: GOOD, certificateOidcIssuer: GH, certificateOidcIssuerRegexp: '^a$' },
    /conflict/,
  ],
  ['no issuer', { certificateIdentity: GOOD }, /needs the OIDC issuer/],
  ['empty identity', { certificateIdentity: '', certificateOidcIssuer: GH }, /must not be empty/],
  ['padded identity', { certificateIdentity: ` ${GOOD}`, certificateOidcIssuer: GH }, /spaces/],
  [
    'unanchored identity regexp',
    { certificateIdentityRegexp: 'https://github\\.com/octo/tools/.*', certificateOidcIssuer: GH },
    /not anchored.*tools-evil/,
  ],
  [
    'identity regexp without $',
    { certificateIdentityRegexp: '^https://github\\.com/octo/tools/', certificateOidcIssuer: GH },
    /not anchored/,
  ],
  [
    'unanchored issuer regexp',
    { certificateIdentity: GOOD, certificateOidcIssuerRegexp: 'githubusercontent' },
    /--certificate-oidc-issuer-regexp.*not anchored/,
  ],
  ['invalid RE2', { certificateIdentityRegexp: '^a(?=b)$', certificateOidcIssuer: GH }, /not a valid RE2/],
  ['bad workflow shape', { githubWorkflow: 'octo/tools/release.yml' }, /--github-workflow/],
];

describe('buildIdentityPolicy: refused flags', () => {
  it.each(usage)('%s', (_name, opts, message) => {
    const err = catchError(() => buildIdentityPolicy(opts));
    expect(err).toBeInstanceOf(GhcrBlobError);
    expect((err as GhcrBlobError).code).toBe('USAGE');
    expect((err as GhcrBlobError).message).toMatch(message);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('buildIdentityPolicy: GitHub claims from Fulcio extensions', () => {
  const fulcio = {
    sourceRepositoryUri: 'https://github.com/octo/tools',
    sourceRepositoryRef: 'refs/tags/v1.2.0',
    sourceRepositoryDigest: 'a'.repeat(40),
    runnerEnvironment: 'github-hosted',
  };
  const check = (opts: IdentityPolicyOptions, claims: Record<string, string> = fulcio) =>
    buildIdentityPolicy({ ...pinned, ...opts }).matches(GOOD, GH, claims);

  it.each<[string, IdentityPolicyOptions, Record<string, string>, boolean]>([
    ['repository', { sourceRepository: 'octo/tools' }, fulcio, true],
    ['repository: octo/tool is not octo/tools', { sourceRepository: 'octo/tool' }, fulcio, false],
    ['repository: other owner', { sourceRepository: 'evil/tools' }, fulcio, false],
    ['repository: case differs', { sourceRepository: 'Octo/Tools' }, fulcio, false],
    ['repository: claim missing', { sourceRepository: 'octo/tools' }, {}, false],
    ['ref exact', { sourceRef: 'refs/tags/v1.2.0' }, fulcio, true],
    [
      'ref: refs/heads/mainx is not refs/heads/main',
      { sourceRef: 'refs/heads/main' },
      { ...fulcio, sourceRepositoryRef: 'refs/heads/mainx' },
      false,
    ],
    ['ref regexp: tags only', { sourceRefRegexp: '^refs/tags/.*$' }, fulcio, true],
    [
      'ref regexp: a branch is not a tag',
      { sourceRefRegexp: '^refs/tags/.*$' },
      { ...fulcio, sourceRepositoryRef: 'refs/heads/main' },
      false,
    ],
    [
      'ref regexp is whole-string',
      { sourceRefRegexp: '^refs/heads/main$' },
      { ...fulcio, sourceRepositoryRef: 'refs/heads/mainx' },
      false,
    ],
    ['digest', { sourceDigest: 'a'.repeat(40) }, fulcio, true],
    ['digest: another commit', { sourceDigest: 'b'.repeat(40) }, fulcio, false],
    ['hosted runners', { denySelfHostedRunners: true }, fulcio, true],
    ['self-hosted refused', { denySelfHostedRunners: true }, { ...fulcio, runnerEnvironment: 'self-hosted' }, false],
  ])('%s', (_name, opts, claims, ok) => {
    expect(check(opts, claims).ok).toBe(ok);
  });

  it('names each failed field with expected and actual', () => {
    const result = check(
      { sourceRepository: 'octo/tool', denySelfHostedRunners: true },
      { ...fulcio, runnerEnvironment: 'self-hosted' },
    );
    expect(result).toEqual({
      ok: false,
      mismatches: [
        {
          check: 'source repository',
          expected: '"https://github.com/octo/tool"',
          actual: 'https://github.com/octo/tools',
        },
        { check: 'runner environment', expected: '"github-hosted"', actual: 'self-hosted' },
      ],
    });
  });

  it('adds to the identity, never replaces it', () => {
    const policy = buildIdentityPolicy({ ...pinned, sourceRepository: 'octo/tools' });
    expect(policy.matches(`${WF}@refs/heads/main`, GH, fulcio).ok).toBe(false);
  });

  it('--github-workflow without @REF warns; pinned or with a source ref it does not', () => {
    expect(buildIdentityPolicy(anyRef).warnings.join('')).toMatch(/ANY branch is accepted/);
    expect(buildIdentityPolicy(pinned).warnings).toEqual([]);
    expect(buildIdentityPolicy({ ...anyRef, sourceRefRegexp: '^refs/tags/.*$' }).warnings).toEqual([]);
  });

  it.each<[string, IdentityPolicyOptions, RegExp]>([
    [
      'another issuer with --github-workflow',
      { ...pinned, certificateOidcIssuer: 'https://gitlab.com' },
      /implies the issuer/,
    ],
    [
      'an issuer regexp with --github-workflow',
      { ...pinned, certificateOidcIssuerRegexp: '^https://x$' },
      /implies the issuer/,
    ],
    ['identity ^.*$', { certificateIdentityRegexp: '^.*$', certificateOidcIssuer: GH }, /accepts any value/],
    ['identity ^.+$', { certificateIdentityRegexp: '^.+$', certificateOidcIssuer: GH }, /accepts any value/],
    ['identity ^(?:.*)$', { certificateIdentityRegexp: '^(?:.*)$', certificateOidcIssuer: GH }, /accepts any value/],
    ['issuer ^\\S+$', { certificateIdentity: GOOD, certificateOidcIssuerRegexp: '^\\S+$' }, /accepts any value/],
    ['source ref ^.*$', { ...pinned, sourceRefRegexp: '^.*$' }, /accepts any value/],
    [
      'both source ref flags',
      { ...pinned, sourceRef: 'refs/heads/main', sourceRefRegexp: '^refs/heads/main$' },
      /conflict/,
    ],
    ['a repository with three parts', { ...pinned, sourceRepository: 'a/b/c' }, /OWNER\/REPO/],
    ['a short commit', { ...pinned, sourceDigest: 'abc123' }, /full commit sha/],
    ['a ref that is not full', { ...pinned, sourceRef: 'main' }, /full git ref/],
  ])('refuses %s (usage)', (_name, opts, message) => {
    expect(() => buildIdentityPolicy(opts)).toThrow(message);
  });
});
