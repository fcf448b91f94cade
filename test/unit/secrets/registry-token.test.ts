import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_USERNAME, resolveCredentials } from '../../../src/secrets/registry-token.js';
import { readAllStdin, trimOneNewline } from '../../../src/secrets/stdin.js';

const stdin = (text: string) => async () => text;
const noStdin = async () => {
  throw new Error('stdin must not be read');
};

describe('credentials', () => {
  it('trims exactly one trailing line ending', () => {
    expect(trimOneNewline('tok\n')).toBe('tok');
    expect(trimOneNewline('tok\r\n')).toBe('tok');
    expect(trimOneNewline('tok\n\n')).toBe('tok\n');
    expect(trimOneNewline('tok')).toBe('tok');
  });

  it('takes --password-stdin first, then GHCR_TOKEN, then GITHUB_TOKEN', async () => {
    const env = { GHCR_TOKEN: 'from-ghcr', GITHUB_TOKEN: 'from-github', GITHUB_ACTOR: 'octocat' };
    expect(await resolveCredentials({ passwordStdin: true }, env, stdin('from-stdin\n'))).toEqual({
      username: 'octocat',
      secret: 'from-stdin',
      from: 'stdin',
    });
    expect(await resolveCredentials({ passwordStdin: false }, env, noStdin)).toEqual({
      username: 'octocat',
      secret: 'from-ghcr',
      from: 'GHCR_TOKEN',
    });
    expect(await resolveCredentials({ passwordStdin: false }, { GITHUB_TOKEN: 'from-github' }, noStdin)).toEqual({
      username: PLACEHOLDER_USERNAME,
      secret: 'from-github',
      from: 'GITHUB_TOKEN',
      placeholder: true, // so a refusal can say the name was not the user's choice
    });
    expect(
      await resolveCredentials({ passwordStdin: false, username: 'me' }, { GITHUB_TOKEN: 't0ken' }, noStdin),
    ).toEqual({ username: 'me', secret: 't0ken', from: 'GITHUB_TOKEN' });
  });

  it('has no credentials without a secret (oras may use docker config)', async () => {
    expect(await resolveCredentials({ passwordStdin: false }, {}, noStdin)).toBeUndefined();
  });

  it.each([
    [{ passwordStdin: true }, {}, '\n', /stdin was empty/],
    [{ passwordStdin: true }, {}, '', /stdin was empty/],
    [{ passwordStdin: false }, { GHCR_TOKEN: '' }, '', /GHCR_TOKEN is set but empty/],
    [{ passwordStdin: false, username: 'me' }, {}, '', /--username needs a token/],
    [{ passwordStdin: true }, {}, 'two\nlines\n', /line break/],
  ])('refuses %o %o', async (opts, env, input, why) => {
    await expect(resolveCredentials(opts, env, stdin(input))).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(why),
    });
  });

  it('an empty stdin in GitHub Actions: the hint says how to map the token into the step', async () => {
    await expect(
      resolveCredentials({ passwordStdin: true }, { GITHUB_ACTIONS: 'true' }, stdin('\n')),
    ).rejects.toMatchObject({
      recommendation: expect.stringMatching(/env: GITHUB_TOKEN: \$\{\{ secrets\.GITHUB_TOKEN \}\}/),
    });
    await expect(resolveCredentials({ passwordStdin: true }, {}, stdin(''))).rejects.toMatchObject({
      recommendation: expect.stringMatching(/^pipe the token in/),
    });
  });

  it('reads stdin with a bound', async () => {
    expect(await readAllStdin(Readable.from([Buffer.from('ab'), Buffer.from('c')]))).toBe('abc');
    await expect(readAllStdin(Readable.from([Buffer.alloc(10)]), 5)).rejects.toMatchObject({ code: 'USAGE' });
  });
});
