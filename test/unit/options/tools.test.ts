import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { addToolOptions, toolOptionsSchema } from '../../../src/options/tools.js';
import { parseLine, rejection } from './support/command-line.js';

const both = (cmd: Command) => addToolOptions(cmd, ['oras', 'cosign']);
const orasOnly = (cmd: Command) => addToolOptions(cmd, ['oras']);

describe('tool options', () => {
  it.each<[string[], object]>([
    [[], {}],
    [['--oras', '/opt/oras'], { oras: '/opt/oras' }],
    [['--cosign=./cosign', '--oras', 'oras'], { oras: 'oras', cosign: './cosign' }],
  ])('%j → %o', (argv, expected) => {
    expect(parseLine(both, toolOptionsSchema, argv)).toEqual(expected);
  });

  it('declares only the tools asked for', () => {
    expect(rejection(() => parseLine(orasOnly, toolOptionsSchema, ['--cosign', '/c']))).toMatchObject({
      exitCode: 2,
      source: 'commander',
      message: expect.stringContaining("unknown option '--cosign'"),
    });
  });

  it('refuses an empty path naming the flag', () => {
    expect(rejection(() => parseLine(both, toolOptionsSchema, ['--cosign', '']))).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^--cosign: /),
    });
  });
});
