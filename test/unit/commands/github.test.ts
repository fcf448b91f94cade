import { describe, expect, it } from 'vitest';
import { forStdout } from '../../../src/commands/actions-log.js';
import { formatOutputs, formatSummary } from '../../../src/commands/github.js';
import { parseEnvFile, workflowCommands } from '../../support/actions.js';

describe('step outputs', () => {
  it('a value holding newlines and `name=` lines cannot forge another output', () => {
    const text = formatOutputs([
      ['path', '/tmp/x\ndigest=sha256:forged\nEOF'],
      ['digest', 'sha256:real'],
    ]);
    expect(parseEnvFile(text)).toEqual({ path: '/tmp/x\ndigest=sha256:forged\nEOF', digest: 'sha256:real' });
    // a fresh random delimiter each time
    const delimiters = [...text.matchAll(/<<(\S+)/g)].map((m) => m[1]);
    expect(new Set(delimiters).size).toBe(2);
  });
});

describe('job summary', () => {
  it('is a Markdown table whose cells cannot add rows, links or HTML', () => {
    const md = formatSummary('verify', [['identity', 'a | b\n<img src=x onerror=alert(1)> [x](http://e) `c`']]);
    const row = md.split('\n').find((l) => l.startsWith('| Signed by'))!;
    expect(row.split('|').length).toBe(4); // | label | value |
    expect(row).not.toMatch(/[<>[\]`]/);
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(3);
  });
});

describe('stdout under Actions', () => {
  const env = { GITHUB_ACTIONS: 'true' };
  it('JSON keeps its value but carries no legacy command', () => {
    const json = `${JSON.stringify({ note: 'x ##[add-mask]y' })}\n`;
    const out = forStdout(env, json, true);
    expect(JSON.parse(out)).toEqual({ note: 'x ##[add-mask]y' });
    expect(workflowCommands(out)).toEqual([]);
  });
  it('human lines are neutralized; outside Actions nothing changes', () => {
    expect(workflowCommands(forStdout(env, '::add-mask::x\n', false))).toEqual([]);
    expect(forStdout({}, '::add-mask::x\n', false)).toBe('::add-mask::x\n');
  });
});
