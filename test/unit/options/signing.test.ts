import { describe, expect, it } from 'vitest';
import { addSigningOptions, refuseStdinTwice, signingOptionsSchema } from '../../../src/options/signing.js';
import { parseLine, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addSigningOptions, signingOptionsSchema, argv);

describe('signing options', () => {
  it.each<[string[], object]>([
    [[], { identityTokenStdin: false, allowPublicLog: false }],
    [['--identity-token-stdin'], { identityTokenStdin: true, allowPublicLog: false }],
    [
      ['--signing-config', './sc.json'],
      { identityTokenStdin: false, signingConfig: './sc.json', allowPublicLog: false },
    ],
    [['--allow-public-log'], { identityTokenStdin: false, allowPublicLog: true }],
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
