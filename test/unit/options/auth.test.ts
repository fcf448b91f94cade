import { describe, expect, it } from 'vitest';
import { addAuthOptions, authOptionsSchema } from '../../../src/options/auth.js';
import { parseLine, rawOptions, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addAuthOptions, authOptionsSchema, argv);

describe('auth options', () => {
  it.each<[string[], object]>([
    [[], { passwordStdin: false }],
    [['-u', 'octocat'], { username: 'octocat', passwordStdin: false }],
    [['--username=octocat', '--password-stdin'], { username: 'octocat', passwordStdin: true }],
    [['--password-stdin'], { passwordStdin: true }],
  ])('%j → %o', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it('--password-stdin takes no value: what follows is not a secret it keeps', () => {
    expect(rejection(() => parse(['--password-stdin=hunter22']))).toMatchObject({
      exitCode: 2,
      source: 'commander',
      message: expect.stringContaining('--password-stdin'),
    });
  });

  it.each([['--password'], ['--token'], ['-p']])('has no %s flag', (flag) => {
    expect(rejection(() => rawOptions(addAuthOptions, [flag, 'hunter22']))).toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(`unknown option '${flag}'`),
    });
  });

  it('refuses an empty --username naming the flag', () => {
    expect(rejection(() => parse(['--username', '']))).toMatchObject({
      exitCode: 2,
      source: 'ghcr-blob',
      message: expect.stringMatching(/^--username: /),
    });
  });
});
