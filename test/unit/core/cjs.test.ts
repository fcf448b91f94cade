import { describe, expect, it } from 'vitest';
import { cjsExports } from '../../../src/core/cjs.js';

describe('cjsExports (a CommonJS package through a dynamic import, bundled or not)', () => {
  const api = { initTUF: () => 'tuf' };
  it('takes the exports from the top when Node lifted them there', () => {
    expect(cjsExports({ ...api, default: api }, 'initTUF')).toMatchObject(api);
  });
  it('takes them from default when only it has them (the bundle)', () => {
    expect(cjsExports({ default: api } as typeof api & { default: typeof api }, 'initTUF')).toBe(api);
  });
  it('fails clearly when neither has them', () => {
    expect(() => cjsExports({} as typeof api, 'initTUF')).toThrow(/without its initTUF export/);
  });
});
