import { describe, expect, it } from 'vitest';
import { printable, printableLine } from '../../../src/core/printable.js';

describe('printable: someone else’s text cannot rearrange what the terminal shows', () => {
  it('escapes C0 and C1 controls and terminal escapes', () => {
    expect(printable('a\u001b[2K\rb\u009bc')).toBe('a\\u001b[2K\\u000db\\u009bc');
  });

  it('escapes bidi overrides, isolates and marks (a signer identity shown reversed)', () => {
    // RLO makes "lve/octo/..." read as another owner; every bidi control is shown, not obeyed.
    const identity = 'https://github.com/\u202eotco/sloot\u202c/.github/workflows/release.yml@refs/tags/v1';
    expect(printable(identity)).toBe(
      'https://github.com/\\u202eotco/sloot\\u202c/.github/workflows/release.yml@refs/tags/v1',
    );
    for (const c of [
      '\u061c',
      '\u200e',
      '\u200f',
      '\u202a',
      '\u202b',
      '\u202d',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ])
      expect(printable(`x${c}y`)).toBe(`x\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}y`);
  });

  it('escapes line and paragraph separators and invisible characters', () => {
    expect(printable('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
    expect(printable('octo\u200b/app\ufeff')).toBe('octo\\u200b/app\\ufeff');
  });

  it('leaves ordinary non-ASCII text alone, and cuts long lines', () => {
    expect(printable('Zoë — ünïcödé ✓')).toBe('Zoë — ünïcödé ✓');
    expect(printableLine('x'.repeat(10), 4)).toBe('xxxx…');
  });
});
