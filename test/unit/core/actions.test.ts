import { describe, expect, it } from 'vitest';
import {
  escapeCommandData,
  escapeCommandProperty,
  neutralizeWorkflowCommands,
  workflowCommand,
} from '../../../src/core/actions.js';
import { workflowCommands } from '../../support/actions.js';

describe('workflow command escaping (the runner unescapes %0D %0A %25, and %3A %2C in properties)', () => {
  it('escapes % first, then CR and LF, in data', () => {
    expect(escapeCommandData('50%0A\r\nx')).toBe('50%250A%0D%0Ax');
  });
  it('also escapes : and , in properties', () => {
    expect(escapeCommandProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
  it('a message with a newline stays one command, and round-trips', () => {
    const line = workflowCommand('error', { title: 't:1,2' }, 'first\n::add-mask::x');
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('::error title=t%3A1%2C2::first%0A::add-mask::x');
    expect(workflowCommands(line)).toEqual([{ command: 'error', data: 'first\n::add-mask::x' }]);
  });
});

describe('neutralizeWorkflowCommands: text from a registry or a certificate never becomes a command', () => {
  it.each([
    '::add-mask::x',
    '   ::set-output name=a::b',
    '\t::error::forged',
    'before ##[set-output name=a]b',
    '##[add-mask]x',
  ])('%j', (text) => {
    expect(workflowCommands(text)).not.toEqual([]); // it would have been one…
    expect(workflowCommands(neutralizeWorkflowCommands(text))).toEqual([]); // …and is not
  });
  it('leaves ordinary text alone', () => {
    const text = 'error: https://github.com/o/r/.github/workflows/a.yml@refs/tags/v1: a::b not found';
    expect(neutralizeWorkflowCommands(text)).toBe(text);
  });
});
