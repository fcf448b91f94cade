import { describe, expect, it } from 'vitest';
import { addOutputOptions, outputOptionsSchema } from '../../../src/options/output.js';
import { parseLine, rejection } from './support/command-line.js';

const parse = (argv: string[]) => parseLine(addOutputOptions, outputOptionsSchema, argv);

describe('output options', () => {
  it.each<[string[], object]>([
    [[], { json: false }],
    [['--json'], { json: true }],
  ])('%j → %o', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it('--json takes no value', () => {
    expect(rejection(() => parse(['--json=yes']))).toMatchObject({ exitCode: 2, source: 'commander' });
  });
});
