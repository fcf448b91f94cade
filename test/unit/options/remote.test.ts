import { describe, expect, it } from 'vitest';
import { addRemoteOptions, remoteOptionsSchema } from '../../../src/options/remote.js';
import { parseLine, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addRemoteOptions, remoteOptionsSchema, argv);

describe('remote options', () => {
  it.each<[string[], object]>([
    [[], { plainHttp: false }],
    [['--plain-http'], { plainHttp: true }],
    [['--ca-file', '/etc/ca.pem'], { plainHttp: false, caFile: '/etc/ca.pem' }],
    [['--plain-http', '--ca-file=./ca.pem'], { plainHttp: true, caFile: './ca.pem' }],
  ])('%j → %o', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it.each<[string[], RegExp]>([
    [['--ca-file', ''], /^--ca-file: /],
    [['--ca-file'], /--ca-file <path>' argument missing/],
  ])('refuses %j', (argv, message) => {
    expect(rejection(() => parse(argv))).toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });
});
