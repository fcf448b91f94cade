import { describe, expect, it } from 'vitest';
import { addTrustOptions, trustOptionsSchema } from '../../../src/options/trust.js';
import { parseLine, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addTrustOptions, trustOptionsSchema, argv);

describe('trust options', () => {
  it.each<[string[], object]>([
    [[], {}],
    [['--tuf-cache', '/var/cache/tuf'], { tufCache: '/var/cache/tuf' }],
    [['--trusted-root', '/etc/sigstore/trusted_root.json'], { trustedRoot: '/etc/sigstore/trusted_root.json' }],
  ])('%j → %o', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it('refuses an empty --trusted-root naming the flag', () => {
    expect(rejection(() => parse(['--trusted-root=']))).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^--trusted-root: /),
    });
  });
});
