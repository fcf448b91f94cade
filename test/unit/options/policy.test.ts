import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import {
  addPolicyOptions,
  policyOptionsSchema,
  refuseMixedPolicy,
  refuseUnusedPolicy,
} from '../../../src/options/policy.js';
import { addTrustOptions } from '../../../src/options/trust.js';
import { parseOptions } from '../../../src/options/parse.js';
import { parseLine, rawOptions, rejection } from './support/command-line.js';

// The policy schema includes --trusted-root; commands declare it through the trust module.
const add = (cmd: Command) => addTrustOptions(addPolicyOptions(cmd));
const parse = (argv: string[]) => parseLine(add, policyOptionsSchema, argv);

const ID = 'https://github.com/octo/tools/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

describe('policy options', () => {
  it.each<[string[], object]>([
    [[], { engine: 'both' }],
    [
      ['--certificate-identity', ID, '--certificate-oidc-issuer', ISSUER],
      { certificateIdentity: ID, certificateOidcIssuer: ISSUER, engine: 'both' },
    ],
    [
      [
        '--certificate-identity-regexp',
        '^https://github\\.com/octo/.*$',
        '--certificate-oidc-issuer-regexp',
        '^https://x$',
      ],
      {
        certificateIdentityRegexp: '^https://github\\.com/octo/.*$',
        certificateOidcIssuerRegexp: '^https://x$',
        engine: 'both',
      },
    ],
    [
      ['--github-workflow', 'octo/tools/.github/workflows/release.yml@refs/heads/main', '--engine', 'sigstore'],
      { githubWorkflow: 'octo/tools/.github/workflows/release.yml@refs/heads/main', engine: 'sigstore' },
    ],
    [['--trusted-root', '/tr.json', '--engine=both'], { trustedRoot: '/tr.json', engine: 'both' }],
  ])('%j → %o', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it('declares the --engine default once, in zod, so a given --engine is visible before parsing', () => {
    expect(rawOptions(add, []).engine).toBeUndefined();
    expect(rawOptions(add, ['--engine', 'both']).engine).toBe('both');
    expect(parseOptions(policyOptionsSchema, {}).engine).toBe('both');
  });

  it('refuses --engine where nothing is verified', () => {
    expect(rejection(() => refuseUnusedPolicy(rawOptions(add, ['--engine', 'sigstore']), '--verify'))).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/--engine only take effect with --verify/),
    });
  });

  it('refuses an unknown --engine in commander and in zod, naming the flag', () => {
    expect(rejection(() => parse(['--engine', 'cosign']))).toMatchObject({
      exitCode: 2,
      source: 'commander',
      message: expect.stringMatching(/--engine <engine>' argument 'cosign' is invalid/),
    });
    // zod checks it again for callers that bypass commander.
    expect(rejection(() => parseOptions(policyOptionsSchema, { engine: 'cosign' }))).toMatchObject({
      exitCode: 2,
      source: 'ghcr-blob',
      message: expect.stringMatching(/^--engine: /),
    });
  });

  it.each<[object, string]>([
    [{ githubWorkflow: 'o/r/.github/workflows/w.yml' }, '--github-workflow only take effect with --verify'],
    [
      { certificateIdentity: ID, certificateOidcIssuer: ISSUER },
      '--certificate-identity, --certificate-oidc-issuer only take effect with --verify',
    ],
    [
      { certificateIdentityRegexp: '^a$', certificateOidcIssuerRegexp: '^b$' },
      '--certificate-identity-regexp, --certificate-oidc-issuer-regexp only take effect with --verify',
    ],
    [{ trustedRoot: '/tr.json' }, '--trusted-root only take effect with --verify'],
  ])('refuseUnusedPolicy refuses %o', (opts, message) => {
    expect(rejection(() => refuseUnusedPolicy(opts, '--verify'))).toEqual({
      exitCode: 2,
      source: 'ghcr-blob',
      message,
    });
  });

  it('refuseUnusedPolicy lets a command line without policy flags through (defaults are not flags)', () => {
    expect(() => refuseUnusedPolicy(rawOptions(add, []), '--verify')).not.toThrow();
  });
});

describe('refuseMixedPolicy: a key policy and an identity policy are distinct', () => {
  it.each<[string, object, RegExp]>([
    [
      '--key with --certificate-identity',
      { key: 'k.pub', certificateIdentity: ID },
      /--key and --certificate-identity conflict/,
    ],
    ['--key with --gitlab-pipeline', { key: 'k.pub', gitlabPipeline: 'a/b//c.yml@refs/heads/main' }, /conflict/],
    ['--key with an issuer', { key: 'k.pub', certificateOidcIssuer: ISSUER }, /conflict/],
    ['--key with --source-repository', { key: 'k.pub', sourceRepository: 'octo/tools' }, /conflict/],
    ['--no-tlog-upload without --key', { certificateIdentity: ID, tlogUpload: false }, /only apply with --key/],
  ])('refuses %s', (_name, opts, message) => {
    expect(rejection(() => refuseMixedPolicy(opts))).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(message),
    });
  });

  it('accepts --key alone, with --no-tlog-upload, --trusted-root or --engine', () => {
    expect(() =>
      refuseMixedPolicy({ key: 'k.pub', tlogUpload: false, trustedRoot: 't', engine: 'sigstore' }),
    ).not.toThrow();
  });
});
