import { describe, expect, it } from 'vitest';
import {
  addSigningOptions,
  checkKeyOptions,
  refuseStdinTwice,
  signingOptionsSchema,
} from '../../../src/options/signing.js';
import { parseLine, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addSigningOptions, signingOptionsSchema, argv);

describe('signing options', () => {
  it.each<[string[], object]>([
    [[], { identityTokenStdin: false, allowPublicLog: false, keyPasswordStdin: false }],
    [['--identity-token-stdin'], { identityTokenStdin: true, allowPublicLog: false, keyPasswordStdin: false }],
    [
      ['--signing-config', './sc.json'],
      { identityTokenStdin: false, signingConfig: './sc.json', allowPublicLog: false, keyPasswordStdin: false },
    ],
    [['--allow-public-log'], { identityTokenStdin: false, allowPublicLog: true, keyPasswordStdin: false }],
    [
      ['--key', 'cosign.key', '--key-password-stdin', '--no-tlog-upload'],
      {
        identityTokenStdin: false,
        allowPublicLog: false,
        key: 'cosign.key',
        keyPasswordStdin: true,
        tlogUpload: false,
      },
    ],
    [
      ['--key', 'cosign.key', '--tlog-upload'],
      {
        identityTokenStdin: false,
        allowPublicLog: false,
        key: 'cosign.key',
        keyPasswordStdin: false,
        tlogUpload: true,
      },
    ],
  ])('%j → %o', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it.each<[string[], RegExp]>([
    [['--identity-token', 'eyJhbGciOi.x.y'], /unknown option '--identity-token'/],
    [['--identity-token-stdin=eyJhbGciOi.x.y'], /--identity-token-stdin/],
    [['--signing-config', ''], /^--signing-config: /],
  ])('refuses %j', (argv, message) => {
    expect(rejection(() => parse(argv))).toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });

  it.each([
    [{ passwordStdin: true, identityTokenStdin: false }],
    [{ passwordStdin: false, identityTokenStdin: true }],
    [{}],
  ])('lets one secret use stdin: %o', (opts) => {
    expect(() => refuseStdinTwice(opts)).not.toThrow();
  });

  it('refuses two secrets on stdin, naming both flags (refuseStdinTwice)', () => {
    expect(rejection(() => refuseStdinTwice({ passwordStdin: true, identityTokenStdin: true }))).toEqual({
      exitCode: 2,
      source: 'ghcr-blob',
      message: '--password-stdin and --identity-token-stdin both want stdin',
    });
  });
});

describe('checkKeyOptions', () => {
  const base = signingOptionsSchema.parse({});
  it.each<[string, object, RegExp]>([
    ['--key-password-stdin without --key', { keyPasswordStdin: true }, /--key-password-stdin only apply with --key/],
    ['--no-tlog-upload without --key', { tlogUpload: false }, /--no-tlog-upload only apply with --key/],
    [
      '--key with --identity-token-stdin',
      { key: 'k', identityTokenStdin: true },
      /--key and --identity-token-stdin conflict/,
    ],
    ['--key with --allow-public-log', { key: 'k', allowPublicLog: true }, /--allow-public-log is about keyless/],
  ])('refuses %s', (_name, opts, message) => {
    expect(rejection(() => checkKeyOptions({ ...base, ...opts }))).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(message),
    });
  });

  it('the key password and the registry token cannot both own stdin; the hint names where the token comes from', () => {
    expect(rejection(() => refuseStdinTwice({ passwordStdin: true, keyPasswordStdin: true }))).toMatchObject({
      exitCode: 2,
      message: '--password-stdin and --key-password-stdin both want stdin',
    });
  });
});
