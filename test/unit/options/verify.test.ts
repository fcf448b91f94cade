import { describe, expect, it } from 'vitest';
import { addVerifyOptions, verifyOptionsSchema } from '../../../src/options/verify.js';
import { parseOptions } from '../../../src/options/parse.js';
import { parseLine, rawOptions, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addVerifyOptions, verifyOptionsSchema, argv);
const DIGEST = `sha256:${'0f'.repeat(32)}`;
const ID = 'https://github.com/octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0';
const ISSUER = 'https://token.actions.githubusercontent.com';

const DEFAULTS = { engine: 'both', passwordStdin: false, plainHttp: false, json: false, requireName: false };

describe('verify options', () => {
  it.each<[string[], object]>([
    [[], DEFAULTS],
    [
      ['--bundle', 'r.sigstore.json', '--certificate-identity', ID, '--certificate-oidc-issuer', ISSUER],
      { ...DEFAULTS, bundle: 'r.sigstore.json', certificateIdentity: ID, certificateOidcIssuer: ISSUER },
    ],
    [
      ['--github-workflow', 'octo/tools/.github/workflows/release.yml', '--expect-digest', DIGEST, '--json'],
      { ...DEFAULTS, githubWorkflow: 'octo/tools/.github/workflows/release.yml', expectDigest: DIGEST, json: true },
    ],
    [
      [
        '--engine',
        'sigstore',
        '--trusted-root',
        'tr.json',
        '-u',
        'me',
        '--plain-http',
        '--oras',
        '/o',
        '--cosign',
        '/c',
      ],
      {
        ...DEFAULTS,
        engine: 'sigstore',
        trustedRoot: 'tr.json',
        username: 'me',
        plainHttp: true,
        oras: '/o',
        cosign: '/c',
      },
    ],
    [
      ['--bundle', 'b.json', '--repository', 'ghcr.io/octo/tools/report.json', '--require-name'],
      { ...DEFAULTS, bundle: 'b.json', repository: 'ghcr.io/octo/tools/report.json', requireName: true },
    ],
    [['--repository', 'localhost:5000/a/b'], { ...DEFAULTS, repository: 'localhost:5000/a/b' }],
  ])('%j', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it('declares the --engine default once, in zod', () => {
    expect(rawOptions(addVerifyOptions, []).engine).toBeUndefined();
    expect(parseOptions(verifyOptionsSchema, {}).engine).toBe('both');
  });

  it.each<[string[], RegExp, 'commander' | 'ghcr-blob']>([
    [
      ['--expect-digest', 'sha256:abc'],
      /^--expect-digest: must be the file's sha256: 64 lower-case hex digits, optionally after sha256:$/,
      'ghcr-blob',
    ],
    [
      ['--engine', 'cosign'],
      /--engine <engine>' argument 'cosign' is invalid. Allowed choices are both, sigstore/,
      'commander',
    ],
    [['--engine'], /--engine <engine>' argument missing/, 'commander'],
    [['--bundle='], /^--bundle: /, 'ghcr-blob'],
    [['--verify'], /unknown option '--verify'/, 'commander'],
    // A repository exactly as pulled: no tag, no digest, no scheme, no trailing slash, lower case.
    ...[
      'ghcr.io/octo/tools/report.json:v1',
      `ghcr.io/octo/tools/report.json@sha256:${'0f'.repeat(32)}`,
      'https://ghcr.io/octo/tools',
      'ghcr.io/octo/tools/',
      'ghcr.io/Octo/tools',
      'octo/tools',
      'ghcr.io',
    ].map((r): [string[], RegExp, 'ghcr-blob'] => [['--repository', r], /^--repository: .*HOST\/PATH/, 'ghcr-blob']),
  ])('refuses %j', (argv, message, source) => {
    expect(rejection(() => parse(argv))).toMatchObject({
      exitCode: 2,
      source,
      message: expect.stringMatching(message),
    });
  });
});
