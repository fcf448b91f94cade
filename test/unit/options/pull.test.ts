import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../../src/options/parse.js';
import { refuseUnusedPolicy } from '../../../src/options/policy.js';
import { addPullOptions, pullOptionsSchema } from '../../../src/options/pull.js';
import { parseLine, rawOptions, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addPullOptions, pullOptionsSchema, argv);
const DIGEST = `sha256:${'ab'.repeat(32)}`;

const DEFAULTS = {
  passwordStdin: false,
  plainHttp: false,
  engine: 'both',
  json: false,
  verify: false,
  force: false,
  requireName: false,
};

describe('pull options', () => {
  it.each<[string[], object]>([
    [[], DEFAULTS],
    [['-o', './out', '--force'], { ...DEFAULTS, output: './out', force: true }],
    [['-o', '-'], { ...DEFAULTS, output: '-' }],
    [['--output-file', 'in/report.json'], { ...DEFAULTS, outputFile: 'in/report.json' }],
    [['--output=/tmp/x', '--expect-digest', DIGEST], { ...DEFAULTS, output: '/tmp/x', expectDigest: DIGEST }],
    // What `sha256sum` prints: the same digest, without the prefix.
    [['--expect-digest', 'ab'.repeat(32)], { ...DEFAULTS, expectDigest: DIGEST }],
    [
      ['--verify', '--github-workflow', 'octo/tools/.github/workflows/release.yml', '--engine', 'sigstore'],
      { ...DEFAULTS, verify: true, githubWorkflow: 'octo/tools/.github/workflows/release.yml', engine: 'sigstore' },
    ],
    [
      ['--verify', '--trusted-root', 'tr.json', '--cosign', '/c', '--oras', '/o', '-u', 'me', '--password-stdin'],
      {
        ...DEFAULTS,
        verify: true,
        trustedRoot: 'tr.json',
        cosign: '/c',
        oras: '/o',
        username: 'me',
        passwordStdin: true,
      },
    ],
    [['--verify', '--require-name'], { ...DEFAULTS, verify: true, requireName: true }],
  ])('%j', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it('leaves -o unset when not given (so it can conflict with --output-file); --engine defaults in zod alone', () => {
    const raw = rawOptions(addPullOptions, []);
    const zodOnly = parseOptions(pullOptionsSchema, {});
    expect([raw.output, raw.engine]).toEqual([undefined, undefined]);
    expect([zodOnly.output, zodOnly.engine]).toEqual([undefined, 'both']);
  });

  it.each<[string[], RegExp, 'commander' | 'ghcr-blob']>([
    [
      ['--expect-digest', 'ab'.repeat(31)],
      /^--expect-digest: must be the file's sha256: 64 lower-case hex/,
      'ghcr-blob',
    ],
    [['--expect-digest', `${'ab'.repeat(32)}  report.json`], /^--expect-digest: /, 'ghcr-blob'],
    [['--expect-digest', DIGEST.toUpperCase()], /^--expect-digest: /, 'ghcr-blob'],
    [['--expect-digest', `${DIGEST}0`], /^--expect-digest: /, 'ghcr-blob'],
    [['--expect-digest', `sha512:${'ab'.repeat(64)}`], /^--expect-digest: /, 'ghcr-blob'],
    [['-o', ''], /^--output: /, 'ghcr-blob'],
    [['--engine', 'cosign'], /--engine <engine>' argument 'cosign' is invalid/, 'commander'],
    [['--sign'], /unknown option '--sign'/, 'commander'],
  ])('refuses %j', (argv, message, source) => {
    expect(rejection(() => parse(argv))).toMatchObject({
      exitCode: 2,
      source,
      message: expect.stringMatching(message),
    });
  });

  it.each<[string[], string]>([
    [['--github-workflow', 'o/r/.github/workflows/w.yml'], '--github-workflow only take effect with --verify'],
    [['--trusted-root', 'tr.json'], '--trusted-root only take effect with --verify'],
    [['--engine', 'sigstore'], '--engine only take effect with --verify'],
  ])('refuses policy without --verify: %j', (argv, message) => {
    const opts = rawOptions(addPullOptions, argv);
    expect(rejection(() => refuseUnusedPolicy(opts, '--verify'))).toEqual({
      exitCode: 2,
      source: 'ghcr-blob',
      message,
    });
  });
});
