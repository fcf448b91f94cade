import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, parseDuration, resolveDeadlines, withDeadline } from '../../../src/core/deadlines.js';
import { basicAuthEncodings, redact, secretEncodings } from '../../../src/core/redact.js';

describe('deadlines', () => {
  it.each([
    ['90s', 90_000],
    ['2m', 120_000],
    ['1.5s', 1_500],
    ['500ms', 500],
    ['45', 45_000],
    ['1h', 3_600_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text, '--timeout')).toBe(ms));

  it.each(['', 'soon', '-1s', '0', '50ms', '25h', '1e3', '1 s s'])('refuses %j as a usage error', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('--timeout wins over GHCR_BLOB_TIMEOUT, which wins over the default; the default fails within 90 s', () => {
    expect(resolveDeadlines('2s', { GHCR_BLOB_TIMEOUT: '5s' }).stallMs).toBe(2_000);
    expect(resolveDeadlines(undefined, { GHCR_BLOB_TIMEOUT: '5s' }).stallMs).toBe(5_000);
    const d = resolveDeadlines(undefined, {});
    expect(d.stallMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(d.stallMs + d.pollMs + d.killGraceMs).toBeLessThan(90_000);
    expect(() => resolveDeadlines(undefined, { GHCR_BLOB_TIMEOUT: 'never' })).toThrow(/GHCR_BLOB_TIMEOUT/);
  });

  it('withDeadline gives up on a promise that never settles', async () => {
    const never = new Promise<number>(() => {});
    await expect(withDeadline(never, 30, () => new Error('late'))).rejects.toThrow('late');
    await expect(withDeadline(Promise.resolve(1), 1_000, () => new Error('late'))).resolves.toBe(1);
  });
});

describe('redact: every spelling of a secret', () => {
  const secret = 'hunter2/+=?&x';
  it('raw, percent-encoded, base64 and base64url', () => {
    for (const form of secretEncodings(secret)) expect(redact(`a ${form} b`, [secret])).toBe('a *** b');
    expect(secretEncodings(secret)).toContain(encodeURIComponent(secret));
  });

  it('the Basic header of user:secret, when passed as a secret of its own', () => {
    const header = `Authorization: Basic ${Buffer.from(`alice:${secret}`).toString('base64')}`;
    expect(redact(header, [secret, ...basicAuthEncodings('alice', secret)])).toBe('Authorization: Basic ***');
  });

  it.each(['al', 'bob', 'carol', 'a'])('the secret inside any base64 text is broken up (user %j)', (user) => {
    const full = Buffer.from(`${user}:${secret}`).toString('base64');
    const shown = redact(`Basic ${full}`, [secret]);
    expect(shown).toContain('***');
    expect(shown).not.toContain(full);
  });

  it('leaves short strings and ordinary text alone', () => {
    expect(redact('a b c', ['a', undefined])).toBe('a b c');
  });
});
