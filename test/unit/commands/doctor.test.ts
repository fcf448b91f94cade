import { describe, expect, it } from 'vitest';
import { satisfiesEngines } from '../../../src/commands/doctor-run.js';

describe('satisfiesEngines (the range forms package.json uses)', () => {
  it.each([
    ['20.17.0', '^20.17.0 || >=22.9.0', true],
    ['20.16.9', '^20.17.0 || >=22.9.0', false],
    ['21.7.0', '^20.17.0 || >=22.9.0', false],
    ['22.9.0', '^20.17.0 || >=22.9.0', true],
    ['22.8.0', '^20.17.0 || >=22.9.0', false],
    ['26.0.0', '^22.22.2 || ^24.15.0 || >=26.0.0', true],
    ['24.14.0', '^22.22.2 || ^24.15.0 || >=26.0.0', false],
    ['24.15.1', '^22.22.2 || ^24.15.0 || >=26.0.0', true],
    ['22.0.0', 'something else', false],
  ])('%s in %s → %s', (version, range, ok) => {
    expect(satisfiesEngines(version, range)).toBe(ok);
  });
});
