import { describe, expect, it } from 'vitest';
import { addSignOptions, signOptionsSchema } from '../../../src/options/sign.js';
import { refuseStdinTwice } from '../../../src/options/signing.js';
import { parseLine, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addSignOptions, signOptionsSchema, argv);

const DEFAULTS = {
  identityTokenStdin: false,
  allowPublicLog: false,
  keyPasswordStdin: false,
  passwordStdin: false,
  plainHttp: false,
  json: false,
  force: false,
};

describe('sign options', () => {
  it.each<[string[], object]>([
    [[], DEFAULTS],
    [['--bundle', 'r.sigstore.json', '--force'], { ...DEFAULTS, bundle: 'r.sigstore.json', force: true }],
    [
      ['--identity-token-stdin', '--signing-config', 'sc.json', '--trusted-root', 'tr.json', '--json'],
      { ...DEFAULTS, identityTokenStdin: true, signingConfig: 'sc.json', trustedRoot: 'tr.json', json: true },
    ],
    [
      ['-u', 'octocat', '--ca-file', 'ca.pem', '--oras', '/o', '--cosign', '/c'],
      { ...DEFAULTS, username: 'octocat', caFile: 'ca.pem', oras: '/o', cosign: '/c' },
    ],
  ])('%j', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it.each<[string[], RegExp]>([
    [['--bundle', ''], /^--bundle: /],
    [['--identity-token', 'eyJ.x.y'], /unknown option '--identity-token'/],
    [['--certificate-identity', 'x'], /unknown option '--certificate-identity'/],
  ])('refuses %j', (argv, message) => {
    expect(rejection(() => parse(argv))).toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });

  it('parses --password-stdin with --identity-token-stdin, then refuseStdinTwice refuses it', () => {
    const opts = parse(['--password-stdin', '--identity-token-stdin']);
    expect(rejection(() => refuseStdinTwice(opts))).toMatchObject({
      exitCode: 2,
      message: '--password-stdin and --identity-token-stdin both want stdin',
    });
  });
});
